package dev.telnetkit.terminal

import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.Charset
import java.nio.charset.StandardCharsets
import java.nio.charset.CharsetDecoder
import java.nio.charset.CodingErrorAction

/**
 * Turns received bytes into text in the session's charset, across split reads: a multi-byte
 * character cut between two reads is completed by the next one. Invalid bytes become U+FFFD;
 * they are never fatal. At most a few bytes of an unfinished character are held.
 */
internal class TextDecoder(private var charset: Charset) {
    // Made with the first input that is not plain ASCII: a session that types ASCII never needs one.
    private var decoder: CharsetDecoder? = null
    private var pending = NONE
    // True when bytes 0x00-0x7F decode to the same code points, so ASCII input needs no decoder.
    private var asciiIdentity = isAsciiIdentity(charset)

    /** Switches the charset; bytes of an unfinished character in the old charset are dropped. */
    fun switchTo(charset: Charset) {
        if (this.charset == charset) return
        this.charset = charset
        decoder = null
        asciiIdentity = isAsciiIdentity(charset)
        pending = NONE
    }

    fun decode(bytes: ByteArray): String {
        // ASCII in a charset that maps it to itself (what is typed at a prompt, nearly always): one
        // string, with none of the decoder's buffers.
        if (pending.isEmpty() && asciiIdentity && isAscii(bytes)) return String(bytes, StandardCharsets.ISO_8859_1)
        val decoder = decoder ?: newDecoder(charset).also { decoder = it }
        val input = if (pending.isEmpty()) ByteBuffer.wrap(bytes) else ByteBuffer.wrap(pending + bytes)
        val out = CharBuffer.allocate((input.remaining() * decoder.maxCharsPerByte().toDouble()).toInt() + 2)
        decoder.decode(input, out, false)
        // Whatever is left is the start of a character still arriving; it is short by construction,
        // but a broken decoder must not make us hold more than one character's worth.
        pending = if (input.remaining() in 1..MAX_PENDING) ByteArray(input.remaining()).also { input.get(it) } else NONE
        out.flip()
        return out.toString()
    }

    internal companion object {
        private const val MAX_PENDING = 8
        private val NONE = ByteArray(0)

        fun isAsciiIdentity(charset: Charset): Boolean =
            charset == StandardCharsets.UTF_8 || charset == StandardCharsets.US_ASCII || charset == StandardCharsets.ISO_8859_1

        private fun isAscii(bytes: ByteArray): Boolean {
            for (b in bytes) if (b < 0) return false
            return true
        }

        private fun newDecoder(charset: Charset): CharsetDecoder = charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
    }
}
