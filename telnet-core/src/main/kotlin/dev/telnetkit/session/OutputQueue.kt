package dev.telnetkit.session

import dev.telnetkit.annotations.EngineApi
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeoutOrNull
import java.nio.ByteBuffer
import kotlin.time.Duration

/**
 * The one serialising point for a session's outgoing bytes: any thread offers chunks, and the
 * transport drains them to the client in order. No coroutine of the session waits for output: an
 * offer wakes the transport's drainer once ([attach]), which takes everything queued as one batch
 * ([takeBatch]) and reports what the client took ([written]), so a command's answer and the next
 * prompt leave in one write.
 *
 * Bounded: [offer] refuses a chunk that would take the queue over [limit] bytes (the caller then
 * cuts the client off), and [awaitRoom] lets a suspending writer wait for the client to read instead.
 *
 * Protocol chunks (Telnet negotiation replies, offered with `protocol = true`) are data's equals in
 * order and in the bound, but Telnet AO ([discardData]) drops only data: a `WILL TIMING-MARK` or a
 * CHARSET `ACCEPTED` still goes out, or the client would wait for it forever.
 *
 * An [OutputTransform] (MCCP2 compression) can be put in from a point in the stream on
 * ([startTransform]) and taken out again ([stopTransform]); it applies to what the drainer takes,
 * batch by batch, so queued data not yet taken can still be dropped by [discardData].
 */
