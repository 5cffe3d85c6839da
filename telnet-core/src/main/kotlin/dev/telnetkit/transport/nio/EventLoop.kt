package dev.telnetkit.transport.nio

import dev.telnetkit.session.NonBlockingThread
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Delay
import kotlinx.coroutines.DisposableHandle
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.InternalCoroutinesApi
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.channels.ClosedSelectorException
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.util.PriorityQueue
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.ScheduledThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.function.Consumer
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.CoroutineContext

private val logger = KotlinLogging.logger {}

/**
 * One thread that owns an NIO [Selector] and is also a [CoroutineDispatcher]: the sessions placed on
 * it run their coroutines on the same thread that sees their sockets become readable or writable.
 * A byte read, the line editor, the command and the write of its answer then never change threads;
 * a wake-up crosses threads only when another thread (a broadcast, a blocking Java handler, a
 * timer) hands work to the loop.
 *
 * Readiness is delivered to the [IoReadiness] attached to a selection key. The loop also keeps the
 * timers of its coroutines (`delay`, `withTimeout`: the escape-key wait, the negotiation wait), so
 * they fire on the loop without a trip through another thread. Tasks dispatched after the loop has
 * ended run on [Dispatchers.Default], so a coroutine left on a stopped loop still ends.
 *
 * Why [Delay], an internal kotlinx.coroutines API (`@InternalCoroutinesApi`): `delay` and
 * `withTimeout` ask the dispatcher of the coroutine whether it implements it; one that does not gets
 * its timers from kotlinx's `DefaultExecutor`, a thread of its own, and every timer set or expired
 * then crosses threads (the timer queue is locked from the loop, and an expiry wakes that thread,
 * which dispatches back here and wakes the selector). Sessions set such timers all the time (the
 * escape-key wait on every lone ESC, the negotiation wait, the output stall and login timeouts), so
 * the loop keeps them in its own queue, where they cost a heap insert and fire inside the loop's
 * turn. Internal API may change in any kotlinx release without notice: EventLoopDelayContractSpec
 * pins the two methods overridden here and that timers fire from `runTimers`, and fails after an
 * upgrade that changes either, saying what to do. Dropping Delay is the fallback: everything still
 * works, with the extra thread hops.
 */
@OptIn(InternalCoroutinesApi::class, ExperimentalCoroutinesApi::class)
internal class EventLoop(name: String) : CoroutineDispatcher(), Delay {
    private val selector: Selector = Selector.open()
    private val tasks = ConcurrentLinkedQueue<Runnable>()
    // Tasks the loop gives itself (a resumed coroutine, a flush): no lock, no node per task.
    private val localTasks = ArrayDeque<Runnable>()
    // True while the loop is, or is about to be, blocked in select: a dispatcher must wake it.
    private val selecting = AtomicBoolean(false)
    @Volatile private var closing = false
    @Volatile private var ended = false
    private val end = CompletableDeferred<Unit>()
    private val thread: Thread = LoopThread(::run, name).apply { isDaemon = true }
    // Loop thread only.
    private val timers = PriorityQueue<LoopTimer>()
    private var timerSequence = 0L
    // Timers disposed while still queued (any thread): purged in bulk once they are many, so that
    // long timers cancelled early (login and stall timeouts) cannot pile up behind a live one.
    private val disposedTimers = AtomicInteger()

    /** Scratch space for socket reads; used only on the loop's thread, its contents copied at once. */
    val readBuffer: ByteBuffer = ByteBuffer.allocate(READ_BUFFER)

