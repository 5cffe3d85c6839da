package dev.telnetkit.ansi

/** The look of one run of [AnsiText]: attributes and colours. Immutable. */
internal data class TextStyle(
    val bold: Boolean = false,
    val dim: Boolean = false,
    val italic: Boolean = false,
    val underline: Boolean = false,
    val blink: Boolean = false,
    val reverse: Boolean = false,
    val foreground: AnsiColor? = null,
    val background: AnsiColor? = null,
) {
    /**
     * The SGR sequence that sets exactly this style at [level], starting with a reset (`ESC [ 0 ; … m`),
     * or just the reset for the plain style; "" at [ColorLevel.NONE].
     */
    fun sgr(level: ColorLevel): String {
        if (!level.showsEscapes) return ""
        val params = ArrayList<String>(4)
        params.add("0")
        if (bold) params.add("1")
        if (dim) params.add("2")
        if (italic) params.add("3")
        if (underline) params.add("4")
        if (blink) params.add("5")
        if (reverse) params.add("7")
        foreground?.sgr(level)?.takeIf { it.isNotEmpty() }?.let(params::add)
        background?.sgr(level, background = true)?.takeIf { it.isNotEmpty() }?.let(params::add)
        return params.joinToString(";", "\u001b[", "m")
    }

    /** The same style as [level] shows it: without colours it cannot show, so equal runs merge. */
    fun shownAt(level: ColorLevel): TextStyle =
        if (!level.showsEscapes) PLAIN else copy(foreground = foreground?.stepDown(level), background = background?.stepDown(level))

    companion object {
        val PLAIN = TextStyle()
    }
}
