package dev.telnetkit.terminal

import dev.telnetkit.annotations.EngineApi

/**
 * How many terminal cells text takes: 0 for combining marks and zero-width characters, 2 for
 * East Asian wide and fullwidth characters and most emoji, 1 otherwise.
 */
@EngineApi
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
        // Printable ASCII, nearly everything typed at a shell prompt, needs no table.
        if (codePoint in 0x20..0x7E) return 1
        if (codePoint < 0x1100) return ofNarrowRange(codePoint)
        if (codePoint == SOFT_HYPHEN) return 1
        if (codePoint == 0 || codePoint == 0x200B || codePoint == 0x200D || codePoint == 0xFEFF) return 0
        when (Character.getType(codePoint).toByte()) {
            Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT -> return 0
        }
        return if (isWide(codePoint)) 2 else 1
    }

    private const val SOFT_HYPHEN = 0x00AD

    // Below U+1100 nothing is wide: only zero-width marks and format characters need a lookup.
    private fun ofNarrowRange(codePoint: Int): Int {
        if (codePoint == SOFT_HYPHEN) return 1
        if (codePoint == 0) return 0
        return when (Character.getType(codePoint).toByte()) {
            Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.FORMAT -> 0
            else -> 1
        }
    }

    /** BMP symbols drawn as emoji (two cells) by default, as in wcwidth's table. */
    private val EMOJI_PRESENTATION: Set<Int> = (
        listOf(0x231A, 0x231B, 0x23F0, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615, 0x267F, 0x2693, 0x26A1, 0x26AA, 0x26AB,
            0x26BD, 0x26BE, 0x26C4, 0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705,
            0x270A, 0x270B, 0x2728, 0x274C, 0x274E, 0x2753, 0x2754, 0x2755, 0x2757, 0x2795, 0x2796, 0x2797, 0x27B0,
            0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B55) + (0x23E9..0x23EC) + (0x2648..0x2653)
        ).toSet()

    private fun isWide(cp: Int): Boolean =
        cp in 0x1100..0x115F || cp in 0x2E80..0x303E || cp in 0x3041..0x33FF || cp in 0x3400..0x4DBF ||
            cp in 0x4E00..0x9FFF || cp in 0xA000..0xA4CF || cp in 0xAC00..0xD7A3 || cp in 0xF900..0xFAFF ||
            cp in 0xFE30..0xFE4F || cp in 0xFF00..0xFF60 || cp in 0xFFE0..0xFFE6 || cp in 0x1F300..0x1F64F ||
            cp in 0x1F900..0x1F9FF || cp in 0x20000..0x3FFFD || cp in 0x1F680..0x1F6FF || cp in 0x1FA70..0x1FAFF ||
            cp in 0x1F7E0..0x1F7FF || cp == 0x1F004 || cp == 0x1F0CF || cp == 0x1F18E || cp in 0x1F191..0x1F19A ||
            cp in 0x1F200..0x1F2FF || cp in EMOJI_PRESENTATION
}
