package dev.telnetkit.transport.tls

import java.nio.ByteBuffer

/**
 * Tells a TLS client from a plain Telnet client by the first bytes it sends. Pure: no I/O, no state.
 *
 * Every TLS connection opens with a handshake record: content type 22 (0x16), then the record's
 * legacy version, whose first byte is 3 and second a small number (0x0301 in a TLS 1.3
 * ClientHello, 0x0300..0x0304 in general). A Telnet client's first byte is never 0x16: it is IAC
 * (0xFF) when it negotiates first, or text the user typed (0x16 is Ctrl-V, which no client sends
 * before the server has said anything). So the first byte decides, and the next two confirm.
 *
 * Used twice: by the AUTO_DETECT listener to choose between TLS and plain Telnet on one port, and
 * by [TlsEngineDriver] on a TLS-only port to name a plain client's mistake clearly instead of
 * letting the `SSLEngine` fail with "Unsupported or unrecognized SSL message".
 */
internal object TlsDetector {
    /** What the first bytes say. */
    enum class Verdict {
        /** A TLS record header: hand the bytes to a TLS engine. */
        TLS,

        /** Not TLS: a plain Telnet client (or something else that is not TLS). */
        PLAIN,

        /** Too few bytes to tell (none, or a 0x16 not yet followed by its version). */
        NEED_MORE,
    }

    /** The TLS record type of a handshake message, the first byte of every TLS connection. */
    const val HANDSHAKE_RECORD: Int = 0x16

    /** The most bytes [detect] ever looks at: the record type and the two version bytes. */
    const val BYTES_NEEDED: Int = 3

    /** Decides from [length] bytes of [bytes] at [offset], the first bytes of a connection. */
    fun detect(bytes: ByteArray, offset: Int = 0, length: Int = bytes.size - offset): Verdict {
        require(offset >= 0 && length >= 0 && offset + length <= bytes.size) { "range $offset+$length outside ${bytes.size} bytes" }
        return detect(length) { bytes[offset + it].toInt() and 0xFF }
    }

    /** Decides from the bytes between [buffer]'s position and limit, without moving its position. */
    fun detect(buffer: ByteBuffer): Verdict {
        val start = buffer.position()
        return detect(buffer.remaining()) { buffer.get(start + it).toInt() and 0xFF }
    }

    private inline fun detect(available: Int, byteAt: (Int) -> Int): Verdict {
        if (available == 0) return Verdict.NEED_MORE
        if (byteAt(0) != HANDSHAKE_RECORD) return Verdict.PLAIN
        if (available == 1) return Verdict.NEED_MORE
        if (byteAt(1) != 0x03) return Verdict.PLAIN
        if (available == 2) return Verdict.NEED_MORE
        return if (byteAt(2) <= 0x0F) Verdict.TLS else Verdict.PLAIN
    }

    /**
     * The first bytes of a connection that is not TLS, for an error message: at most [max] bytes
     * in hex, then a hint at what they look like (Telnet negotiation, text).
     */
    fun describe(bytes: ByteArray, offset: Int = 0, length: Int = bytes.size - offset, max: Int = 16): String {
        val shown = minOf(length, max)
        val hex = (0 until shown).joinToString(" ") { "%02x".format(bytes[offset + it].toInt() and 0xFF) }
        val more = if (length > shown) " …" else ""
        val first = if (length > 0) bytes[offset].toInt() and 0xFF else -1
        val text = (0 until shown).all { val b = bytes[offset + it].toInt() and 0xFF; b in 0x20..0x7E || b == 0x0D || b == 0x0A || b == 0x09 }
        val hint = when {
            first == 0xFF -> ": Telnet negotiation, a plain Telnet client"
            length > 0 && text -> ": text \"" + String(bytes, offset, shown, Charsets.US_ASCII).replace("\r", "\\r").replace("\n", "\\n") + "\""
            else -> ""
        }
        return "$hex$more$hint"
    }
}
