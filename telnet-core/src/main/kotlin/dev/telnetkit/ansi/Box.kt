package dev.telnetkit.ansi

import dev.telnetkit.terminal.CharacterWidth
import java.nio.charset.Charset

/**
 * Lines of text in a border, with an optional title in the top edge, that fit a terminal width:
 * every line [render] returns is at most the width given, in display cells (wide characters count
 * two). Text too long for the box is wrapped, or cut with [Builder.truncate]. Immutable; make it
 * with [builder].
 *
 * ```java
 * Box box = Box.builder().border(BorderStyle.DOUBLE).title("Main menu").padding(1).build();
 * for (String line : box.render(List.of("[M]essages", "[F]iles"), session.getWidth(), session.getEncoding(), false)) {
 *     session.writeLine(line);
 * }
 * ```
 */
public class Box private constructor(
    private val border: BorderStyle,
    private val title: String?,
    private val padding: Int,
    private val alignment: TextAlignment,
    private val truncate: Boolean,
    private val fill: Boolean,
) {
    /**
     * [lines] in this box, no wider than [width] cells. The border is drawn in [charset] if it can
     * show it (see [BorderStyle.shownIn]), in ASCII when [plain] is true (a dumb terminal). The
     * box is as wide as its widest line (or the whole [width] with [Builder.fill]); padding
     * shrinks when the width is too small for it. Below 4 cells there is no room for a border,
     * and the text comes back fitted with none.
     */
    @JvmOverloads
    public fun render(lines: List<String>, width: Int, charset: Charset = Charsets.UTF_8, plain: Boolean = false): List<String> {
        require(width >= 1) { "width must be at least 1, got $width" }
        val style = if (plain) BorderStyle.ASCII else border.shownIn(charset)
        if (width < 4) return lines.flatMap { fit(it, width) }
        val pad = padding.coerceAtMost((width - 3) / 2)
        val maxInner = width - 2 - 2 * pad
        val body = lines.flatMap { fit(it, maxInner) }
        val titleCells = title?.let { CharacterWidth.of(it) + 2 } ?: 0
        val inner = if (fill) maxInner else maxOf(body.maxOfOrNull { CharacterWidth.of(it) } ?: 0, titleCells - 2 * pad, 1).coerceAtMost(maxInner)
        val span = inner + 2 * pad
        val out = ArrayList<String>(body.size + 2)
        out.add(style.topLeft + topEdge(style, span) + style.topRight)
        val side = style.vertical.toString()
        val gap = " ".repeat(pad)
        for (line in body) out.add(side + gap + TextFit.pad(line, inner, alignment) + gap + side)
        out.add(style.bottomLeft + style.horizontal.toString().repeat(span) + style.bottomRight)
        return out
    }

    private fun fit(line: String, width: Int): List<String> = if (truncate) listOf(TextFit.truncate(line, width)) else TextFit.wrap(line, width)

    private fun topEdge(style: BorderStyle, span: Int): String {
        val h = style.horizontal.toString()
        val text = title ?: return h.repeat(span)
        if (span < 3) return h.repeat(span)
        val shown = " " + TextFit.truncate(text, span - 2) + " "
        return shown + h.repeat(span - CharacterWidth.of(shown))
    }

    /** Builds a [Box]; every setting has a default (a single border, no title, no padding). */
    public class Builder internal constructor() {
        private var border = BorderStyle.SINGLE
        private var title: String? = null
        private var padding = 0
        private var alignment = TextAlignment.LEFT
        private var truncate = false
        private var fill = false

        /** The border line. */
        public fun border(border: BorderStyle): Builder = apply { this.border = border }

        /** A title in the top edge, cut if the box is too narrow; null for none. */
        public fun title(title: String?): Builder = apply {
            require(title == null || title.none { it < ' ' }) { "a box title is one line of text without control characters" }
            this.title = title
        }

        /** Blank cells between the border and the text, left and right. */
        public fun padding(cells: Int): Builder = apply {
            require(cells >= 0) { "padding must not be negative, got $cells" }
            padding = cells
        }

        /** Where each line sits inside the box. */
        public fun alignment(alignment: TextAlignment): Builder = apply { this.alignment = alignment }

        /** True: lines too long are cut; false (the default): they are wrapped. */
        public fun truncate(truncate: Boolean): Builder = apply { this.truncate = truncate }

        /** True: the box takes the whole width given; false (the default): as wide as its text. */
        public fun fill(fill: Boolean): Builder = apply { this.fill = fill }

        /** The box. */
        public fun build(): Box = Box(border, title, padding, alignment, truncate, fill)
    }

    public companion object {
        /** A new [Builder]. */
        @JvmStatic
        public fun builder(): Builder = Builder()

        /**
         * A horizontal line [width] cells wide in [border]'s line (as [BorderStyle.shownIn]
         * [charset] allows, `-` when [plain]).
         */
        @JvmStatic
        @JvmOverloads
        public fun horizontalRule(width: Int, border: BorderStyle = BorderStyle.SINGLE, charset: Charset = Charsets.UTF_8, plain: Boolean = false): String {
            require(width >= 0) { "width must not be negative, got $width" }
            val style = if (plain) BorderStyle.ASCII else border.shownIn(charset)
            return style.horizontal.toString().repeat(width)
        }
    }
}
