package dev.telnetkit.zmodem.protocol

import dev.telnetkit.zmodem.protocol.ZModemBytes.ZDLE
import java.util.zip.CRC32

/**
 * Turns headers and data subpackets into ZModem wire bytes, collected in a reusable buffer: ZDLE
 * escaping (ZDLE, DLE, XON, XOFF and their high-bit forms; CR after `@` as the Telenet rule asks; every
 * control character when the receiver asked ESCCTL), hex headers, ZBIN/ZBIN32 headers and subpackets
 * with their CRC. Pure: no I/O; the caller writes [buffer] up to [size] and calls [clear].
 */
internal class ZdleEncoder(var escapeControl: Boolean = false) {
    var buffer: ByteArray = ByteArray(16 * 1024)
        private set
    var size: Int = 0
        private set
    private var last = 0
    private val crc32 = CRC32()

    fun clear() {
        size = 0
    }

    /** Appends [b] as it is (no escaping). */
    fun raw(b: Int) {
        if (size == buffer.size) buffer = buffer.copyOf(buffer.size * 2)
        buffer[size++] = b.toByte()
        last = b
    }

    /** Appends the bytes of [text] as they are. */
    fun raw(text: String) {
        for (c in text) raw(c.code and 0xff)
    }

    /** Appends [b] escaped when it must be. */
    fun escaped(b: Int) {
        val c = b and 0xff
        val escape = when (c) {
            ZDLE, 0x10, 0x11, 0x13, 0x90, 0x91, 0x93 -> true
            0x0d, 0x8d -> escapeControl || (last and 0x7f) == '@'.code
            else -> escapeControl && (c and 0x60) == 0
        }
        if (escape) {
            raw(ZDLE)
            raw(c xor 0x40)
        } else {
            raw(c)
        }
    }

    /** A hex header: `** ZDLE B`, type and bytes and CRC-16 as lower-case hex, CR LF, and XON. */
    fun hexHeader(header: ZModemHeader) {
        raw(ZModemBytes.ZPAD); raw(ZModemBytes.ZPAD); raw(ZDLE); raw(ZModemBytes.ZHEX)
        var crc = 0
        hex(header.type); crc = Crc16.update(crc, header.type)
        for (b in header.bytes()) {
            hex(b); crc = Crc16.update(crc, b)
        }
        hex(crc ushr 8); hex(crc and 0xff)
        raw(ZModemBytes.CR); raw(ZModemBytes.LF or 0x80)
        if (header.type != FrameType.ZFIN && header.type != FrameType.ZACK) raw(ZModemBytes.XON)
    }

    /** A binary header (`* ZDLE A` with CRC-16, or `* ZDLE C` with CRC-32). */
    fun binaryHeader(header: ZModemHeader, useCrc32: Boolean) {
        raw(ZModemBytes.ZPAD); raw(ZDLE); raw(if (useCrc32) ZModemBytes.ZBIN32 else ZModemBytes.ZBIN)
        val all = intArrayOf(header.type) + header.bytes()
        if (useCrc32) {
            crc32.reset()
            for (b in all) {
                escaped(b); crc32.update(b)
            }
            crc32le(crc32.value)
        } else {
            var crc = 0
            for (b in all) {
                escaped(b); crc = Crc16.update(crc, b)
            }
            escaped(crc ushr 8); escaped(crc and 0xff)
        }
    }

    /** A data subpacket: [length] bytes of [data] escaped, `ZDLE end`, and the CRC over data and end. */
    fun subpacket(data: ByteArray, offset: Int, length: Int, end: Int, useCrc32: Boolean) {
        for (i in offset until offset + length) escaped(data[i].toInt())
        raw(ZDLE); raw(end)
        if (useCrc32) {
            crc32.reset()
            crc32.update(data, offset, length)
            crc32.update(end)
            crc32le(crc32.value)
        } else {
            val crc = Crc16.update(Crc16.update(0, data, offset, length), end)
            escaped(crc ushr 8); escaped(crc and 0xff)
        }
        if (end == ZModemBytes.ZCRCW) raw(ZModemBytes.XON)
    }

    private fun crc32le(value: Long) {
        for (i in 0 until 4) escaped(((value ushr (8 * i)) and 0xff).toInt())
    }

    private fun hex(b: Int) {
        raw(HEX_DIGITS[(b ushr 4) and 0xf].code); raw(HEX_DIGITS[b and 0xf].code)
    }

    private companion object {
        const val HEX_DIGITS = "0123456789abcdef"
    }
}
