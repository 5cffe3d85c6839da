package dev.telnetkit.zmodem.protocol

import dev.telnetkit.zmodem.protocol.ZModemBytes.ZDLE
import java.util.zip.CRC32

/**
 * Reads headers (hex, ZBIN, ZBIN32) and data subpackets from a [ZModemInput], undoing the ZDLE
 * escaping and checking every CRC. Bytes before a header are skipped as garbage, up to
 * [garbageLimit]; XON and XOFF outside escapes are ignored, as flow control.
 */
internal class ZModemFrameReader(private val input: ZModemInput, private val garbageLimit: Int = 1 shl 20) {
    private val crc32 = CRC32()

    /** The next header. Throws [ZModemProblem.Recoverable] on a bad CRC or too much garbage. */
    suspend fun readHeader(): ZModemHeader {
        var garbage = 0
        while (true) {
            var c = input.byte()
            if (c and 0x7f != ZModemBytes.ZPAD) {
                if (++garbage > garbageLimit) throw ZModemProblem.Recoverable("no header in $garbageLimit bytes")
                continue
            }
            do c = input.byte() while (c and 0x7f == ZModemBytes.ZPAD)
            if (c != ZDLE) {
                garbage++
                continue
            }
            when (input.byte()) {
                ZModemBytes.ZHEX -> return readHex()
                ZModemBytes.ZBIN -> return readBinary(useCrc32 = false)
                ZModemBytes.ZBIN32 -> return readBinary(useCrc32 = true)
                else -> garbage++
            }
        }
    }

    private suspend fun readHex(): ZModemHeader {
        val b = IntArray(7) { hexByte() }
        var crc = 0
        for (i in 0 until 5) crc = Crc16.update(crc, b[i])
        if (crc != ((b[5] shl 8) or b[6])) throw ZModemProblem.Recoverable("bad CRC in a hex header")
        // CR LF (the LF maybe with its high bit) follows; take them so data after the header starts clean.
        val c = input.byte() and 0x7f
        if (c == ZModemBytes.CR) {
            if (input.byte() and 0x7f != ZModemBytes.LF) input.unread()
        } else if (c != ZModemBytes.LF) {
            input.unread()
        }
        return ZModemHeader(b[0], b[1], b[2], b[3], b[4], HeaderEncoding.HEX)
    }

    private suspend fun hexByte(): Int = (hexDigit() shl 4) or hexDigit()

    private suspend fun hexDigit(): Int = when (val c = input.byte() and 0x7f) {
        in '0'.code..'9'.code -> c - '0'.code
        in 'a'.code..'f'.code -> c - 'a'.code + 10
        in 'A'.code..'F'.code -> c - 'A'.code + 10
        else -> throw ZModemProblem.Recoverable("bad hex digit in a header")
    }

    private suspend fun readBinary(useCrc32: Boolean): ZModemHeader {
        val b = IntArray(5) { dataByte() }
        if (useCrc32) {
            crc32.reset()
            for (x in b) crc32.update(x)
            if (crc32.value != readCrc32()) throw ZModemProblem.Recoverable("bad CRC-32 in a binary header")
        } else {
            var crc = 0
            for (x in b) crc = Crc16.update(crc, x)
            if (crc != readCrc16()) throw ZModemProblem.Recoverable("bad CRC-16 in a binary header")
        }
        return ZModemHeader(b[0], b[1], b[2], b[3], b[4], if (useCrc32) HeaderEncoding.BIN32 else HeaderEncoding.BIN16)
    }

    /**
     * Reads one data subpacket into [into] (at most its size) and returns its end ([ZModemBytes.ZCRCE],
     * ZCRCG, ZCRCQ or ZCRCW); the length is [lastLength]. Throws [ZModemProblem.Recoverable] on a bad
     * CRC, a bad escape or a subpacket longer than [into].
     */
    suspend fun readSubpacket(into: ByteArray, useCrc32: Boolean): Int {
        var n = 0
        while (true) {
            // Fast path: plain bytes already buffered are copied without a suspending call per byte.
            while (n < into.size && input.hasBuffered()) {
                val b = input.buffered()
                if (b == ZDLE || b and 0x7f == ZModemBytes.XON || b and 0x7f == ZModemBytes.XOFF) {
                    input.unread()
                    break
                }
                into[n++] = b.toByte()
            }
            val c = zdlRead()
            if (c and FRAME_END != 0) {
                val end = c and 0xff
                lastLength = n
                if (useCrc32) {
                    crc32.reset()
                    crc32.update(into, 0, n)
                    crc32.update(end)
                    if (crc32.value != readCrc32()) throw ZModemProblem.Recoverable("bad CRC-32 in a data subpacket")
                } else {
                    val crc = Crc16.update(Crc16.update(0, into, 0, n), end)
                    if (crc != readCrc16()) throw ZModemProblem.Recoverable("bad CRC-16 in a data subpacket")
                }
                return end
            }
            if (n == into.size) throw ZModemProblem.Recoverable("a data subpacket longer than ${into.size} bytes")
            into[n++] = c.toByte()
        }
    }

    /** The length of the subpacket [readSubpacket] read last. */
    var lastLength: Int = 0
        private set

    private suspend fun readCrc16(): Int = (dataByte() shl 8) or dataByte()

    private suspend fun readCrc32(): Long {
        var v = 0L
        for (i in 0 until 4) v = v or (dataByte().toLong() shl (8 * i))
        return v
    }

    private suspend fun dataByte(): Int {
        val c = zdlRead()
        if (c and FRAME_END != 0) throw ZModemProblem.Recoverable("a subpacket end inside a header or CRC")
        return c
    }

    /** One unescaped byte, or [FRAME_END] or'ed with the end code after `ZDLE ZCRCx`. */
    private suspend fun zdlRead(): Int {
        var c = input.byte()
        while (c == ZModemBytes.XON || c == ZModemBytes.XOFF || c == 0x91 || c == 0x93) c = input.byte()
        if (c != ZDLE) return c
        while (true) {
            c = input.byte()
            when (c) {
                ZModemBytes.ZCRCE, ZModemBytes.ZCRCG, ZModemBytes.ZCRCQ, ZModemBytes.ZCRCW -> return FRAME_END or c
                ZModemBytes.ZRUB0 -> return 0x7f
                ZModemBytes.ZRUB1 -> return 0xff
                ZModemBytes.XON, ZModemBytes.XOFF, 0x91, 0x93 -> continue
                else -> {
                    if (c and 0x60 == 0x40) return c xor 0x40
                    throw ZModemProblem.Recoverable("bad escape ZDLE 0x${c.toString(16)}")
                }
            }
        }
    }

    private companion object {
        const val FRAME_END = 0x100
    }
}
