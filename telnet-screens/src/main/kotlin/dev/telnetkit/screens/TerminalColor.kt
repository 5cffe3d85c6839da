package dev.telnetkit.screens

/** A colour as a template names it, and the arithmetic to step it down to fewer colours. */
internal sealed class TerminalColor {
    /** One of the 16 ANSI colours (0..7 normal, 8..15 bright). */
    data class Basic(val index: Int) : TerminalColor()

    /** One of xterm's 256 palette colours. */
    data class Indexed(val index: Int) : TerminalColor()

    data class Rgb(val r: Int, val g: Int, val b: Int) : TerminalColor()

    companion object {
        private val NAMES = listOf("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white")

        // xterm's default RGB for the 16 ANSI colours.
        private val BASIC_RGB = listOf(
            Rgb(0, 0, 0), Rgb(205, 0, 0), Rgb(0, 205, 0), Rgb(205, 205, 0), Rgb(0, 0, 238), Rgb(205, 0, 205),
            Rgb(0, 205, 205), Rgb(229, 229, 229), Rgb(127, 127, 127), Rgb(255, 0, 0), Rgb(0, 255, 0),
            Rgb(255, 255, 0), Rgb(92, 92, 255), Rgb(255, 0, 255), Rgb(0, 255, 255), Rgb(255, 255, 255),
        )
        private val CUBE = listOf(0, 95, 135, 175, 215, 255)

        fun parse(spec: String): TerminalColor? {
            val name = spec.trim().lowercase().replace('-', '_')
            NAMES.indexOf(name).takeIf { it >= 0 }?.let { return Basic(it) }
            if (name.startsWith("bright_")) NAMES.indexOf(name.removePrefix("bright_")).takeIf { it >= 0 }?.let { return Basic(it + 8) }
            if (name == "gray" || name == "grey") return Basic(8)
            name.toIntOrNull()?.let { return if (it in 0..255) Indexed(it) else null }
            if (name.length == 7 && name[0] == '#') {
                val value = name.substring(1).toIntOrNull(16) ?: return null
                return Rgb(value shr 16 and 0xff, value shr 8 and 0xff, value and 0xff)
            }
            return null
        }

        fun rgbOf(index: Int): Rgb = when {
            index < 16 -> BASIC_RGB[index]
            index < 232 -> (index - 16).let { Rgb(CUBE[it / 36], CUBE[it / 6 % 6], CUBE[it % 6]) }
            else -> (8 + (index - 232) * 10).let { Rgb(it, it, it) }
        }

        fun nearestBasic(color: Rgb): Int = BASIC_RGB.indices.minBy { distance(BASIC_RGB[it], color) }

        fun nearestIndexed(color: Rgb): Int = (16..255).minBy { distance(rgbOf(it), color) }

        private fun distance(a: Rgb, b: Rgb): Int =
            (a.r - b.r) * (a.r - b.r) + (a.g - b.g) * (a.g - b.g) + (a.b - b.b) * (a.b - b.b)
    }
}