@EngineApi
public class OutputQueue internal constructor(
    internal val limit: Int,
    // The server's totals, told of every byte written (null outside a server).
    private val statistics: ServerStatistics? = null,
) {
    private val lock = Any()
    // Data chunks (ByteArray), protocol chunks (ProtocolChunk: they survive discardData), and
    // StageSwitch marks where an output transform starts or stops.
    private var chunks: ArrayDeque<Any>? = null
    private var protocolQueued = 0
    // The output transform in force for what the drainer takes next, and the switches still queued.
    private var stage: OutputTransform? = null
    private var switchesQueued = 0
    private var transformsClosed = false
    // Bytes of batches taken that the transport has not yet reported written, under the lock.
    private var inFlight = 0L
    private var closed = false
    private var drainScheduled = false
    private var wake: Runnable? = null
    // Bytes offered and not yet written, under the lock; published to a flow only once something
    // waits on it (a writer waiting for room, the end of the session), not on every write.
    @Volatile private var count = 0L
    private var watch: MutableStateFlow<Long>? = null

    /** Bytes offered and not yet written to the client. */
    public val queuedBytes: Long get() = count

    private fun setCount(value: Long) {
        count = value
        watch?.value = value
    }

    private fun watched(): MutableStateFlow<Long> = synchronized(lock) { watch ?: MutableStateFlow(count).also { watch = it } }

    /**
     * The transport starts draining: [wake] runs (on the offering thread: it must only schedule)
     * whenever bytes are offered and no drain is under way; the drainer then calls [takeBatch] until
     * it returns null. What was offered before this call is waiting already.
     */
    public fun attach(wake: Runnable) {
        val toWake = synchronized(lock) {
            this.wake = wake
            if (chunks.isNullOrEmpty()) null else scheduleDrain()
        }
        toWake?.run()
    }

    /**
     * Queues [bytes]; false only if they would take the queue over the limit (a lone chunk always
     * fits). Bytes offered after [close] are dropped: the connection is going away. A [protocol]
     * chunk (a negotiation reply) survives [discardData].
     */
    internal fun offer(bytes: ByteArray, protocol: Boolean = false): Boolean {
        if (bytes.isEmpty()) return true
        val toWake = synchronized(lock) {
            if (closed) return true
            val now = count
            if (now > 0 && now + bytes.size > limit) return false
            (chunks ?: ArrayDeque<Any>(4).also { chunks = it }).addLast(if (protocol) ProtocolChunk(bytes) else bytes)
            if (protocol) protocolQueued++
            setCount(now + bytes.size)
            scheduleDrain()
        }
        toWake?.run()
        return true
    }

    /**
     * Queues [announcement] (a protocol chunk, such as `IAC SB MCCP2 IAC SE`; may be empty) and,
     * right behind it with nothing between, the start of [transform]: every byte offered after
     * this goes through it. A transform already in force is finished first. False if the session's
     * output is closed (the transform is then closed at once).
     */
    internal fun startTransform(announcement: ByteArray, transform: OutputTransform): Boolean =
        queueSwitch(announcement, StageSwitch(transform))

    /** Ends the transform in force (its stream's trailer goes out) from this point on; later bytes go as they are. */
    internal fun stopTransform(): Boolean = queueSwitch(EMPTY, StageSwitch(null))

    private fun queueSwitch(announcement: ByteArray, switch: StageSwitch): Boolean {
        val toWake = synchronized(lock) {
            if (closed || transformsClosed) {
                switch.transform?.let { runCatching { it.close() } }
                return false
            }
            val queue = chunks ?: ArrayDeque<Any>(4).also { chunks = it }
            // A new transform while one is in force (or queued): the old stream ends first, so the
            // announcement goes out after its trailer, not inside it.
            if (switch.transform != null && (stage != null || switchesQueued > 0)) {
                queue.addLast(StageSwitch(null))
                switchesQueued++
            }
            if (announcement.isNotEmpty()) {
                queue.addLast(ProtocolChunk(announcement))
                protocolQueued++
                setCount(count + announcement.size)
            }
            queue.addLast(switch)
            switchesQueued++
            scheduleDrain()
        }
        toWake?.run()
        return true
    }

    /** True while an output transform is in force or queued to start. */
    internal val transforming: Boolean get() = synchronized(lock) { stage != null || switchesQueued > 0 }

    /**
     * The session is over: closes the transform in force and any still queued (their native
     * memory). Output taken from now on goes as it is.
     */
    internal fun closeTransforms() {
        synchronized(lock) {
            transformsClosed = true
            stage?.let { runCatching { it.close() } }
            stage = null
            chunks?.forEach { if (it is StageSwitch) runCatching { it.transform?.close() } }
            chunks?.removeAll { it is StageSwitch }
            switchesQueued = 0
        }
    }

    /** Under the lock: the wake to run once the lock is let go (the transport's wake may take its own locks), or null. */
    private fun scheduleDrain(): Runnable? {
        val task = wake ?: return null
        if (drainScheduled) return null
        drainScheduled = true
        return task
    }

    /**
     * For the drainer: everything queued, as one batch (the transport writes all of it, in order,
     * reporting progress with [written]); null when the queue is empty, which ends this drain: the
     * next offer wakes the drainer again.
     */
    public fun takeBatch(): Array<ByteBuffer>? = takeBatchLocked()

    /**
     * [takeBatch] joined into one array: for transports that send a batch as one message (an SSH
     * channel write, a WebSocket frame). Null when the queue is empty, as for [takeBatch].
     */
    public fun takeBatchBytes(): ByteArray? {
        val batch = takeBatch() ?: return null
        var size = 0
        for (buffer in batch) size += buffer.remaining()
        val bytes = ByteArray(size)
        var at = 0
        for (buffer in batch) {
            val n = buffer.remaining()
            buffer.get(bytes, at, n)
            at += n
        }
        return bytes
    }

    private fun takeBatchLocked(): Array<ByteBuffer>? = synchronized(lock) {
        val queue = chunks
        if (queue.isNullOrEmpty()) {
            drainScheduled = false
            // An idle session keeps no queue.
            chunks = null
            protocolQueued = 0
            return null
        }
        if (stage == null && switchesQueued == 0) {
            var size = 0L
            return Array(queue.size) { val chunk = bytesOf(queue[it]); size += chunk.size; ByteBuffer.wrap(chunk) }.also {
                queue.clear()
                protocolQueued = 0
                inFlight += size
            }
        }
        transformedBatch(queue)
    }

    /** Under the lock: the queue taken as one batch through the transforms in force and queued. */
    private fun transformedBatch(queue: ArrayDeque<Any>): Array<ByteBuffer> {
        val out = ArrayList<ByteBuffer>(4)
        var offered = 0L
        var sent = 0L
        var pending: java.io.ByteArrayOutputStream? = null
        fun emit(bytes: ByteArray) {
            if (bytes.isEmpty()) return
            out.add(ByteBuffer.wrap(bytes))
            sent += bytes.size
        }
        fun flushPending() {
            val run = pending ?: return
            pending = null
            val current = stage ?: return
            emit(current.transform(run.toByteArray(), 0, run.size()))
        }
        for (item in queue) {
            if (item is ByteArray || item is ProtocolChunk) {
                val item = bytesOf(item)
                offered += item.size
                if (stage == null) emit(item)
                else (pending ?: java.io.ByteArrayOutputStream(item.size).also { pending = it }).write(item, 0, item.size)
            } else if (item is StageSwitch) {
                switchesQueued--
                flushPending()
                stage?.let { old ->
                    emit(old.finish())
                    runCatching { old.close() }
                }
                stage = item.transform
            }
        }
        flushPending()
        queue.clear()
        protocolQueued = 0
        // What was counted at offer becomes what goes on the wire.
        setCount((count - offered + sent).coerceAtLeast(0))
        inFlight += sent
        // Drainers look at the last buffer of a batch: never hand out an empty one.
        if (out.isEmpty()) out.add(ByteBuffer.wrap(EMPTY))
        return out.toTypedArray()
    }

    /**
     * For a drainer that copies (the NIO transport): moves whole chunks from the front of the queue
     * into [target] while they fit, counting them as taken, as [takeBatch] does. Returns the bytes
     * moved; 0 when the first chunk is larger than [target] has room for (take it with
     * [takeBatch]); -1 when the queue is empty, which ends this drain as [takeBatch]'s null does.
     */
    internal fun takeInto(target: ByteBuffer): Int = synchronized(lock) {
        val queue = chunks
        if (queue.isNullOrEmpty()) {
            drainScheduled = false
            chunks = null
            protocolQueued = 0
            return -1
        }
        if (stage != null) return 0
        var moved = 0
        while (queue.isNotEmpty()) {
            val item = queue.first()
            val chunk = when (item) {
                is ByteArray -> item
                is ProtocolChunk -> item.bytes
                else -> break
            }
            if (chunk.size > target.remaining()) break
            queue.removeFirst()
            if (item is ProtocolChunk) protocolQueued--
            target.put(chunk)
            moved += chunk.size
        }
        inFlight += moved
        moved
    }

    /** For the drainer: the client took [bytes] more bytes of the batches taken. */
    public fun written(bytes: Long) {
        if (bytes <= 0) return
        statistics?.bytesWritten(bytes)
        synchronized(lock) {
            setCount((count - bytes).coerceAtLeast(0))
            inFlight = (inFlight - bytes).coerceAtLeast(0)
        }
    }

    /** For the drainer: writing failed for good; nothing queued will go out. */
    public fun writeFailed() {
        synchronized(lock) {
            drainScheduled = false
            closed = true
            chunks?.forEach { if (it is StageSwitch) runCatching { it.transform?.close() } }
            switchesQueued = 0
            chunks = null
            protocolQueued = 0
            inFlight = 0
            setCount(0)
        }
    }

    /** Waits until [size] more bytes fit; false if the client read nothing for [stall]. */
    internal suspend fun awaitRoom(size: Int, stall: Duration): Boolean {
        // Room already (nearly always): a tail call or none, so no continuation is made per write.
        if (count == 0L || count + size <= limit) return true
        return awaitRoomSlowly(size, stall)
    }

    private suspend fun awaitRoomSlowly(size: Int, stall: Duration): Boolean {
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
    internal suspend fun awaitBelow(threshold: Long, stall: Duration): Boolean {
        if (count < threshold) return true
        val queued = watched()
        while (true) {
            val now = queued.value
            if (now < threshold) return true
            withTimeoutOrNull(stall) { queued.first { it < now } } ?: return false
        }
    }

    /** Waits until everything queued so far has been written. */
    internal suspend fun awaitDrained() {
        if (count == 0L) return
        watched().first { it == 0L }
    }

    /** Drops everything not yet taken by the drainer (the client is being cut off). */
    internal fun discard() {
        synchronized(lock) {
            chunks?.forEach { if (it is StageSwitch) runCatching { it.transform?.close() } }
            switchesQueued = 0
            chunks?.clear()
            protocolQueued = 0
            // A batch already taken keeps going (its bytes may be on the wire); it is not counted.
            setCount(0)
        }
    }

    /**
     * Telnet AO: drops the data not yet taken by the drainer, keeping the protocol chunks in their
     * order. A batch already taken goes on (its bytes may be partly on the wire).
     */
    internal fun discardData() {
        synchronized(lock) {
            val queue = chunks ?: return
            if (protocolQueued == 0 && switchesQueued == 0) queue.clear()
            else queue.retainAll { it !is ByteArray }
            var kept = inFlight
            for (chunk in queue) if (chunk is ProtocolChunk) kept += chunk.bytes.size
            setCount(kept)
        }
    }

    /** No more offers; what is queued still goes out. */
    internal fun close() {
        synchronized(lock) { closed = true }
    }

    // A point in the queue where the output transform changes (null: none from here on).
    private class StageSwitch(val transform: OutputTransform?)

    // A negotiation reply or an option's message: kept by discardData (Telnet AO), unlike data.
    private class ProtocolChunk(val bytes: ByteArray)

    private fun bytesOf(item: Any): ByteArray = if (item is ProtocolChunk) item.bytes else item as ByteArray

    private companion object {
        val EMPTY = ByteArray(0)
    }
}
