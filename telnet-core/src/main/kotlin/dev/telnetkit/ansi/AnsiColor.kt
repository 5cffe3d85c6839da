package dev.telnetkit.ansi

/**
 * A colour as a terminal shows it: one of the 16 basic colours, an index into the xterm 256-colour
 * palette, or 24-bit RGB. [stepDown] turns it into the nearest colour a [ColorLevel] shows, and
 * [sgr] writes it as SGR parameters.
 *
 * ```java
 * AnsiColor orange = AnsiColor.rgb(255, 128, 0);
 * AnsiColor shown = orange.stepDown(ColorLevel.PALETTE256); // index 208
 * ```
 */
public class AnsiColor private constructor(
    /** What kind of colour this is. */
    public val kind: Kind,
    private val value: Int,
) {
    /** The three kinds of terminal colour. */
    public enum class Kind {
        /** One of the 16 basic colours: 0–7 standard, 8–15 bright. */
        BASIC,

        /** An index into the xterm 256-colour palette. */
        INDEXED,

        /** 24-bit red, green, blue. */
        RGB,
    }

    /** The palette index for [Kind.BASIC] (0–15) and [Kind.INDEXED] (0–255); -1 for [Kind.RGB]. */
    public val index: Int get() = if (kind == Kind.RGB) -1 else value

    /** The colour as 0xRRGGBB: exact for [Kind.RGB], xterm's default palette for the others. */
    public val rgb: Int get() = if (kind == Kind.RGB) value else Palette.rgbOfIndex(value)

    /**
     * The nearest colour [level] shows, or null when it shows no colour ([ColorLevel.NONE] and
     * [ColorLevel.ATTRIBUTES_ONLY]). RGB becomes the nearest entry of the 6×6×6 cube or the grey
     * ramp at [ColorLevel.PALETTE256], and the nearest of the 16 at [ColorLevel.BASIC16]; a
     * palette index above 15 becomes the nearest of the 16. Nearest is by distance in RGB.
     */
    public fun stepDown(level: ColorLevel): AnsiColor? = when (level) {
        ColorLevel.NONE, ColorLevel.ATTRIBUTES_ONLY -> null
        ColorLevel.TRUECOLOR -> this
        ColorLevel.PALETTE256 -> if (kind == Kind.RGB) indexed(Palette.nearest256(value)) else this
        ColorLevel.BASIC16 -> when {
            kind == Kind.BASIC -> this
            kind == Kind.INDEXED && value < 16 -> basic(value)
            else -> basic(Palette.nearest16(rgb))
        }
    }

    /**
     * This colour stepped down to [level] as SGR parameters, foreground or [background]: such as
     * `31`, `91`, `38;5;208` or `48;2;255;128;0`; "" when [level] shows no colour.
     */
    @JvmOverloads
    public fun sgr(level: ColorLevel, background: Boolean = false): String {
        val shown = stepDown(level) ?: return ""
        return when (shown.kind) {
            Kind.BASIC -> {
                val base = if (shown.value < 8) (if (background) 40 else 30) else (if (background) 100 else 90)
                (base + shown.value % 8).toString()
            }
            Kind.INDEXED -> "${if (background) 48 else 38};5;${shown.value}"
            Kind.RGB -> "${if (background) 48 else 38};2;${shown.value shr 16 and 0xFF};${shown.value shr 8 and 0xFF};${shown.value and 0xFF}"
        }
    }

    override fun equals(other: Any?): Boolean = other is AnsiColor && other.kind == kind && other.value == value
    override fun hashCode(): Int = kind.hashCode() * 31 + value
    override fun toString(): String = when (kind) {
        Kind.BASIC -> "AnsiColor.basic($value)"
        Kind.INDEXED -> "AnsiColor.indexed($value)"
        Kind.RGB -> "AnsiColor.rgb(${value shr 16 and 0xFF}, ${value shr 8 and 0xFF}, ${value and 0xFF})"
    }

    public companion object {
        /** Basic colour [index] 0–15 (0–7 standard, 8–15 bright). */
        @JvmStatic
        public fun basic(index: Int): AnsiColor {
            require(index in 0..15) { "a basic colour index is 0..15, got $index" }
            return AnsiColor(Kind.BASIC, index)
        }

        /** Palette colour [index] 0–255 of the xterm 256-colour palette. */
        @JvmStatic
        public fun indexed(index: Int): AnsiColor {
            require(index in 0..255) { "a palette index is 0..255, got $index" }
            return AnsiColor(Kind.INDEXED, index)
        }

        /** A 24-bit colour; each channel 0–255. */
        @JvmStatic
        public fun rgb(red: Int, green: Int, blue: Int): AnsiColor {
            require(red in 0..255 && green in 0..255 && blue in 0..255) { "RGB channels are 0..255, got $red, $green, $blue" }
            return AnsiColor(Kind.RGB, (red shl 16) or (green shl 8) or blue)
        }

        /** Standard black (0). */
        @JvmField public val BLACK: AnsiColor = basic(0)
        /** Standard red (1). */
        @JvmField public val RED: AnsiColor = basic(1)
        /** Standard green (2). */
        @JvmField public val GREEN: AnsiColor = basic(2)
        /** Standard yellow (3). */
        @JvmField public val YELLOW: AnsiColor = basic(3)
        /** Standard blue (4). */
        @JvmField public val BLUE: AnsiColor = basic(4)
        /** Standard magenta (5). */
        @JvmField public val MAGENTA: AnsiColor = basic(5)
        /** Standard cyan (6). */
        @JvmField public val CYAN: AnsiColor = basic(6)
        /** Standard white, a light grey (7). */
        @JvmField public val WHITE: AnsiColor = basic(7)
        /** Bright black, a dark grey (8). */
        @JvmField public val BRIGHT_BLACK: AnsiColor = basic(8)
        /** Bright red (9). */
        @JvmField public val BRIGHT_RED: AnsiColor = basic(9)
        /** Bright green (10). */
        @JvmField public val BRIGHT_GREEN: AnsiColor = basic(10)
        /** Bright yellow (11). */
        @JvmField public val BRIGHT_YELLOW: AnsiColor = basic(11)
        /** Bright blue (12). */
        @JvmField public val BRIGHT_BLUE: AnsiColor = basic(12)
        /** Bright magenta (13). */
        @JvmField public val BRIGHT_MAGENTA: AnsiColor = basic(13)
        /** Bright cyan (14). */
        @JvmField public val BRIGHT_CYAN: AnsiColor = basic(14)
        /** Bright white (15). */
        @JvmField public val BRIGHT_WHITE: AnsiColor = basic(15)
    }
}
