package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi
import java.io.ByteArrayOutputStream

/**
 * The sending half of RFC 854: turns data and intents into wire bytes. Stateless and thread-safe.
 *
 * Data: every 255 byte is doubled (`IAC IAC`). Unless [binary] is set (our side has BINARY
 * enabled), `LF` and `CR LF` both go out as `CR LF` and a bare `CR` goes out as `CR NUL`, so a
 * `CR LF` never becomes `CR CR LF`.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public object TelnetEncoder {
    private const val CR = 13
    private const val LF = 10

    /** Encodes [length] data bytes of [bytes] from [offset]. */
    @JvmStatic
    public fun encodeData(bytes: ByteArray, offset: Int, length: Int, binary: Boolean): ByteArray {
        require(offset >= 0 && length >= 0 && offset + length <= bytes.size) { "offset/length outside the array" }
        val end = offset + length
        val extra = extraBytes(bytes, offset, end, binary)
        if (extra == 0) return bytes.copyOfRange(offset, end)
        val out = ByteArray(length + extra)
        var o = 0
        for (i in offset until end) {
            val b = bytes[i].toInt() and 0xff
            when {
                b == TelnetCommand.IAC -> { out[o++] = -1; out[o++] = -1 }
                binary -> out[o++] = b.toByte()
                b == CR -> {
                    out[o++] = CR.toByte()
                    // CR LF stays CR LF; the LF branch below writes the LF.
                    if (i + 1 < end && (bytes[i + 1].toInt() and 0xff) == LF) continue
                    out[o++] = 0
                }
                b == LF -> {
                    if (i == offset || (bytes[i - 1].toInt() and 0xff) != CR) out[o++] = CR.toByte()
                    out[o++] = LF.toByte()
                }
                else -> out[o++] = b.toByte()
            }
        }
        return if (o == out.size) out else out.copyOf(o)
    }

    /** Bytes the encoding adds: one per IAC, and unless [binary] one per LF without its CR and per CR without its LF. */
    private fun extraBytes(bytes: ByteArray, offset: Int, end: Int, binary: Boolean): Int {
        var extra = 0
        for (i in offset until end) {
            when (bytes[i].toInt() and 0xff) {
                TelnetCommand.IAC -> extra++
                CR -> if (!binary && (i + 1 >= end || (bytes[i + 1].toInt() and 0xff) != LF)) extra++
                LF -> if (!binary && (i == offset || (bytes[i - 1].toInt() and 0xff) != CR)) extra++
            }
        }
        return extra
    }

    /** True if [bytes] go on the wire unchanged as data (no IAC to double, every line end already CR LF). */
    internal fun isWireReady(bytes: ByteArray, binary: Boolean): Boolean = extraBytes(bytes, 0, bytes.size, binary) == 0

    /**
     * Encodes 8-bit data that is not text (a file transfer): every 255 doubled and, unless [binary],
     * every `CR` followed by `NUL` so that a client strips exactly that; `LF` is left alone, so the
     * client can undo the encoding byte for byte.
     */
    @JvmStatic
    public fun encodeRawData(bytes: ByteArray, binary: Boolean): ByteArray {
        var extra = 0
        for (b in bytes) if (b == IAC_BYTE || (!binary && b == CR_BYTE)) extra++
        if (extra == 0) return bytes
        val out = ByteArray(bytes.size + extra)
        var o = 0
        for (b in bytes) {
            out[o++] = b
            if (b == IAC_BYTE) out[o++] = IAC_BYTE else if (!binary && b == CR_BYTE) out[o++] = 0
        }
        return out
    }

    private const val IAC_BYTE: Byte = -1
    private const val CR_BYTE: Byte = 13

    /** Encodes all of [bytes] as data. */
    @JvmStatic
    public fun encodeData(bytes: ByteArray, binary: Boolean): ByteArray = encodeData(bytes, 0, bytes.size, binary)

    /** `IAC code`, for a two-byte command such as [TelnetCommand.GA] or [TelnetCommand.NOP]. */
    @JvmStatic
    public fun command(code: Int): ByteArray {
        require(code in 0..255) { "command code out of range: $code" }
        return byteArrayOf(TelnetCommand.IAC.toByte(), code.toByte())
    }

    /** `IAC verb option`, where [verb] is WILL, WONT, DO or DONT. */
    @JvmStatic
    public fun negotiation(verb: Int, option: Int): ByteArray {
        require(verb in TelnetCommand.WILL..TelnetCommand.DONT) { "not a negotiation verb: $verb" }
        require(option in 0..255) { "option out of range: $option" }
        return byteArrayOf(TelnetCommand.IAC.toByte(), verb.toByte(), option.toByte())
    }

    /**
     * `IAC SB option payload IAC SE`, with every 255 in [payload] doubled. [option] 255 is refused:
     * a 255 right after SB reads as IAC, which [TelnetDecoder] takes as a malformed subnegotiation.
     */
    @JvmStatic
    public fun subnegotiation(option: Int, payload: ByteArray): ByteArray {
        require(option in 0..254) { "option out of range for a subnegotiation: $option" }
        val out = ByteArrayOutputStream(payload.size + 6)
        out.write(TelnetCommand.IAC)
        out.write(TelnetCommand.SB)
        out.write(option)
        for (b in payload) {
            out.write(b.toInt() and 0xff)
            if (b == (-1).toByte()) out.write(TelnetCommand.IAC)
        }
        out.write(TelnetCommand.IAC)
        out.write(TelnetCommand.SE)
        return out.toByteArray()
    }
}
