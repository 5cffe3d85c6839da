package dev.telnetkit.terminal

/**
 * A plain line reader: characters in, the finished line and the echo to draw out. Pure state,
 * no I/O. It handles printable text (including characters outside the BMP), Backspace as BS or
 * DEL, Ctrl-U (erase the line), the Telnet EC and EL commands, Ctrl-C, Ctrl-D on an empty line,
 * and swallows ANSI escape sequences so that arrow keys never appear as raw bytes.
 *
 * Enter is CR or LF; an LF right after a CR is part of the same Enter (the decoder already does
 * this in NVT mode; here it covers BINARY input).
 */
internal class LineReader(private val maxLength: Int) {
    private val buffer = StringBuilder()
    private var afterCr = false
    private var escape = ESC_NONE

    /** The text typed so far. */
    val text: String get() = buffer.toString()

    sealed class Step {
        /** Keep reading; [echo] is what to draw if echo is on. */
        data class Continue(val echo: String) : Step()
        data class Done(val line: String) : Step()
        data object Interrupted : Step()
        data object EndOfInput : Step()
    }

    fun reset() {
        buffer.setLength(0)
        escape = ESC_NONE
    }

    fun feed(c: Char): Step {
        val wasCr = afterCr
        afterCr = false
        if (escape != ESC_NONE) return swallowEscape(c)
        return when (c) {
            '\r' -> { afterCr = true; finish() }
            '\n' -> if (wasCr) Step.Continue("") else finish()
            '\u0008', '\u007f' -> eraseCharacter()
            '\u0015' -> eraseLine()
            '\u0003' -> { reset(); Step.Interrupted }
            '\u0004' -> if (buffer.isEmpty()) Step.EndOfInput else Step.Continue("")
            '\u001b' -> { escape = ESC_START; Step.Continue("") }
            else -> if (c < ' ' || c == '\u0000') Step.Continue("") else insert(c)
        }
    }

    fun eraseCharacter(): Step {
        if (buffer.isEmpty()) return Step.Continue("")
        var remove = 1
        if (buffer.length >= 2 && buffer[buffer.length - 1].isLowSurrogate() && buffer[buffer.length - 2].isHighSurrogate()) remove = 2
        val removed = buffer.substring(buffer.length - remove)
        buffer.setLength(buffer.length - remove)
        return Step.Continue("\b \b".repeat(CharacterWidth.of(removed)))
    }

    fun eraseLine(): Step {
        val cells = CharacterWidth.of(buffer)
        buffer.setLength(0)
        return Step.Continue("\b \b".repeat(cells))
    }

    private fun insert(c: Char): Step {
        if (buffer.length >= maxLength) return Step.Continue("\u0007")
        buffer.append(c)
        // Hold back the first half of a surrogate pair until the second arrives.
        if (c.isHighSurrogate()) return Step.Continue("")
        if (c.isLowSurrogate() && buffer.length >= 2) return Step.Continue(buffer.substring(buffer.length - 2))
        return Step.Continue(c.toString())
    }

    private fun finish(): Step {
        val line = buffer.toString()
        buffer.setLength(0)
        return Step.Done(line)
    }

    private fun swallowEscape(c: Char): Step {
        escape = when (escape) {
            ESC_START -> when (c) {
                '[' -> ESC_CSI
                'O' -> ESC_SS3
                else -> ESC_NONE
            }
            ESC_CSI -> if (c in '@'..'~') ESC_NONE else ESC_CSI
            else -> ESC_NONE
        }
        return Step.Continue("")
    }

    private companion object {
        const val ESC_NONE = 0
        const val ESC_START = 1
        const val ESC_CSI = 2
        const val ESC_SS3 = 3
    }
}
