package dev.telnetkit.terminal

import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.Charset
import java.nio.charset.CharsetDecoder
import java.nio.charset.CodingErrorAction

/**
 * Turns received bytes into text in the session's charset, across split reads: a multi-byte
 * character cut between two reads is completed by the next one. Invalid bytes become U+FFFD;
 * they are never fatal. At most a few bytes of an unfinished character are held.
 */
internal class TextDecoder(charset: Charset) {
    private var decoder: CharsetDecoder = newDecoder(charset)
    // Never written into: replaced whole, and the shared NONE when nothing is pending.
    private var pending = NONE

    /** Switches the charset; bytes of an unfinished character in the old charset are dropped. */
    fun switchTo(charset: Charset) {
        if (decoder.charset() == charset) return
        decoder = newDecoder(charset)
        pending = NONE
    }

    fun decode(bytes: ByteArray): String {
        val input = if (pending.isEmpty()) ByteBuffer.wrap(bytes) else ByteBuffer.wrap(pending + bytes)
        val out = CharBuffer.allocate((input.remaining() * decoder.maxCharsPerByte().toDouble()).toInt() + 2)
        decoder.decode(input, out, false)
        // Whatever is left is the start of a character still arriving; it is short by construction,
        // but a broken decoder must not make us hold more than one character's worth.
        pending = if (input.remaining() in 1..MAX_PENDING) ByteArray(input.remaining()).also { input.get(it) } else NONE
        out.flip()
        return out.toString()
    }

    private companion object {
        const val MAX_PENDING = 8
        val NONE = ByteArray(0)

        fun newDecoder(charset: Charset): CharsetDecoder = charset.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE)
    }
}
