package dev.telnetkit.ansi

import java.io.IOException
import java.nio.file.Files
import java.nio.file.Path

/**
 * A BBS ANSI art picture (a `.ans` file): CP437 bytes with ANSI escape codes. Loading keeps the
 * picture and drops what follows it: the SAUCE record (and its comment block) at the end of the
 * file, and everything from the DOS end-of-file mark 0x1A on.
 *
 * A terminal that shows CP437 itself (SyncTERM and other BBS terminals, see
 * [Cp437.isCp437Terminal]) gets the original [bytes]; every other terminal gets [render], the
 * picture as Unicode with its colours stepped down to the terminal's [ColorLevel] (and no escape
 * codes at all for a dumb one). `SessionAnsi.writeArt` picks between the two for a session.
 *
 * ```java
 * AnsiArt welcome = AnsiArt.load(Path.of("art/welcome.ans")); // file I/O: not on an event loop
 * SessionAnsi.writeArt(session, welcome);
 * ```
 */
public class AnsiArt private constructor(
    private val art: ByteArray,
    /** The SAUCE record's title, if the file had one with a title. */
    public val title: String?,
    /** The SAUCE record's author, if the file had one with an author. */
    public val author: String?,
) {
    /** The picture's bytes as they were in the file: CP437 with its escape codes, without SAUCE or EOF mark. */
    public val bytes: ByteArray get() = art.copyOf()

    /** The picture as Unicode, every escape code kept (see [Cp437.decodeArt]). */
    public fun toUnicode(): String = Cp437.decodeArt(art)

    /** The picture as Unicode for a terminal at [level]: colours stepped down, or no codes at [ColorLevel.NONE]. */
    public fun render(level: ColorLevel): String = SgrStepDown.apply(toUnicode(), level)

    public companion object {
        private const val SAUCE_SIZE = 128
        private const val COMMENT_LINE = 64
        private const val COMMENT_ID = "COMNT"
        private const val EOF_MARK: Byte = 0x1A

        /** The picture in [bytes], the whole content of a `.ans` file. */
        @JvmStatic
        public fun of(bytes: ByteArray): AnsiArt {
            var end = bytes.size
            var title: String? = null
            var author: String? = null
            if (bytes.size >= SAUCE_SIZE && text(bytes, bytes.size - SAUCE_SIZE, 7) == "SAUCE00") {
                val sauce = bytes.size - SAUCE_SIZE
                title = text(bytes, sauce + 7, 35).trim().ifEmpty { null }
                author = text(bytes, sauce + 42, 20).trim().ifEmpty { null }
                end = sauce
                val comments = bytes[sauce + 104].toInt() and 0xFF
                val block = sauce - COMMENT_ID.length - comments * COMMENT_LINE
                if (comments > 0 && block >= 0 && text(bytes, block, COMMENT_ID.length) == COMMENT_ID) end = block
            }
            val eof = (0 until end).firstOrNull { bytes[it] == EOF_MARK }
            if (eof != null) end = eof
            return AnsiArt(bytes.copyOfRange(0, end), title, author)
        }

        /** The picture in the `.ans` file at [path]. Blocking file I/O: call it where blocking is allowed. */
        @JvmStatic
        @Throws(IOException::class)
        public fun load(path: Path): AnsiArt = of(Files.readAllBytes(path))

        private fun text(bytes: ByteArray, from: Int, length: Int): String = Cp437.decodeArt(bytes, from, from + length)
    }
}
