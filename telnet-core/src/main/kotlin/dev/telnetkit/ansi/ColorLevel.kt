package dev.telnetkit.ansi

/**
 * How much of ANSI a terminal shows, lowest first. Every renderer in this package takes a level and
 * leaves out what the terminal cannot show: colours are stepped down ([AnsiColor.stepDown]), and at
 * [NONE] no escape code is written at all.
 *
 * Detect it from what a Telnet client told with [detect]; a session has it as `Session.colorLevel`.
 */
public enum class ColorLevel {
    /** No escape codes at all: a dumb terminal, a raw client such as netcat, a pipe. */
    NONE,

    /**
     * Attributes only: bold, underline, reverse and the cursor and screen codes, but no colour. What
     * a real DEC VT100, VT102 or VT220 shows (`TERM=vt100`): they had no colour.
     */
    ATTRIBUTES_ONLY,

    /** The 8 standard colours and their 8 bright forms (SGR 30–37, 90–97, 40–47, 100–107). */
    BASIC16,

    /** The xterm 256-colour palette (`SGR 38;5;n`): the 16, a 6×6×6 cube and a 24-step grey ramp. */
    PALETTE256,

    /** 24-bit colour (`SGR 38;2;r;g;b`). */
    TRUECOLOR;

    /** True when this level shows any escape code (all but [NONE]). */
    public val showsEscapes: Boolean get() = this != NONE

    /** True when this level shows colour (from [BASIC16] up). */
    public val showsColor: Boolean get() = this >= BASIC16

    public companion object {
        /**
         * The level a Telnet client's terminal shows, from what it told us: its TTYPE names
         * ([terminalTypes], lower- or upper-case, MTTS answer included), and the NEW-ENVIRON
         * variables [environment] (`VAR`) and [userEnvironment] (`USERVAR`) in which a
         * `COLORTERM` of `truecolor` or `24bit` is looked for. Pure: no I/O, no state.
         *
         * The rules, in order:
         * - each terminal name has a level: `dumb`, `unknown`, `network`, `tty33` and the empty name
         *   [NONE]; `vt100`, `vt102`, `vt220` and the other `vt…` names [ATTRIBUTES_ONLY];
         *   `*-direct`, `*-truecolor`, `*-24bit`, `xterm-kitty`, `alacritty` [TRUECOLOR];
         *   `*-256color` (and `*-256`) [PALETTE256]; `xterm`, `ansi`, `linux`, `screen`, `tmux`,
         *   `rxvt`, `putty`, `syncterm`, `ansi-bbs`, `pcansi`, `cygwin`, `konsole`, `vscode` and their
         *   `-…` variants [BASIC16]; other names have none;
         * - an MTTS answer (`MTTS 137`) gives [TRUECOLOR] for bit 256, [PALETTE256] for bit 8,
         *   [BASIC16] for bit 1 and [ATTRIBUTES_ONLY] for bit 2 (VT100);
         * - the highest of these wins; with none at all, names we do not know count as [BASIC16]
         *   (an ANSI terminal is the norm), no name or only plain names as [NONE];
         * - `COLORTERM=truecolor` or `24bit` raises a terminal that shows colour to [TRUECOLOR]; it
         *   never gives colour to a terminal whose name says it has none (`vt100`, `dumb`).
         */
        @JvmStatic
        @JvmOverloads
        public fun detect(
            terminalTypes: List<String>,
            environment: Map<String, String> = emptyMap(),
            userEnvironment: Map<String, String> = emptyMap(),
        ): ColorLevel {
            val names = terminalTypes.map { it.trim().lowercase() }
            val known = names.mapNotNull { name ->
                if (name.startsWith(MTTS_PREFIX)) levelOfMtts(name.removePrefix(MTTS_PREFIX)) else levelOfName(name)
            }
            val base = known.maxOrNull() ?: if (names.any { it.isNotEmpty() && !it.startsWith(MTTS_PREFIX) }) BASIC16 else NONE
            val colorTerm = (userEnvironment["COLORTERM"] ?: environment["COLORTERM"])?.trim()?.lowercase()
            return if (base.showsColor && colorTerm in TRUECOLOR_COLORTERMS) TRUECOLOR else base
        }

        private const val MTTS_PREFIX = "mtts "
        private val TRUECOLOR_COLORTERMS = setOf("truecolor", "24bit")
        private val PLAIN_NAMES = setOf("", "unknown", "dumb", "network", "tty33")
        private val TRUECOLOR_NAMES = setOf("xterm-kitty", "alacritty", "wezterm", "foot", "iterm2")
        private val BASIC_FAMILIES = listOf(
            "xterm", "ansi", "linux", "screen", "tmux", "rxvt", "putty", "syncterm", "pcansi", "cygwin",
            "konsole", "vscode", "gnome", "eterm", "cons25", "st", "mintty", "netrunner", "mudlet",
        )

        /** The level a terminal name says, or null for a name we do not know. */
        internal fun levelOfName(name: String): ColorLevel? = when {
            name in PLAIN_NAMES -> NONE
            name in TRUECOLOR_NAMES -> TRUECOLOR
            name.endsWith("-direct") || name.endsWith("-truecolor") || name.endsWith("-24bit") -> TRUECOLOR
            name.endsWith("-256color") || name.endsWith("-256") -> PALETTE256
            name.matches(VT_NAME) -> ATTRIBUTES_ONLY
            BASIC_FAMILIES.any { name == it || name.startsWith("$it-") } -> BASIC16
            else -> null
        }

        private val VT_NAME = Regex("""vt\d+(-.*)?""")

        /** The level the MTTS bit field says, or null if it is not a number. */
        internal fun levelOfMtts(bits: String): ColorLevel? {
            val value = bits.trim().toIntOrNull() ?: return null
            return when {
                value and 256 != 0 -> TRUECOLOR
                value and 8 != 0 -> PALETTE256
                value and 1 != 0 -> BASIC16
                value and 2 != 0 -> ATTRIBUTES_ONLY
                else -> NONE
            }
        }
    }
}
