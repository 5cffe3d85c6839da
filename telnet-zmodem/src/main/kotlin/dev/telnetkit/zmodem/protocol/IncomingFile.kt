package dev.telnetkit.zmodem.protocol

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.nio.ByteBuffer
import java.nio.channels.FileChannel
import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.nio.file.attribute.FileTime

/**
 * A file being received: written to its final name as the data comes (so an interrupted transfer
 * leaves a part to resume), through a buffer flushed on [Dispatchers.IO].
 */
internal class IncomingFile private constructor(val path: Path, private val channel: FileChannel, val startOffset: Long) {
    private val buffer = ByteBuffer.allocate(BUFFER_SIZE)

    /** The position after the last byte received. */
    var position: Long = startOffset
        private set

    suspend fun write(bytes: ByteArray, length: Int) {
        if (buffer.remaining() < length) flush()
        buffer.put(bytes, 0, length)
        position += length
    }

    suspend fun flush() {
        if (buffer.position() == 0) return
        buffer.flip()
        withContext(Dispatchers.IO) { while (buffer.hasRemaining()) channel.write(buffer) }
        buffer.clear()
    }

    /** Flushes and closes; sets the modification time when the sender told it. */
    suspend fun close(modifiedSeconds: Long?) {
        try {
            flush()
        } finally {
            withContext(Dispatchers.IO) {
                channel.close()
                if (modifiedSeconds != null) Files.setLastModifiedTime(path, FileTime.fromMillis(modifiedSeconds * 1000))
            }
        }
    }

    /** Closes and deletes the file (a limit was broken). */
    suspend fun discard() {
        withContext(Dispatchers.IO) {
            channel.close()
            Files.deleteIfExists(path)
        }
    }

    companion object {
        private const val BUFFER_SIZE = 64 * 1024

        /** Opens [path]: created new at offset 0, or appended from [offset] (not following links). */
        suspend fun open(path: Path, offset: Long): IncomingFile = withContext(Dispatchers.IO) {
            val channel = if (offset == 0L) {
                FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
            } else {
                FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS).also {
                    it.truncate(offset)
                    it.position(offset)
                }
            }
            IncomingFile(path, channel, offset)
        }
    }
}
