package dev.telnetkit.zmodem.protocol

/**
 * CRC-16/XMODEM (polynomial 0x1021, initial value 0, no reflection), the 16-bit check of ZModem hex
 * and ZBIN headers and of their data subpackets. Written here: the JDK has CRC-32 but no CRC-16, and
 * a library for one table would weigh more than this file.
 */
internal object Crc16 {
    private val table = IntArray(256) { n ->
        var crc = n shl 8
        repeat(8) { crc = if (crc and 0x8000 != 0) (crc shl 1) xor 0x1021 else crc shl 1 }
        crc and 0xffff
    }

    /** [crc] updated with one byte [b]. */
    fun update(crc: Int, b: Int): Int = (table[((crc ushr 8) xor b) and 0xff] xor (crc shl 8)) and 0xffff

    /** [crc] updated with [length] bytes of [bytes] from [offset]. */
    fun update(crc: Int, bytes: ByteArray, offset: Int = 0, length: Int = bytes.size): Int {
        var c = crc
        for (i in offset until offset + length) c = update(c, bytes[i].toInt() and 0xff)
        return c
    }
}
