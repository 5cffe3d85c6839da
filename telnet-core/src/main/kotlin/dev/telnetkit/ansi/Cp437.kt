package dev.telnetkit.ansi

import java.nio.charset.Charset

/**
 * Code page 437, the IBM PC's character set that BBS ANSI art is drawn in, as Unicode.
 *
 * Written by hand rather than taken from the JDK's `IBM437` charset: that one maps bytes
 * 0x00–0x1F and 0x7F to control characters, but on a PC screen, and so in ANSI art, they are the
 * glyphs `☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼` and `⌂`. Bytes 0x80–0xFF are the same as the JDK's.
 */
public object Cp437 {
    /** The glyph of each byte 0x00–0xFF as a PC screen shows it (0x00 and 0xFF are blanks). */
    private const val GLYPHS: String =
        " ☺☻♥♦♣♠•◘○◙♂♀♪♫☼►◄↕‼¶§▬↨↑↓→←∟↔▲▼" +
            " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~⌂" +
            "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀" +
            "αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u00a0"

    /** The control bytes that stay controls in ANSI art: BEL, BS, TAB, LF, CR and ESC. */
    private val ART_CONTROLS = setOf(0x07, 0x08, 0x09, 0x0A, 0x0D, 0x1B)

    private val reverse: Map<Char, Byte> by lazy {
        HashMap<Char, Byte>(512).apply { GLYPHS.forEachIndexed { i, c -> putIfAbsent(c, i.toByte()) } }
    }

    init {
        check(GLYPHS.length == 256) { "the CP437 table has ${GLYPHS.length} entries" }
    }

    /** The Unicode glyph of CP437 byte [byte] (0–255, or a signed Java byte). */
    @JvmStatic
    public fun glyph(byte: Int): Char = GLYPHS[byte and 0xFF]

    /**
     * [bytes] as Unicode the way ANSI art means them: BEL, BS, TAB, LF, CR and ESC stay controls
     * (so escape sequences and line breaks still work); every other byte is its glyph.
     */
    @JvmStatic
    @JvmOverloads
    public fun decodeArt(bytes: ByteArray, from: Int = 0, to: Int = bytes.size): String {
        val out = StringBuilder(to - from)
        for (i in from until to) {
            val b = bytes[i].toInt() and 0xFF
            out.append(if (b in ART_CONTROLS) b.toChar() else GLYPHS[b])
        }
        return out.toString()
    }

    /**
     * [text] as CP437 bytes: control characters as they are, each glyph as its byte, and `?` for
     * a character CP437 does not have.
     */
    @JvmStatic
    public fun encode(text: String): ByteArray {
        val out = ByteArray(text.length)
        text.forEachIndexed { i, c ->
            out[i] = when {
                c < ' ' || c == '\u007f' -> c.code.toByte()
                else -> reverse[c] ?: '?'.code.toByte()
            }
        }
        return out
    }

    /**
     * True for a terminal that shows CP437 itself (a SyncTERM-style BBS terminal), so ANSI art can
     * be sent as its original bytes: one whose TTYPE names include `syncterm`, `ansi-bbs`, `pcansi`
     * or `cp437`, or a session whose [encoding] is CP437 (`IBM437`). A plain `ansi` does not count:
     * Windows telnet and others send it without a CP437 screen.
     */
    @JvmStatic
    public fun isCp437Terminal(terminalTypes: List<String>, encoding: Charset): Boolean =
        encoding.name().equals("IBM437", ignoreCase = true) ||
            terminalTypes.any { it.trim().lowercase() in CP437_TERMINALS }

    private val CP437_TERMINALS = setOf("syncterm", "ansi-bbs", "pcansi", "cp437", "ansi-cp437")
}
