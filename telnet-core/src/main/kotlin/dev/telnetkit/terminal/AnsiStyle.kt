package dev.telnetkit.terminal

/**
 * Text styles and colours as ANSI SGR codes. Use them through `Session.styled`, which
 * leaves them out for terminals that cannot show them.
 */
public enum class AnsiStyle(internal val code: Int) {
    BOLD(1), DIM(2), ITALIC(3), UNDERLINE(4), REVERSE(7),
    BLACK(30), RED(31), GREEN(32), YELLOW(33), BLUE(34), MAGENTA(35), CYAN(36), WHITE(37),
    BRIGHT_BLACK(90), BRIGHT_RED(91), BRIGHT_GREEN(92), BRIGHT_YELLOW(93), BRIGHT_BLUE(94),
    BRIGHT_MAGENTA(95), BRIGHT_CYAN(96), BRIGHT_WHITE(97),
    BG_BLACK(40), BG_RED(41), BG_GREEN(42), BG_YELLOW(43), BG_BLUE(44), BG_MAGENTA(45), BG_CYAN(46), BG_WHITE(47);

    /** True for the colours (foreground and background), false for the attributes such as bold. */
    internal val isColor: Boolean get() = code >= 30

    public companion object {
        /** [text] wrapped in the SGR codes of [styles] and a reset; [text] itself when no style is given. */
        @JvmStatic
        public fun apply(text: String, vararg styles: AnsiStyle): String =
            if (styles.isEmpty()) text else styles.joinToString(";", "\u001b[", "m") { it.code.toString() } + text + "\u001b[0m"

        /** Terminal types that show no ANSI styles. */
        internal val PLAIN_TERMINALS = setOf("unknown", "dumb", "network", "tty33", "")
    }
}
