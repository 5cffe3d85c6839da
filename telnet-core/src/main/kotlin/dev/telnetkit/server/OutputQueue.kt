package dev.telnetkit.server

import io.ktor.utils.io.ByteWriteChannel
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.yield
import kotlin.time.Duration

/**
 * The one serialising point for a session's outgoing bytes: any thread offers chunks, one writer
 * coroutine drains them to the socket in order. Bounded: [offer] refuses a chunk that would take
 * the queue over [limit] bytes (the caller then cuts the client off), and [awaitRoom] lets a
 * suspending writer wait for the client to read instead.
 */
internal class OutputQueue(private val limit: Int) {
    private val lock = Any()
    private val chunks = ArrayDeque<ByteArray>()
    private var closed = false
    private val wake = Channel<Unit>(Channel.CONFLATED)
    private val queued = MutableStateFlow(0L)

    val queuedBytes: Long get() = queued.value

    /**
     * Queues [bytes]; false only if they would take the queue over the limit (a lone chunk always
     * fits). Bytes offered after [close] are dropped: the connection is going away.
     */
    fun offer(bytes: ByteArray): Boolean {
        if (bytes.isEmpty()) return true
        synchronized(lock) {
            if (closed) return true
            val now = queued.value
            if (now > 0 && now + bytes.size > limit) return false
            chunks.addLast(bytes)
            queued.value = now + bytes.size
        }
        wake.trySend(Unit)
        return true
    }

    /** Waits until [size] more bytes fit; false if the client read nothing for [stall]. */
    suspend fun awaitRoom(size: Int, stall: Duration): Boolean {
        while (true) {
            val now = queued.value
            if (now == 0L || now + size <= limit) return true
            withTimeoutOrNull(stall) { queued.first { it < now } } ?: return false
        }
    }

    /** Waits until everything queued so far has been handed to the socket. */
    suspend fun awaitDrained() {
        queued.first { it == 0L }
    }

    /** Drops everything not yet written (Telnet AO). */
    fun discard() {
        synchronized(lock) {
            chunks.clear()
            queued.value = 0
        }
    }

    /** No more offers; the writer ends once the queue is empty. */
    fun close() {
        synchronized(lock) { closed = true }
        wake.trySend(Unit)
    }

    /** Writes chunks to [channel] until the queue is closed and empty. */
    suspend fun pump(channel: ByteWriteChannel) {
        while (true) {
            val batch: List<ByteArray>
            synchronized(lock) {
                batch = chunks.toList()
                chunks.clear()
            }
            if (batch.isEmpty()) {
                if (synchronized(lock) { closed && chunks.isEmpty() }) return
                wake.receive()
                // Let the writers that woke us finish what they are writing (a response and the
                // next prompt), so it leaves in one write rather than several.
                yield()
                continue
            }
            var written = 0L
            for (chunk in batch) {
                channel.writeFully(chunk)
                written += chunk.size
            }
            channel.flush()
            synchronized(lock) { queued.value = (queued.value - written).coerceAtLeast(0) }
        }
    }
}