    /**
     * Scratch space for socket writes (direct: the socket takes it without another copy); used only
     * on the loop's thread, and what the socket does not take at once is copied out before the
     * loop goes on.
     */
    val writeBuffer: ByteBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER)

    fun start(): EventLoop = apply { thread.start() }

    /** True when called on this loop's thread. */
    val inLoop: Boolean get() = Thread.currentThread() === thread

    override fun isDispatchNeeded(context: CoroutineContext): Boolean = true

    override fun dispatch(context: CoroutineContext, block: Runnable) {
        if (ended) {
            Dispatchers.Default.dispatch(context, block)
            return
        }
        if (Thread.currentThread() === thread) {
            localTasks.addLast(block)
            return
        }
        tasks.add(block)
        if (selecting.compareAndSet(true, false)) selector.wakeup()
        // Ended between the check and the add: nobody will run the queue, so hand it over.
        if (ended) drainTo(context)
    }

    /** Queues [task] to run on the loop, behind what is queued already. */
    fun dispatchTask(task: Runnable) {
        dispatch(kotlin.coroutines.EmptyCoroutineContext, task)
    }

    /** Runs [task] on the loop: at once when already on it. */
    fun execute(task: Runnable) {
        if (inLoop) task.run() else dispatch(kotlin.coroutines.EmptyCoroutineContext, task)
    }

    /** Registers [channel] with this loop's selector; call on the loop's thread. */
    fun register(channel: java.nio.channels.SelectableChannel, ops: Int, handler: IoReadiness): SelectionKey {
        check(inLoop) { "register off the loop's thread" }
        return channel.register(selector, ops, handler)
    }

    /** Asks the loop to end once its queue is empty; [awaitEnd] waits for it. */
    fun shutdown() {
        closing = true
        selector.wakeup()
    }

    /** Waits up to [millis] for the loop's thread to end. */
    fun awaitEnd(millis: Long) {
        if (!inLoop) thread.join(millis)
    }

    /** Suspends, holding no thread, until the loop has ended and closed its selector. */
    suspend fun awaitEnded() {
        end.await()
    }

    override fun scheduleResumeAfterDelay(timeMillis: Long, continuation: CancellableContinuation<Unit>) {
        val timer = invokeOnTimeout(timeMillis, { with(continuation) { resumeUndispatched(Unit) } }, continuation.context)
        continuation.invokeOnCancellation { timer.dispose() }
    }

    override fun invokeOnTimeout(timeMillis: Long, block: Runnable, context: CoroutineContext): DisposableHandle {
        if (ended) {
            val future = afterEndTimers.schedule({ Dispatchers.Default.dispatch(context, block) }, timeMillis, TimeUnit.MILLISECONDS)
            return DisposableHandle { future.cancel(false) }
        }
        val timer = LoopTimer(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeMillis.coerceAtMost(MAX_DELAY_MILLIS)), block, disposedTimers)
        if (inLoop) addTimer(timer) else dispatchTask { addTimer(timer) }
        return timer
    }

    private fun addTimer(timer: LoopTimer) {
        if (!timer.enqueue()) return
        timer.sequence = timerSequence++
        timers.add(timer)
    }

    /** Runs the timers that are due; returns the milliseconds until the next one (0: none). */
    private fun runTimers(): Long {
        val disposed = disposedTimers.get()
        if (disposed > MIN_TIMER_PURGE && disposed > timers.size / 2) {
            var removed = 0
            timers.removeIf { timer -> timer.disposed.also { if (it) removed++ } }
            disposedTimers.addAndGet(-removed)
        }
        while (true) {
            val next = timers.peek() ?: return 0
            if (next.disposed) {
                timers.poll()
                disposedTimers.decrementAndGet()
                continue
            }
            val left = next.deadline - System.nanoTime()
            if (left > 0) return (left + 999_999) / 1_000_000
            timers.poll()
            val block = next.fire()
            if (block == null) {
                // Disposed between the check above and now, and counted by dispose(): uncount it.
                disposedTimers.decrementAndGet()
                continue
            }
            try {
                block.run()
            } catch (e: Throwable) {
                logger.error(e) { "timer failed on event loop ${thread.name}" }
            }
        }
    }

    private fun run() {
        try {
            while (true) {
                runTasks()
                val wait = runTimers()
                if (closing && tasks.isEmpty() && localTasks.isEmpty()) break
                selecting.set(true)
                // Ready keys go straight to their handlers, not through the selected-key set (which
                // costs a set entry and an iterator per select).
                if (tasks.isEmpty() && localTasks.isEmpty() && !closing) selector.select(onSelected, wait) else selector.selectNow(onSelected)
                selecting.set(false)
            }
        } catch (_: ClosedSelectorException) {
            // closed under us: nothing left to serve
        } catch (e: Throwable) {
            logger.error(e) { "event loop ${thread.name} failed" }
        } finally {
            ended = true
            for (key in runCatching { selector.keys().toList() }.getOrDefault(emptyList())) {
                runCatching { key.channel().close() }
            }
            runCatching { selector.close() }
            drainTo(kotlin.coroutines.EmptyCoroutineContext)
            // Timers still set belong to coroutines left behind: they fire elsewhere now.
            for (timer in timers) {
                if (!timer.disposed) {
                    val left = ((timer.deadline - System.nanoTime()) / 1_000_000).coerceAtLeast(0)
                    afterEndTimers.schedule({ timer.fire()?.let { Dispatchers.Default.dispatch(kotlin.coroutines.EmptyCoroutineContext, it) } }, left, TimeUnit.MILLISECONDS)
                }
            }
            timers.clear()
            end.complete(Unit)
        }
    }

    private fun runTasks() {
        // Bounded, so sockets are polled between bursts of work.
        var n = 0
        while (n < MAX_TASKS_PER_TURN) {
            val task = localTasks.removeFirstOrNull() ?: tasks.poll() ?: return
            n++
            try {
                task.run()
            } catch (e: Throwable) {
                logger.error(e) { "task failed on event loop ${thread.name}" }
            }
        }
    }

    private val onSelected = Consumer<SelectionKey> { key ->
        // Handlers run now: a task dispatched meanwhile is run after them, no wakeup needed.
        selecting.set(false)
        processReady(key)
    }

    /** Hands one ready key to its handler; a handler's failure ends only its own connection. */
    private fun processReady(key: SelectionKey) {
        val handler = key.attachment() as? IoReadiness ?: return
        if (!key.isValid) {
            handler.onReady(-1)
            return
        }
        val ready = try {
            key.readyOps()
        } catch (_: java.nio.channels.CancelledKeyException) {
            -1
        }
        try {
            handler.onReady(ready)
        } catch (e: IOException) {
            logger.debug { "readiness handler failed: ${e.message}" }
        } catch (e: Throwable) {
            // One connection's failure (a key cancelled under us, an error, even an
            // OutOfMemoryError from a single session) must not end the loop and every session on it.
            logger.error(e) { "readiness handler failed on event loop ${thread.name}" }
            val handled = try {
                handler.failed(e)
            } catch (_: Throwable) {
                false
            }
            if (!handled) runCatching { key.channel().close() }
        }
    }

    private fun drainTo(context: CoroutineContext) {
        if (inLoop) while (true) Dispatchers.Default.dispatch(context, localTasks.removeFirstOrNull() ?: break)
        while (true) {
            val task = tasks.poll() ?: return
            Dispatchers.Default.dispatch(context, task)
        }
    }

    override fun toString(): String = thread.name

    companion object {
        const val READ_BUFFER = 64 * 1024
        const val WRITE_BUFFER = 64 * 1024
        private const val MAX_DELAY_MILLIS = 100L * 365 * 24 * 3600 * 1000

        // Timers of coroutines left on a loop after it ended (a session that ignored cancellation):
        // one thread at most, gone a second after its last use.
        private val afterEndTimers: ScheduledThreadPoolExecutor by lazy {
            ScheduledThreadPoolExecutor(1) { r -> Thread(r, "telnet-loop-timers").apply { isDaemon = true } }.apply {
                removeOnCancelPolicy = true
                setKeepAliveTime(1, TimeUnit.SECONDS)
                allowCoreThreadTimeOut(true)
            }
        }
        private const val MAX_TASKS_PER_TURN = 4096
        private const val MIN_TIMER_PURGE = 256

        /** True on any event loop's thread, where nothing may block. */
        val onLoopThread: Boolean get() = Thread.currentThread() is LoopThread

        /** [count] started loops named after [prefix]. */
        fun group(prefix: String, count: Int): List<EventLoop> = List(count) { EventLoop("$prefix-$it").start() }

        /** Ends every loop of [loops], waiting up to [timeoutMillis] in all. */
        fun shutdownAll(loops: List<EventLoop>, timeoutMillis: Long) {
            loops.forEach { it.shutdown() }
            val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)
            for (loop in loops) loop.awaitEnd(((deadline - System.nanoTime()) / 1_000_000).coerceAtLeast(1))
        }
    }
}

