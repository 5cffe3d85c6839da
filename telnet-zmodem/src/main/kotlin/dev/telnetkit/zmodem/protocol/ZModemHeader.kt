package dev.telnetkit.zmodem.protocol

/** How a header travelled: hex (CRC-16), ZBIN (binary, CRC-16) or ZBIN32 (binary, CRC-32). */
internal enum class HeaderEncoding { HEX, BIN16, BIN32 }

/**
 * A ZModem header: the frame [type] and its four bytes, which are a file position (low byte first)
 * or flags (ZF0 is the last byte). [encoding] is how a received header came; the data subpackets
 * that follow it use the same CRC.
 */
internal class ZModemHeader(
    val type: Int,
    val p0: Int,
    val p1: Int,
    val p2: Int,
    val p3: Int,
    val encoding: HeaderEncoding = HeaderEncoding.HEX,
) {
    /** The four bytes read as a position. */
    val position: Long get() = p0.toLong() or (p1.toLong() shl 8) or (p2.toLong() shl 16) or (p3.toLong() shl 24)

    /** ZF0, the first flag byte. */
    val zf0: Int get() = p3

    /** ZF1. */
    val zf1: Int get() = p2

    /** The four bytes in wire order (ZP0..ZP3). */
    fun bytes(): IntArray = intArrayOf(p0, p1, p2, p3)

    override fun toString(): String = "${FrameType.name(type)}($position)"

    companion object {
        /** A header carrying a file position. */
        fun position(type: Int, position: Long): ZModemHeader = ZModemHeader(
            type, (position and 0xff).toInt(), ((position shr 8) and 0xff).toInt(),
            ((position shr 16) and 0xff).toInt(), ((position shr 24) and 0xff).toInt(),
        )

        /** A header carrying flags ZF0..ZF3. */
        fun flags(type: Int, zf0: Int, zf1: Int = 0, zf2: Int = 0, zf3: Int = 0): ZModemHeader =
            ZModemHeader(type, zf3, zf2, zf1, zf0)
    }
}
