package dev.telnetkit.screens

import dev.telnetkit.ansi.AnsiColor

/** Colours as templates name them: `red`, `bright_red`, `gray`, a palette index 0..255, or `#rrggbb`. */
internal object TerminalColor {
    private val NAMES = listOf("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")

    /** The colour [spec] names, or null when it names none. */
    fun parse(spec: String): AnsiColor? {
        val name = spec.trim().lowercase().replace('-', '_')
        NAMES.indexOf(name).takeIf { it >= 0 }?.let { return AnsiColor.basic(it) }
        if (name.startsWith("bright_")) NAMES.indexOf(name.removePrefix("bright_")).takeIf { it >= 0 }?.let { return AnsiColor.basic(it + 8) }
        if (name == "gray" || name == "grey") return AnsiColor.basic(8)
        name.toIntOrNull()?.let { return if (it in 0..255) AnsiColor.indexed(it) else null }
        if (name.length == 7 && name[0] == '#') {
            val value = name.substring(1).toIntOrNull(16) ?: return null
            return AnsiColor.rgb(value shr 16 and 0xff, value shr 8 and 0xff, value and 0xff)
        }
        return null
    }
}
