package dev.telnetkit.ansi

/**
 * The xterm 256-colour palette and the nearest-colour searches of [AnsiColor.stepDown]. Written by
 * hand: no maintained JVM library does this step-down (the cube and ramp values are xterm's, as
 * tmux's `colour_find_rgb` uses them).
 */
internal object Palette {
    /** xterm's default RGB of the 16 basic colours. */
    private val BASIC = intArrayOf(
        0x000000, 0xCD0000, 0x00CD00, 0xCDCD00, 0x0000EE, 0xCD00CD, 0x00CDCD, 0xE5E5E5,
        0x7F7F7F, 0xFF0000, 0x00FF00, 0xFFFF00, 0x5C5CFF, 0xFF00FF, 0x00FFFF, 0xFFFFFF,
    )

    /** The six channel values of the 6×6×6 cube (indexes 16–231). */
    private val CUBE = intArrayOf(0, 95, 135, 175, 215, 255)

    /** 0xRRGGBB of palette [index] 0–255. */
    fun rgbOfIndex(index: Int): Int = when {
        index < 16 -> BASIC[index]
        index < 232 -> {
            val i = index - 16
            (CUBE[i / 36] shl 16) or (CUBE[i / 6 % 6] shl 8) or CUBE[i % 6]
        }
        else -> {
            val grey = 8 + 10 * (index - 232)
            (grey shl 16) or (grey shl 8) or grey
        }
    }

    /** The palette index 16–255 (cube or grey ramp) nearest to [rgb]. */
    fun nearest256(rgb: Int): Int {
        val r = rgb shr 16 and 0xFF
        val g = rgb shr 8 and 0xFF
        val b = rgb and 0xFF
        val cube = 16 + 36 * nearestCubeStep(r) + 6 * nearestCubeStep(g) + nearestCubeStep(b)
        val average = (r + g + b) / 3
        val greyStep = ((average - 8 + 5) / 10).coerceIn(0, 23)
        val grey = 232 + greyStep
        return if (distance(rgb, rgbOfIndex(grey)) < distance(rgb, rgbOfIndex(cube))) grey else cube
    }

    /** The basic colour index 0–15 nearest to [rgb]. */
    fun nearest16(rgb: Int): Int = BASIC.indices.minBy { distance(rgb, BASIC[it]) }

    private fun nearestCubeStep(channel: Int): Int = CUBE.indices.minBy { kotlin.math.abs(CUBE[it] - channel) }

    private fun distance(a: Int, b: Int): Int {
        val dr = (a shr 16 and 0xFF) - (b shr 16 and 0xFF)
        val dg = (a shr 8 and 0xFF) - (b shr 8 and 0xFF)
        val db = (a and 0xFF) - (b and 0xFF)
        return dr * dr + dg * dg + db * db
    }
}
