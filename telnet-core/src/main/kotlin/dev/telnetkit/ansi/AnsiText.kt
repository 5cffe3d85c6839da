package dev.telnetkit.ansi

/**
 * Styled text that renders for any [ColorLevel]: colours stepped down to what the terminal shows,
 * no colours but bold, underline and reverse at [ColorLevel.ATTRIBUTES_ONLY], plain text at
 * [ColorLevel.NONE]. Immutable; build it with [builder] (Java) or `ansi { }` (Kotlin).
 *
 * ```java
 * AnsiText text = AnsiText.builder()
 *     .bold().foreground(AnsiColor.rgb(255, 128, 0)).text("warning")
 *     .plain().text(": disk nearly full")
 *     .build();
 * session.writeLine(text.render(session.getColorLevel()));
 * ```
 */
public class AnsiText internal constructor(internal val runs: List<Pair<TextStyle, String>>) {
    /** The text without any style. */
    public val plain: String get() = runs.joinToString("") { it.second }

    /**
     * The text with SGR codes for [level]: each change of style is one `ESC [ 0 ; … m` (a reset and
     * the whole new style), and a reset follows styled text at the end.
     */
    public fun render(level: ColorLevel): String {
        if (!level.showsEscapes) return plain
        val out = StringBuilder()
        var current = TextStyle.PLAIN
        for ((style, text) in runs) {
            if (text.isEmpty()) continue
            val shown = style.shownAt(level)
            if (shown != current) {
                out.append(shown.sgr(level))
                current = shown
            }
            out.append(text)
        }
        if (current != TextStyle.PLAIN) out.append(RESET)
        return out.toString()
    }

    /** [plain]. */
    override fun toString(): String = plain

    /**
     * Builds [AnsiText] as a pen that writes: the style methods change the pen for the [text] that
     * follows, [plain] goes back to no style. For Java; Kotlin has `ansi { }`.
     */
    public class Builder internal constructor() {
        private val runs = ArrayList<Pair<TextStyle, String>>()
        private var pen = TextStyle.PLAIN

        /** Appends [text] in the current style. */
        public fun text(text: String): Builder = apply { if (text.isNotEmpty()) runs.add(pen to text) }

        /** Appends [text] as already built, in its own styles. */
        public fun text(text: AnsiText): Builder = apply { runs.addAll(text.runs) }

        /** Bold (or bright, on some terminals) from here on. */
        public fun bold(): Builder = apply { pen = pen.copy(bold = true) }

        /** Dim from here on. */
        public fun dim(): Builder = apply { pen = pen.copy(dim = true) }

        /** Italic from here on (not every terminal shows it). */
        public fun italic(): Builder = apply { pen = pen.copy(italic = true) }

        /** Underlined from here on. */
        public fun underline(): Builder = apply { pen = pen.copy(underline = true) }

        /** Blinking from here on. */
        public fun blink(): Builder = apply { pen = pen.copy(blink = true) }

        /** Reverse video from here on. */
        public fun reverse(): Builder = apply { pen = pen.copy(reverse = true) }

        /** Text colour [color] from here on (null: the terminal's default). */
        public fun foreground(color: AnsiColor?): Builder = apply { pen = pen.copy(foreground = color) }

        /** Background colour [color] from here on (null: the terminal's default). */
        public fun background(color: AnsiColor?): Builder = apply { pen = pen.copy(background = color) }

        /** No style from here on. */
        public fun plain(): Builder = apply { pen = TextStyle.PLAIN }

        /** The text written so far. */
        public fun build(): AnsiText = AnsiText(runs.toList())

        internal var style: TextStyle
            get() = pen
            set(value) {
                pen = value
            }
    }

    public companion object {
        /** A new, empty [Builder]. */
        @JvmStatic
        public fun builder(): Builder = Builder()

        /** [text] with no style. */
        @JvmStatic
        public fun of(text: String): AnsiText = AnsiText(if (text.isEmpty()) emptyList() else listOf(TextStyle.PLAIN to text))

        internal const val RESET = "\u001b[0m"
    }
}
