package dev.telnetkit.ansi

import dev.telnetkit.terminal.CharacterWidth

/**
 * Plain text fitted to a number of terminal cells, measured with [CharacterWidth]: wide CJK
 * characters and most emoji take two cells, combining marks none, so a line never comes out wider
 * than asked. The text is expected without escape codes.
 */
public object TextFit {
    /** [text] cut to at most [width] cells; a combining mark stays with the character before it. */
    @JvmStatic
    public fun truncate(text: String, width: Int): String {
        require(width >= 0) { "width must not be negative, got $width" }
        if (CharacterWidth.of(text) <= width) return text
        val out = StringBuilder()
        var cells = 0
        var i = 0
        while (i < text.length) {
            val cp = text.codePointAt(i)
            val w = CharacterWidth.of(cp)
            if (cells + w > width) break
            out.appendCodePoint(cp)
            cells += w
            i += Character.charCount(cp)
        }
        // Combining marks right after the cut belong to the last character kept.
        while (i < text.length && out.isNotEmpty()) {
            val cp = text.codePointAt(i)
            if (CharacterWidth.of(cp) != 0) break
            out.appendCodePoint(cp)
            i += Character.charCount(cp)
        }
        return out.toString()
    }

    /**
     * [text] broken into lines of at most [width] cells: at its own line breaks, then between words,
     * and inside a word longer than a line. A character wider than [width] itself (a wide
     * character in one cell) is left out, so that no line is ever wider.
     */
    @JvmStatic
    public fun wrap(text: String, width: Int): List<String> {
        require(width >= 1) { "width must be at least 1, got $width" }
        val lines = ArrayList<String>()
        for (paragraph in text.split('\n')) {
            val line = StringBuilder()
            var cells = 0
            for (word in paragraph.split(' ')) {
                val wordCells = CharacterWidth.of(word)
                val gap = if (line.isEmpty()) 0 else 1
                if (cells + gap + wordCells <= width) {
                    if (gap == 1) line.append(' ')
                    line.append(word)
                    cells += gap + wordCells
                    continue
                }
                if (line.isNotEmpty()) {
                    lines.add(line.toString())
                    line.setLength(0)
                    cells = 0
                }
                var rest = word
                while (CharacterWidth.of(rest) > width) {
                    val head = truncate(rest, width)
                    if (head.isEmpty()) {
                        // Its first character cannot fit in [width] at all: leave that one out.
                        rest = rest.substring(Character.charCount(rest.codePointAt(0)))
                        continue
                    }
                    lines.add(head)
                    rest = rest.substring(head.length)
                }
                line.append(rest)
                cells = CharacterWidth.of(rest)
            }
            lines.add(line.toString())
        }
        return lines
    }

    /** [text] cut to [width] cells and filled with spaces to exactly [width], placed by [alignment]. */
    @JvmStatic
    @JvmOverloads
    public fun pad(text: String, width: Int, alignment: TextAlignment = TextAlignment.LEFT): String {
        val cut = truncate(text, width)
        val free = width - CharacterWidth.of(cut)
        val left = when (alignment) {
            TextAlignment.LEFT -> 0
            TextAlignment.CENTER -> free / 2
            TextAlignment.RIGHT -> free
        }
        return " ".repeat(left) + cut + " ".repeat(free - left)
    }

    /** [text] centred in [width] cells (cut if longer). */
    @JvmStatic
    public fun center(text: String, width: Int): String = pad(text, width, TextAlignment.CENTER)
}

/** Where text sits in a wider space. */
public enum class TextAlignment {
    /** Against the left edge. */
    LEFT,

    /** In the middle; an odd cell left over goes to the right. */
    CENTER,

    /** Against the right edge. */
    RIGHT,
}
