package dev.telnetkit.ansi

import dev.telnetkit.terminal.escapeEnd

/**
 * Takes the escape codes out of text for a terminal that shows none: CSI sequences (colours, cursor
 * moves), OSC strings (window titles) and the other ESC sequences. A cursor-forward (`ESC [ n C`),
 * which ANSI art uses instead of runs of blanks, becomes that many spaces (at most
 * [MAX_FORWARD] each), so the picture keeps its shape. Other control characters but
 * TAB, LF and CR are dropped too.
 */
public object AnsiStripper {
    /** The most spaces one cursor-forward becomes: a hostile `ESC [ 999999999 C` stays small. */
    public const val MAX_FORWARD: Int = 255

    /** [text] without escape codes. */
    @JvmStatic
    public fun strip(text: String): String {
        if (text.none { it < ' ' || it == '\u007f' }) return text
        val out = StringBuilder(text.length)
        var i = 0
        while (i < text.length) {
            val c = text[i]
            when {
                c == '\u001b' -> {
                    val end = escapeEnd(text, i).coerceAtMost(text.length)
                    forwardCount(text, i, end)?.let { out.append(" ".repeat(it)) }
                    i = end
                    continue
                }
                c == '\t' || c == '\n' || c == '\r' -> out.append(c)
                c < ' ' || c == '\u007f' -> {}
                else -> out.append(c)
            }
            i++
        }
        return out.toString()
    }

    /** The column count of a cursor-forward sequence `ESC [ n C` in text[start, end), or null for any other. */
    private fun forwardCount(text: String, start: Int, end: Int): Int? {
        if (end - start < 3 || text[start + 1] != '[' || text[end - 1] != 'C') return null
        val digits = text.substring(start + 2, end - 1)
        if (digits.isEmpty()) return 1
        if (!digits.all { it.isDigit() }) return null
        return (digits.take(4).toIntOrNull() ?: 1).coerceIn(1, MAX_FORWARD)
    }
}
