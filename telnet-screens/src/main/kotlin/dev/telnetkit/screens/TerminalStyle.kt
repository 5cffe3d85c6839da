package dev.telnetkit.screens

import dev.telnetkit.session.Session

/**
 * The one seam between screens and ANSI escape codes: what a session's terminal can show, and the
 * codes for it. Colours step down to the terminal's [ColorDepth]; a terminal without ANSI
 * (dumb, unknown, netcat) gets no escape codes at all.
 *
 * Written by hand until core's ANSI toolkit (`Session.colorLevel`, being added on another branch)
 * is merged; then [forSession] reads `session.colorLevel` and the codes come from there.
 */
internal class TerminalStyle(val ansi: Boolean, val depth: ColorDepth, val unicode: Boolean) {
    enum class ColorDepth { NONE, BASIC16, PALETTE256, TRUECOLOR }

    fun sgr(vararg codes: Int): String = if (!ansi) "" else codes.joinToString(";", "\u001b[", "m")

    val reset: String get() = sgr(0)

    /** Foreground (or, with [background], background) colour [spec]: a name, 0..255, or `#rrggbb`. */
    fun color(spec: String, background: Boolean = false): String {
        if (!ansi || depth == ColorDepth.NONE) return ""
        val color = TerminalColor.parse(spec) ?: throw IllegalArgumentException("unknown colour '$spec'")
        val base = if (background) 40 else 30
        return when (color) {
            is TerminalColor.Basic -> sgr(if (color.index < 8) base + color.index else base + 60 + color.index - 8)
            is TerminalColor.Indexed -> when (depth) {
                ColorDepth.BASIC16 -> basic(TerminalColor.nearestBasic(TerminalColor.rgbOf(color.index)), base)
                else -> sgr(base + 8, 5, color.index)
            }
            is TerminalColor.Rgb -> when (depth) {
                ColorDepth.TRUECOLOR -> sgr(base + 8, 2, color.r, color.g, color.b)
                ColorDepth.PALETTE256 -> sgr(base + 8, 5, TerminalColor.nearestIndexed(color))
                else -> basic(TerminalColor.nearestBasic(color), base)
            }
        }
    }

    private fun basic(index: Int, base: Int) = sgr(if (index < 8) base + index else base + 60 + index - 8)

    fun clear(): String = if (ansi) "\u001b[H\u001b[2J" else "\n"

    fun moveTo(row: Int, column: Int): String = if (ansi) "\u001b[${row.coerceAtLeast(1)};${column.coerceAtLeast(1)}H" else ""

    companion object {
        private val NO_COLOR_TERMINALS = Regex("^(vt\\d+.*|xterm-mono|linux-m|.*-m(ono)?)$")

        fun forSession(session: Session): TerminalStyle {
            val unicode = session.encoding.name().startsWith("UTF", ignoreCase = true)
            if (!session.ansiEnabled) return TerminalStyle(ansi = false, depth = ColorDepth.NONE, unicode = unicode)
            val type = session.terminalType.lowercase()
            val colorTerm = session.environment["COLORTERM"]?.lowercase()
            val depth = when {
                NO_COLOR_TERMINALS.matches(type) -> ColorDepth.NONE
                colorTerm == "truecolor" || colorTerm == "24bit" || type.contains("direct") -> ColorDepth.TRUECOLOR
                type.contains("256col") -> ColorDepth.PALETTE256
                else -> ColorDepth.BASIC16
            }
            return TerminalStyle(ansi = true, depth = depth, unicode = unicode)
        }
    }
}
