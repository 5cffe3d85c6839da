package dev.telnetkit.screens

import dev.telnetkit.ansi.Box
import dev.telnetkit.ansi.ColorLevel
import dev.telnetkit.ansi.ScreenControl
import dev.telnetkit.session.Session
import java.nio.charset.Charset

/**
 * The one seam between screens and ANSI escape codes: the session's [level] (core's
 * `Session.colorLevel`, from TTYPE, MTTS and COLORTERM) and the codes core's ANSI toolkit makes
 * for it. Colours step down to the level; at [ColorLevel.ATTRIBUTES_ONLY] (`vt100`) only bold,
 * underline, reverse and the cursor codes remain; at [ColorLevel.NONE] (dumb, netcat) nothing.
 */
internal class TerminalStyle(val level: ColorLevel, val charset: Charset = Charsets.UTF_8) {
    private val control = ScreenControl.forLevel(level)

    fun sgr(vararg codes: Int): String = if (!level.showsEscapes) "" else codes.joinToString(";", "\u001b[", "m")

    val reset: String get() = sgr(0)

    /** Foreground (or, with [background], background) colour [spec]: a name, 0..255, or `#rrggbb`. */
    fun color(spec: String, background: Boolean = false): String {
        val color = TerminalColor.parse(spec) ?: throw IllegalArgumentException("unknown colour '$spec'")
        val parameters = color.sgr(level, background)
        return if (parameters.isEmpty()) "" else "\u001b[${parameters}m"
    }

    fun clear(): String = control.clearScreen()

    fun moveTo(row: Int, column: Int): String = control.moveTo(row.coerceAtLeast(1), column.coerceAtLeast(1))

    /** [text]'s lines in a frame with [title], no wider than [width]. */
    fun box(text: String, title: String, width: Int): String =
        Box.builder().title(title.ifEmpty { null }).build()
            .render(text.split('\n'), width.coerceAtLeast(1), charset, plain = !level.showsEscapes)
            .joinToString("\n")

    companion object {
        fun forSession(session: Session): TerminalStyle = TerminalStyle(session.colorLevel, session.encoding)
    }
}
