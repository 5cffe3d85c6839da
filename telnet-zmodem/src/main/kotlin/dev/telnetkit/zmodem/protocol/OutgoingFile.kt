package dev.telnetkit.zmodem.protocol

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.util.zip.CRC32

/** A file being sent: read ahead in blocks on [Dispatchers.IO], from any position the receiver asks. */
internal class OutgoingFile private constructor(private val channel: FileChannel, val size: Long) : AutoCloseable {
    private val block = ByteBuffer.allocate(BLOCK_SIZE)
    private var blockStart = -1L

    /** Copies up to [length] bytes at [position] into [into]; returns how many (0 at the end). */
    suspend fun read(position: Long, into: ByteArray, length: Int): Int {
        if (position >= size) return 0
        if (blockStart < 0 || position < blockStart || position >= blockStart + block.limit()) {
            block.clear()
            withContext(Dispatchers.IO) {
                while (block.hasRemaining()) {
                    if (channel.read(block, position + block.position()) < 0) break
                }
            }
            block.flip()
            blockStart = position
            if (block.limit() == 0) return 0
        }
        val from = (position - blockStart).toInt()
        val n = minOf(length, block.limit() - from)
        block.get(from, into, 0, n)
        return n
    }

    /** CRC-32 of the first [length] bytes (all when 0), for a receiver's ZCRC question. */
    suspend fun crc32(length: Long): Long = withContext(Dispatchers.IO) {
        val crc = CRC32()
        val buffer = ByteBuffer.allocate(BLOCK_SIZE)
        var position = 0L
        val end = if (length <= 0 || length > size) size else length
        while (position < end) {
            buffer.clear()
            buffer.limit(minOf(BLOCK_SIZE.toLong(), end - position).toInt())
            val n = channel.read(buffer, position)
            if (n <= 0) break
            buffer.flip()
            crc.update(buffer)
            position += n
        }
        crc.value
    }

    override fun close() {
        channel.close()
    }

    companion object {
        private const val BLOCK_SIZE = 64 * 1024

        suspend fun open(path: Path): OutgoingFile = withContext(Dispatchers.IO) {
            val channel = FileChannel.open(path, StandardOpenOption.READ)
            OutgoingFile(channel, channel.size())
        }
    }
}