/** The thread of an [EventLoop]: its type marks the threads where blocking is a bug. */
private class LoopThread(body: () -> Unit, name: String) : Thread(body, name), NonBlockingThread

/**
 * A timer of an [EventLoop]: ordered by deadline, then by the order it was set. Disposing it drops
 * its block at once, so a cancelled timer still queued holds nothing of the coroutine that set it
 * (a finished session, say), and counts it in [disposedCount] for the loop's bulk purge.
 */
private class LoopTimer(
    val deadline: Long,
    block: Runnable,
    private val disposedCount: AtomicInteger,
) : Comparable<LoopTimer>, DisposableHandle {
    var sequence = 0L
    @Volatile private var block: Runnable? = block
    // 0 not yet queued, 1 queued, 2 disposed or fired.
    private val state = AtomicInteger(0)

    val disposed: Boolean get() = state.get() == 2

    /** Marks the timer queued; false if it was disposed first. */
    fun enqueue(): Boolean = state.compareAndSet(0, 1)

    /** Takes the block to run, or null if the timer was disposed. */
    fun fire(): Runnable? {
        val b = block
        block = null
        if (state.getAndSet(2) == 2) return null
        return b
    }

    override fun dispose() {
        block = null
        if (state.getAndSet(2) == 1) disposedCount.incrementAndGet()
    }

    override fun compareTo(other: LoopTimer): Int {
        val byDeadline = (deadline - other.deadline).compareTo(0L)
        return if (byDeadline != 0) byDeadline else sequence.compareTo(other.sequence)
    }
}

/** Receives the ready operations of a selection key (-1 when the key is no longer valid). */
internal fun interface IoReadiness {
    fun onReady(readyOps: Int)

    /**
     * [onReady] threw [error]: true if this handler dealt with it (ended its connection, paused
     * accepting); false to have the loop close the channel.
     */
    fun failed(error: Throwable): Boolean = false
}
