package dev.telnetkit.protocol

import java.nio.charset.Charset

/** The CHARSET subnegotiation of RFC 2066: request, accept and reject. */
internal object CharsetCodec {
    const val REQUEST = 1
    const val ACCEPTED = 2
    const val REJECTED = 3
    const val TTABLE_IS = 4
    const val TTABLE_REJECTED = 5

    private const val TTABLE_PREFIX = "[TTABLE]"

    /** A `REQUEST` payload offering [names] in order of preference. */
    fun request(names: List<String>): ByteArray =
        byteArrayOf(REQUEST.toByte()) + (";" + names.joinToString(";")).toByteArray(Charsets.US_ASCII)

    /** An `ACCEPTED name` payload. */
    fun accepted(name: String): ByteArray = byteArrayOf(ACCEPTED.toByte()) + name.toByteArray(Charsets.US_ASCII)

    /** A `REJECTED` payload. */
    fun rejected(): ByteArray = byteArrayOf(REJECTED.toByte())

    /** A `TTABLE-REJECTED` payload. */
    fun tableRejected(): ByteArray = byteArrayOf(TTABLE_REJECTED.toByte())

    /** The charset names of a `REQUEST` payload (first byte REQUEST), in the peer's order. */
    fun parseRequest(payload: ByteArray): List<String> {
        var text = String(payload, 1, payload.size - 1, Charsets.ISO_8859_1)
        // "[TTABLE]" is followed by a one-byte version before the separator.
        if (text.startsWith(TTABLE_PREFIX)) text = text.drop(TTABLE_PREFIX.length + 1)
        if (text.isEmpty()) return emptyList()
        val separator = text[0]
        return text.substring(1).split(separator).map { it.trim() }.filter { it.isNotEmpty() }
    }

    /** The name in an `ACCEPTED` payload. */
    fun parseAccepted(payload: ByteArray): String = String(payload, 1, payload.size - 1, Charsets.ISO_8859_1).trim()

    /**
     * The JVM charset for [name] if it is one a terminal session can use: known to the JVM and
     * ASCII-compatible (so prompts, escapes and line endings stay single bytes). Null otherwise.
     */
    fun usable(name: String): Charset? {
        val charset = runCatching { Charset.forName(name) }.getOrNull() ?: return null
        if (!charset.canEncode()) return null
        val probe = "A\r\n\u001b~"
        return charset.takeIf { runCatching { probe.toByteArray(it).contentEquals(probe.toByteArray(Charsets.US_ASCII)) }.getOrDefault(false) }
    }
}
