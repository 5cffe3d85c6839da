package dev.telnetkit.session
import dev.telnetkit.transport.nio.LoopSocket

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.nio.ByteBuffer
import java.util.Collections
import java.util.IdentityHashMap
import kotlin.time.Duration

/**
 * The one serialising point for a session's outgoing bytes: any thread offers chunks, and the
 * session's event loop writes them to the socket in order. No coroutine waits for output: an
 * offer schedules one flush on the loop (behind the work already queued there, so a command's
 * answer and the next prompt leave in one write), and a flush the socket cannot take at once
 * continues when the selector says the socket is writable again.
 *
 * Bounded: [offer] refuses a chunk that would take the queue over [limit] bytes (the caller then
 * cuts the client off), and [awaitRoom] lets a suspending writer wait for the client to read instead.
 *
 * Protocol chunks (negotiation replies, offered with `protocol = true`) are data's equals in order
 * and in the bound, but Telnet AO ([discardData]) drops only data: a `WILL TIMING-MARK` or a
 * CHARSET `ACCEPTED` still goes out, or the client would wait for it forever.
 */
internal class OutputQueue(private val limit: Int, private val onWriteFailure: (String) -> Unit) {
    private val lock = Any()
    private var chunks: ArrayDeque<ByteArray>? = null
    // The protocol chunks among [chunks], by identity; made on first use, emptied with the queue.
    private var protocolChunks: MutableSet<ByteArray>? = null
    // Bytes of the batch taken from [chunks] that the socket has not yet taken, under the lock.
    private var inFlight = 0L
    private var closed = false
    private var flushScheduled = false
    private var socket: LoopSocket? = null
    // Loop thread only: a batch the socket has taken part of.
    private var pending: Array<ByteBuffer>? = null
    // Bytes offered and not yet written, under the lock; published to a flow only once something
    // waits on it (a writer waiting for room, the end of the session), not on every write.
    @Volatile private var count = 0L
    private var watch: MutableStateFlow<Long>? = null
    private val flushTask = Runnable { flush() }

    val queuedBytes: Long get() = count

    private fun setCount(value: Long) {
        count = value
        watch?.value = value
    }

    private fun watched(): MutableStateFlow<Long> = synchronized(lock) { watch ?: MutableStateFlow(count).also { watch = it } }

    /** Starts writing to [socket]; what was offered before goes out first. */
    fun attach(socket: LoopSocket) {
        synchronized(lock) {
            this.socket = socket
            if (!chunks.isNullOrEmpty()) scheduleFlush(socket)
        }
    }

    /**
     * Queues [bytes]; false only if they would take the queue over the limit (a lone chunk always
     * fits). Bytes offered after [close] are dropped: the connection is going away. A [protocol]
     * chunk (a negotiation reply) survives [discardData].
     */
    fun offer(bytes: ByteArray, protocol: Boolean = false): Boolean {
        if (bytes.isEmpty()) return true
        synchronized(lock) {
            if (closed) return true
            val now = count
            if (now > 0 && now + bytes.size > limit) return false
            (chunks ?: ArrayDeque<ByteArray>(4).also { chunks = it }).addLast(bytes)
            if (protocol) (protocolChunks ?: Collections.newSetFromMap(IdentityHashMap<ByteArray, Boolean>()).also { protocolChunks = it }).add(bytes)
            setCount(now + bytes.size)
            socket?.let { scheduleFlush(it) }
        }
        return true
    }

    private fun scheduleFlush(socket: LoopSocket) {
        if (flushScheduled) return
        flushScheduled = true
        socket.loop.dispatchTask(flushTask)
    }

    /** Waits until [size] more bytes fit; false if the client read nothing for [stall]. */
    suspend fun awaitRoom(size: Int, stall: Duration): Boolean {
        if (count == 0L || count + size <= limit) return true
        val queued = watched()
        while (true) {
            val now = queued.value
            if (now == 0L || now + size <= limit) return true
            withTimeoutOrNull(stall) { queued.first { it < now } } ?: return false
        }
    }

    /**
     * Waits until fewer than [threshold] bytes are queued; false if the client read nothing for
     * [stall] meanwhile (the wait restarts whenever the queue shrinks).
     */
    suspend fun awaitBelow(threshold: Long, stall: Duration): Boolean {
        if (count < threshold) return true
        val queued = watched()
        while (true) {
            val now = queued.value
            if (now < threshold) return true
            withTimeoutOrNull(stall) { queued.first { it < now } } ?: return false
        }
    }

    /** Waits until everything queued so far has been handed to the socket. */
    suspend fun awaitDrained() {
        if (count == 0L) return
        watched().first { it == 0L }
    }

    /** Drops everything not yet handed to the socket (the client is being cut off). */
    fun discard() {
        synchronized(lock) {
            chunks?.clear()
            protocolChunks?.clear()
            // A batch already partly written keeps going (its bytes are on the wire); it is not counted.
            setCount(0)
        }
    }

    /**
     * Telnet AO: drops the data not yet handed to the socket, keeping the protocol chunks in their
     * order. A batch the socket has taken part of goes on (its bytes are partly on the wire).
     */
    fun discardData() {
        synchronized(lock) {
            val queue = chunks ?: return
            val keep = protocolChunks
            if (keep.isNullOrEmpty()) queue.clear() else queue.retainAll { it in keep }
            var kept = inFlight
            for (chunk in queue) kept += chunk.size
            setCount(kept)
        }
    }

    /** No more offers; what is queued still goes out. */
    fun close() {
        synchronized(lock) { closed = true }
    }

    /** On the loop: writes batches until the queue is empty or the socket is full. */
    private fun flush() {
        val socket = synchronized(lock) { socket } ?: return
        try {
            while (true) {
                val batch = pending ?: synchronized(lock) {
                    val queue = chunks
                    if (queue.isNullOrEmpty()) {
                        flushScheduled = false
                        // An idle session keeps no queue.
                        chunks = null
                        protocolChunks = null
                        return
                    }
                    var size = 0L
                    Array(queue.size) { size += queue[it].size; ByteBuffer.wrap(queue[it]) }.also {
                        queue.clear()
                        protocolChunks?.clear()
                        inFlight = size
                    }
                }
                val written = socket.writeAvailable(batch)
                if (written > 0) synchronized(lock) {
                    setCount((count - written).coerceAtLeast(0))
                    inFlight = (inFlight - written).coerceAtLeast(0)
                }
                if (batch[batch.size - 1].hasRemaining()) {
                    pending = batch
                    socket.whenWritable(flushTask)
                    return
                }
                pending = null
            }
        } catch (e: IOException) {
            pending = null
            synchronized(lock) {
                flushScheduled = false
                chunks = null
                protocolChunks = null
                inFlight = 0
                setCount(0)
            }
            if (!socket.isClosed) onWriteFailure("write failed: ${e.message}")
        }
    }
}
