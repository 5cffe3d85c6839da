package dev.telnetkit.session

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.resume

/**
 * The session's input: what the connection hands over, waiting for the handler (at most
 * [capacity] items, as the bounded channel it replaces), and in front of it what a reader took but
 * gave back (read first, never counted against the capacity). One reader at a time; senders on any
 * thread.
 *
 * Small on purpose, for the many sessions that sit idle at a prompt: no buffer until the first item
 * (then a ring of [capacity] slots, kept), and a parked reader is one continuation, woken when an
 * item arrives or the queue closes. Waiting ([awaitAvailable]) takes nothing, so a cancelled wait
 * loses nothing.
 */
internal class SessionInputQueue(
    private val capacity: Int,
    /** Told (Session.inputTaken) after an item the connection queued, not a taken-back one, leaves the queue. */
    private val session: Session,
) {
    private var ring: Array<SessionInput?>? = null
    private var head = 0
    private var count = 0
    // An item went straight to a parked reader: as a channel's rendezvous, it does not take a slot.
    private var handedOff = false
    private var takenBack: ArrayDeque<SessionInput>? = null
    private var closed = false
    private var waiter: CancellableContinuation<Unit>? = null

    /** True once [close] was called: nothing more can be queued. */
    val isClosedForSend: Boolean get() = synchronized(this) { closed }

    /** True while taken-back items wait to be read again. */
    val hasTakenBack: Boolean get() = synchronized(this) { takenBack?.isNotEmpty() == true }

    /**
     * Queues [item] for the reader: true if it was queued, or dropped because the queue is closed
     * (nobody will read it); false if the queue is full.
     */
    fun trySend(item: SessionInput): Boolean {
        val wake: CancellableContinuation<Unit>?
        synchronized(this) {
            if (closed) return true
            if (count >= capacity + (if (handedOff) 1 else 0)) return false
            var ring = ring
            if (ring == null || count == ring.size) ring = grow(ring)
            ring[(head + count) % ring.size] = item
            count++
            wake = waiter
            if (wake != null) {
                waiter = null
                if (count == 1) handedOff = true
            }
        }
        wake?.resume(Unit)
        return true
    }

    private fun grow(old: Array<SessionInput?>?): Array<SessionInput?> {
        val ring = arrayOfNulls<SessionInput>(if (old == null) capacity else old.size + 1)
        if (old != null) for (i in 0 until count) ring[i] = old[(head + i) % old.size]
        head = 0
        this.ring = ring
        return ring
    }

    /** The next item, taken-back ones first; null when none waits (see [isEnded]). */
    fun poll(): SessionInput? {
        val item: SessionInput
        synchronized(this) {
            takenBack?.removeFirstOrNull()?.let { return it }
            if (count == 0) return null
            val ring = ring!!
            item = ring[head]!!
            ring[head] = null
            head = (head + 1) % ring.size
            count--
            handedOff = false
        }
        session.inputTaken()
        return item
    }

    /** True when the queue is closed and nothing is left to read. */
    val isEnded: Boolean get() = synchronized(this) { closed && count == 0 && takenBack.isNullOrEmpty() }

    /** Puts [item] back in front, to be read first. */
    fun putBack(item: SessionInput) {
        synchronized(this) { (takenBack ?: ArrayDeque<SessionInput>(2).also { takenBack = it }).addFirst(item) }
    }

    /**
     * Suspends until an item waits or the queue is closed; takes nothing. Inline, so that a reader
     * parked here keeps no suspended frame of its own, only the caller's.
     */
    @Suppress("NOTHING_TO_INLINE")
    suspend inline fun awaitAvailable() {
        suspendCancellableCoroutine { continuation -> park(continuation) }
    }

    /** [continuation] is resumed as soon as an item waits or the queue is closed: now, if one does. */
    fun park(continuation: CancellableContinuation<Unit>) {
        val ready = synchronized(this) {
            val ready = closed || count > 0 || takenBack?.isNotEmpty() == true
            // A waiter left by a cancelled read is replaced; one reader at a time.
            if (!ready) waiter = continuation
            ready
        }
        if (ready) continuation.resume(Unit)
    }

    /** The next item, waiting for one; null once the queue is closed and empty. */
    suspend fun receive(): SessionInput? {
        while (true) {
            poll()?.let { return it }
            if (isEnded) return null
            awaitAvailable()
        }
    }

    /** Closes the queue: what is queued can still be read, then reads return null. */
    fun close() {
        val wake: CancellableContinuation<Unit>?
        synchronized(this) {
            closed = true
            wake = waiter
            waiter = null
        }
        wake?.resume(Unit)
    }
}
