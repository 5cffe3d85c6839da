package dev.telnetkit.server

/** Makes client-controlled text safe for a log line: control characters are escaped, length is capped. */
internal object LogText {
    private const val MAX = 200

    fun escape(text: String): String {
        val out = StringBuilder(minOf(text.length, MAX) + 8)
        for ((i, c) in text.withIndex()) {
            if (i == MAX) return out.append("...").toString()
            when {
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c < ' ' || c == '\u007f' || c in '\u0080'..'\u009f' || c == '\u2028' || c == '\u2029' ->
                    out.append("\\u").append(String.format("%04x", c.code))
                else -> out.append(c)
            }
        }
        return out.toString()
    }
}
