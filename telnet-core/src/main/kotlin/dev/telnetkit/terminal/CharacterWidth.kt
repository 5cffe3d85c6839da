package dev.telnetkit.terminal

/**
 * How many terminal cells text takes: 0 for combining marks and zero-width characters, 2 for
 * East Asian wide and fullwidth characters and most emoji, 1 otherwise.
 */
public object CharacterWidth {
    /** Cells taken by [text]. */
    @JvmStatic
    public fun of(text: CharSequence): Int {
        var cells = 0
        var i = 0
        while (i < text.length) {
            val cp = Character.codePointAt(text, i)
            cells += of(cp)
            i += Character.charCount(cp)
        }
        return cells
    }

    /** Cells taken by one code point: 0, 1 or 2. */
    @JvmStatic
    public fun of(codePoint: Int): Int {
        if (codePoint == 0 || codePoint == 0x200B || codePoint == 0x200D || codePoint == 0xFEFF) return 0
        when (Character.getType(codePoint).toByte()) {
            Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT -> return 0
        }
        return if (isWide(codePoint)) 2 else 1
    }

    private fun isWide(cp: Int): Boolean =
        cp in 0x1100..0x115F || cp in 0x2E80..0x303E || cp in 0x3041..0x33FF || cp in 0x3400..0x4DBF ||
            cp in 0x4E00..0x9FFF || cp in 0xA000..0xA4CF || cp in 0xAC00..0xD7A3 || cp in 0xF900..0xFAFF ||
            cp in 0xFE30..0xFE4F || cp in 0xFF00..0xFF60 || cp in 0xFFE0..0xFFE6 || cp in 0x1F300..0x1F64F ||
            cp in 0x1F900..0x1F9FF || cp in 0x20000..0x3FFFD
}
