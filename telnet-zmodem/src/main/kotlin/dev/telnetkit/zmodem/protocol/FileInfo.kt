package dev.telnetkit.zmodem.protocol

/**
 * The ZFILE subpacket: `name NUL size mtime mode serial files-left bytes-left NUL`, the size in
 * decimal and the time and mode in octal; every field after the name may be missing.
 */
internal class FileInfo(val name: String, val size: Long?, val modifiedSeconds: Long?) {
    /** The subpacket bytes, with [filesLeft] and [bytesLeft] counting this file too. */
    fun encode(mode: Int, filesLeft: Int, bytesLeft: Long): ByteArray {
        val fields = "${size ?: 0} ${(modifiedSeconds ?: 0).toString(8)} ${mode.toString(8)} 0 $filesLeft $bytesLeft"
        return name.toByteArray(Charsets.UTF_8) + 0 + fields.toByteArray(Charsets.US_ASCII) + 0
    }

    companion object {
        /** Reads [length] bytes of a ZFILE subpacket; fields that are not numbers count as missing. */
        fun parse(bytes: ByteArray, length: Int): FileInfo {
            val nul = (0 until length).firstOrNull { bytes[it].toInt() == 0 } ?: length
            val name = String(bytes, 0, nul, Charsets.UTF_8)
            val restEnd = (nul + 1 until length).firstOrNull { bytes[it].toInt() == 0 } ?: length
            val rest = if (nul + 1 < restEnd) String(bytes, nul + 1, restEnd - nul - 1, Charsets.US_ASCII) else ""
            val fields = rest.trim().split(' ').filter { it.isNotEmpty() }
            val size = fields.getOrNull(0)?.toLongOrNull()?.takeIf { it >= 0 }
            val modified = fields.getOrNull(1)?.toLongOrNull(8)?.takeIf { it > 0 }
            return FileInfo(name, size, modified)
        }
    }
}
