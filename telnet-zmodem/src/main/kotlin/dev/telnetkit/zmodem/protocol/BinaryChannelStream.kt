package dev.telnetkit.zmodem.protocol

import dev.telnetkit.session.BinaryChannel
import kotlin.time.Duration.Companion.milliseconds

/** A session's [BinaryChannel] as a [ZModemStream] (timeouts through its `readWithin`, which loses nothing). */
internal class BinaryChannelStream(private val channel: BinaryChannel) : ZModemStream {
    override suspend fun read(buffer: ByteArray, offset: Int, length: Int, timeoutMillis: Long): Int =
        if (timeoutMillis == Long.MAX_VALUE) {
            channel.read(buffer, offset, length)
        } else {
            channel.readWithin(timeoutMillis.milliseconds, buffer, offset, length)
        }

    override suspend fun write(bytes: ByteArray, offset: Int, length: Int) = channel.write(bytes, offset, length)

    override suspend fun flush() = channel.flush()
}
