package dev.telnetkit.recording

import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.Charset
import java.nio.charset.CharsetDecoder
import java.nio.charset.CodingErrorAction
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

/*
 * The asciicast v2 format (https://docs.asciinema.org/manual/asciicast/v2/): a header line of JSON,
 * then one JSON array per event. The JSON is written by hand: it is a few string escapes and
 * numbers, and a JSON library would be this module's only dependency beyond telnet-core.
 */
internal object Asciicast {
    /** [text] as a JSON string literal: quotes, backslashes and control characters (ESC too) escaped. */
    fun appendString(out: StringBuilder, text: String) {
        out.append('"')
        var i = 0
        while (i < text.length) {
            val c = text[i]
            when {
                c == '"' -> out.append("\\\"")
                c == '\\' -> out.append("\\\\")
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c == '\b' -> out.append("\\b")
                c == '\u000c' -> out.append("\\f")
                c < ' ' || c == '\u007f' || c == '\u2028' || c == '\u2029' -> appendEscape(out, c)
                Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1]) -> {
                    // A character beyond the BMP, as it is (UTF-8 in the file).
                    out.append(c).append(text[i + 1])
                    i++
                }
                // A lone surrogate is no character: the replacement character stands for it.
                Character.isSurrogate(c) -> out.append('\uFFFD')
                else -> out.append(c)
            }
            i++
        }
        out.append('"')
    }

    private fun appendEscape(out: StringBuilder, c: Char) {
        out.append("\\u")
        val hex = Integer.toHexString(c.code)
        repeat(4 - hex.length) { out.append('0') }
        out.append(hex)
    }

    /** [nanos] as seconds with six decimals, such as `1.250000` (no locale, no exponent). */
    fun appendSeconds(out: StringBuilder, nanos: Long) {
        val micros = nanos.coerceAtLeast(0) / 1000
        out.append(micros / 1_000_000).append('.')
        val fraction = (micros % 1_000_000).toString()
        repeat(6 - fraction.length) { out.append('0') }
        out.append(fraction)
    }

    /** One event line: `[seconds, "type", "data"]` and a line feed. */
    fun event(nanos: Long, type: String, data: String): String {
        val out = StringBuilder(data.length + 32)
        out.append('[')
        appendSeconds(out, nanos)
        out.append(", \"").append(type).append("\", ")
        appendString(out, data)
        out.append("]\n")
        return out.toString()
    }

    /** The header line. */
    fun header(width: Int, height: Int, epochSeconds: Long, term: String, title: String): String {
        val out = StringBuilder(160)
        out.append("{\"version\": 2, \"width\": ").append(width).append(", \"height\": ").append(height)
        out.append(", \"timestamp\": ").append(epochSeconds)
        out.append(", \"env\": {\"TERM\": ")
        appendString(out, term)
        out.append("}, \"title\": ")
        appendString(out, title)
        out.append("}\n")
        return out.toString()
    }

    /** The time in a file name: `yyyyMMdd-HHmmss`, UTC. */
    val FILE_TIME: DateTimeFormatter = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC)

    /** The names of the files a recorder writes, and the only ones its rotation deletes. */
    val FILE_NAME: Regex = Regex("""\d{8}-\d{6}-session-\d+-[A-Za-z0-9_-]{1,48}\.cast""")

    /**
     * [user] fit for a file name: letters, digits, `_` and `-` kept, anything else (path separators,
     * dots, control characters: the name is client-controlled) made `_`, at most 32 characters;
     * `anonymous` for none.
     */
    fun safeUser(user: String?): String {
        if (user.isNullOrEmpty()) return "anonymous"
        val out = StringBuilder(minOf(user.length, MAX_USER_CHARS))
        for (c in user) {
            if (out.length >= MAX_USER_CHARS) break
            out.append(if (c in 'a'..'z' || c in 'A'..'Z' || c in '0'..'9' || c == '_' || c == '-') c else '_')
        }
        return out.toString()
    }

    private const val MAX_USER_CHARS = 32
}

/**
 * Bytes to text in [charset] across writes: a character whose bytes are split between two writes
 * comes out whole; malformed and unmappable bytes become the replacement character.
 */
internal class StreamingTextDecoder(val charset: Charset) {
    private val decoder: CharsetDecoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
    // The start of a character whose end has not come yet: a few bytes at most.
    private var leftover: ByteArray = EMPTY

    /** The text of [length] bytes of [bytes] from [offset], after what was left over from before. */
    fun decode(bytes: ByteArray, offset: Int = 0, length: Int = bytes.size): String {
        val input = if (leftover.isEmpty()) ByteBuffer.wrap(bytes, offset, length) else {
            val joined = ByteArray(leftover.size + length)
            System.arraycopy(leftover, 0, joined, 0, leftover.size)
            System.arraycopy(bytes, offset, joined, leftover.size, length)
            ByteBuffer.wrap(joined)
        }
        val out = CharBuffer.allocate((input.remaining() * decoder.maxCharsPerByte().toDouble()).toInt() + 4)
        decoder.decode(input, out, false)
        leftover = if (!input.hasRemaining()) EMPTY else ByteArray(input.remaining()).also { input.get(it) }
        // No character is this long: what is left is malformed, not unfinished.
        if (leftover.size > MAX_LEFTOVER) return out.flip().toString() + finish()
        return out.flip().toString()
    }

    /** The end of the stream: what was left over, replaced if it never became a character. */
    fun finish(): String {
        val input = ByteBuffer.wrap(leftover)
        leftover = EMPTY
        val out = CharBuffer.allocate(input.remaining() * 2 + 8)
        decoder.decode(input, out, true)
        decoder.flush(out)
        decoder.reset()
        return out.flip().toString()
    }

    private companion object {
        val EMPTY = ByteArray(0)
        const val MAX_LEFTOVER = 16
    }
}
