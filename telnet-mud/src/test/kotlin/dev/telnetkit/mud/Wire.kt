package dev.telnetkit.mud

import java.io.ByteArrayOutputStream

/**
 * The readable byte notation of the wire transcripts: hex pairs and "quoted text" (UTF-8, with
 * `\"` and `\\` escapes); `#` outside quotes starts a comment. [render] splits a byte stream into
 * one token per Telnet command, subnegotiation, or run of text (ending at a line feed), so the way
 * TCP happened to cut the stream does not matter.
 */
object Wire {
    private val NAMES = mapOf(
        251 to "WILL", 252 to "WONT", 253 to "DO", 254 to "DONT", 239 to "EOR", 249 to "GA", 241 to "NOP",
    )
    private val OPTIONS = mapOf(
        1 to "ECHO", 3 to "SGA", 24 to "TTYPE", 25 to "EOR", 31 to "NAWS", 39 to "NEW-ENVIRON", 42 to "CHARSET",
        69 to "MSDP", 70 to "MSSP", 86 to "MCCP2", 87 to "MCCP3", 201 to "GMCP",
    )

    fun stripComment(line: String): String {
        var quoted = false
        var i = 0
        while (i < line.length) {
            val c = line[i]
            if (quoted && c == '\\') {
                i += 2
                continue
            }
            if (c == '"') quoted = !quoted
            if (c == '#' && !quoted) return line.substring(0, i).trim()
            i++
        }
        return line.trim()
    }

    fun parse(text: String): ByteArray {
        val out = ByteArrayOutputStream()
        var i = 0
        while (i < text.length) {
            when {
                text[i].isWhitespace() -> i++
                text[i] == '"' -> {
                    val s = StringBuilder()
                    i++
                    while (i < text.length && text[i] != '"') {
                        if (text[i] == '\\') i++
                        s.append(text[i])
                        i++
                    }
                    require(i < text.length) { "unterminated string in: $text" }
                    out.write(s.toString().toByteArray(Charsets.UTF_8))
                    i++
                }
                else -> {
                    out.write(text.substring(i, i + 2).toInt(16))
                    i += 2
                }
            }
        }
        return out.toByteArray()
    }

    /**
     * Bytes as hex pairs and quoted printable ASCII: runs of three or more printable characters
     * are quoted in a token that starts with IAC, any run in text; shorter ones stay hex (so `FF FD 27` does not turn into `FF FD "'"`).
     */
    fun render(bytes: ByteArray): String {
        val minRun = if (bytes.isNotEmpty() && bytes[0] == 0xFF.toByte()) 3 else 1
        val parts = ArrayList<String>()
        var i = 0
        fun printable(v: Int) = v in 0x20..0x7E
        while (i < bytes.size) {
            var j = i
            while (j < bytes.size && printable(bytes[j].toInt() and 0xFF)) j++
            if (j > i && j - i >= minRun) {
                val run = StringBuilder()
                for (k in i until j) {
                    val c = (bytes[k].toInt() and 0xFF).toChar()
                    if (c == '"' || c == '\\') run.append('\\')
                    run.append(c)
                }
                parts += "\"" + run + "\""
                i = j
            } else {
                parts += "%02X".format(bytes[i].toInt() and 0xFF)
                i++
            }
        }
        return parts.joinToString(" ")
    }

    /** A short name for a Telnet command token, for the comments of rendered lines. */
    private fun describe(token: ByteArray): String? {
        if (token.size < 2 || token[0] != 0xFF.toByte()) return null
        val cmd = token[1].toInt() and 0xFF
        if (cmd == 250 && token.size > 2) return "SB ${OPTIONS[token[2].toInt() and 0xFF] ?: token[2].toInt() and 0xFF}"
        val name = NAMES[cmd] ?: return null
        return if (token.size > 2) "$name ${OPTIONS[token[2].toInt() and 0xFF] ?: token[2].toInt() and 0xFF}" else name
    }

    /** [bytes] cut into tokens (commands, subnegotiations, text runs). */
    fun tokens(bytes: ByteArray): List<ByteArray> {
        val tokens = ArrayList<ByteArray>()
        var i = 0
        var textStart = -1
        fun endText(at: Int) {
            if (textStart >= 0 && at > textStart) tokens += bytes.copyOfRange(textStart, at)
            textStart = -1
        }
        while (i < bytes.size) {
            val v = bytes[i].toInt() and 0xFF
            if (v == 0xFF && i + 1 < bytes.size && (bytes[i + 1].toInt() and 0xFF) != 0xFF) {
                endText(i)
                val cmd = bytes[i + 1].toInt() and 0xFF
                val end = when (cmd) {
                    in 251..254 -> minOf(i + 3, bytes.size)
                    250 -> {
                        var j = i + 2
                        while (j + 1 < bytes.size && !(bytes[j] == 0xFF.toByte() && bytes[j + 1] == 0xF0.toByte())) {
                            j += if (bytes[j] == 0xFF.toByte()) 2 else 1
                        }
                        minOf(j + 2, bytes.size)
                    }
                    else -> i + 2
                }
                tokens += bytes.copyOfRange(i, end)
                i = end
                continue
            }
            if (textStart < 0) textStart = i
            i += if (v == 0xFF) 2 else 1
            if (v == 0x0A) endText(i)
        }
        endText(bytes.size)
        return tokens
    }

    /** Every token of [bytes] as a `prefix token  # name` line. */
    fun lines(prefix: String, bytes: ByteArray): List<String> = tokens(bytes).map { t ->
        val name = describe(t)
        "$prefix ${render(t)}" + if (name != null) "   # $name" else ""
    }
}
