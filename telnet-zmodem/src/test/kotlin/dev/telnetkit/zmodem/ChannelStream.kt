package dev.telnetkit.zmodem

import dev.telnetkit.zmodem.protocol.ZModemStream
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.channels.ReceiveChannel
import kotlinx.coroutines.channels.SendChannel
import kotlinx.coroutines.withTimeoutOrNull

/**
 * A [ZModemStream] over byte-array channels, for tests: in memory between two engines, or over an
 * lrzsz process ([LrzszProcess]). A read cancelled by a timeout keeps the chunk it had taken
 * (`onUndeliveredElement` hands it back), so no byte is lost.
 */
internal class ChannelStream(
    private val incoming: ReceiveChannel<ByteArray>,
    private val outgoing: SendChannel<ByteArray>,
) : ZModemStream {
    @Volatile
    var stash: ByteArray? = null
    private var pending: ByteArray? = null
    private var pendingAt = 0

    /** Bytes written so far. */
    @Volatile
    var written: Long = 0
        private set

    override suspend fun read(buffer: ByteArray, offset: Int, length: Int, timeoutMillis: Long): Int {
        var chunk = pending
        if (chunk == null || pendingAt == chunk.size) {
            chunk = stash?.also { stash = null } ?: run {
                val received = if (timeoutMillis == Long.MAX_VALUE) {
                    incoming.receiveCatching()
                } else {
                    withTimeoutOrNull(timeoutMillis) { incoming.receiveCatching() } ?: return 0
                }
                // a chunk taken just as the timeout fired went to the stash: take it from there
                stash?.also { stash = null } ?: received.getOrNull()
            } ?: return -1
            pending = chunk
            pendingAt = 0
        }
        val n = minOf(length, chunk.size - pendingAt)
        System.arraycopy(chunk, pendingAt, buffer, offset, n)
        pendingAt += n
        return n
    }

    override suspend fun write(bytes: ByteArray, offset: Int, length: Int) {
        if (length == 0) return
        try {
            outgoing.send(bytes.copyOfRange(offset, offset + length))
        } catch (e: kotlinx.coroutines.channels.ClosedSendChannelException) {
            throw java.io.IOException("the other side is gone", e)
        }
        written += length
    }

    override suspend fun flush() = Unit

    companion object {
        /** A channel whose chunks taken by a cancelled read go back to [stream]'s stash. */
        fun chunks(stream: () -> ChannelStream?): Channel<ByteArray> =
            Channel(64, onUndeliveredElement = { chunk -> stream()?.stash = chunk })

        /** Two streams connected to each other. */
        fun pair(): Pair<ChannelStream, ChannelStream> {
            var a: ChannelStream? = null
            var b: ChannelStream? = null
            val toA = chunks { a }
            val toB = chunks { b }
            a = ChannelStream(toA, toB)
            b = ChannelStream(toB, toA)
            return a to b
        }
    }
}
