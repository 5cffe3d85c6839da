package dev.telnetkit.pty

import java.nio.ByteBuffer
import java.nio.CharBuffer
import java.nio.charset.Charset
import java.nio.charset.CodingErrorAction

/**
 * Turns the program's output bytes into text chunk by chunk: a character split between two reads
 * is held until its last byte comes, and invalid bytes become U+FFFD. Holds at most a few bytes
 * between calls. Not thread-safe: one reader.
 */
internal class PtyOutputDecoder(charset: Charset) {
    private val decoder = charset.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)
    private var carry = ByteArray(0)

    /** The text of [bytes] (the first [length]) after what was held back; may hold back an incomplete character. */
    fun decode(bytes: ByteArray, length: Int = bytes.size): String {
        val input = ByteBuffer.allocate(carry.size + length).put(carry).put(bytes, 0, length).flip()
        val out = CharBuffer.allocate(input.remaining() + 1)
        decoder.decode(input, out, false)
        carry = ByteArray(input.remaining()).also { input.get(it) }
        return out.flip().toString()
    }

    /** What is still held back, as replacement characters (the output has ended). */
    fun finish(): String {
        val input = ByteBuffer.wrap(carry)
        val out = CharBuffer.allocate(carry.size + 2)
        decoder.decode(input, out, true)
        decoder.flush(out)
        carry = ByteArray(0)
        decoder.reset()
        return out.flip().toString()
    }
}
