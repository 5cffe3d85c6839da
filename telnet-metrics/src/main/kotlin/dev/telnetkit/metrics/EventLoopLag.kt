package dev.telnetkit.metrics

import dev.telnetkit.session.Session
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Timer
import kotlinx.coroutines.delay
import kotlinx.coroutines.yield
import java.time.Duration
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReferenceArray

/**
 * Probes how long work waits for a thread, every [interval], in two places:
 *
 * - `loop=sessions`: the threads that run the sessions (the NIO event loops, or a transport's own):
 *   a task is scheduled on each of the few sessions opened last ([sessionOpened]) and timed from
 *   scheduling to running. Sessions are spread over the loops as they open, so these few cover
 *   them; with no session open there is nothing to wait for and nothing is recorded.
 * - `loop=default`: the coroutines' default dispatcher (the server's scope, blocking handlers'
 *   hand-offs): the probe gives its thread up and times how long it waits to be resumed.
 *
 * A busy or blocked loop shows as lag.
 */
internal class EventLoopLag(registry: MeterRegistry, private val interval: Duration) {
    val sessionsTimer: Timer = Timer.builder(NAME).tag("loop", "sessions")
        .description("Time a task waits for a thread of the loops that run the sessions").register(registry)
    val defaultTimer: Timer = Timer.builder(NAME).tag("loop", "default")
        .description("Time a task waits for a thread of the coroutines' default dispatcher").register(registry)

    /** The meters this probe registered. */
    val meters: List<Timer> get() = listOf(sessionsTimer, defaultTimer)

    suspend fun run(recent: RecentSessions) {
        val pause = interval.toMillis().coerceAtLeast(1)
        while (true) {
            delay(pause)
            recent.forEach { session -> probe(session) }
            val start = System.nanoTime()
            // Back to the end of the dispatcher's queue: resumed once the tasks ahead have run.
            yield()
            defaultTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS)
        }
    }

    private fun probe(session: Session) {
        if (session.isClosing) return
        val start = System.nanoTime()
        try {
            session.schedule(Duration.ZERO) { sessionsTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS) }
        } catch (e: IllegalStateException) {
            // The session ended meanwhile: nothing to measure.
        }
    }

    private companion object {
        const val NAME = "telnetkit.eventloop.lag"
    }
}

/** The last few sessions opened, for [EventLoopLag] to probe the threads they run on. */
internal class RecentSessions {
    private val slots = AtomicReferenceArray<Session?>(SIZE)
    private val next = AtomicInteger()

    fun opened(session: Session) {
        slots.set(Math.floorMod(next.getAndIncrement(), SIZE), session)
    }

    fun closed(session: Session) {
        for (i in 0 until SIZE) slots.compareAndSet(i, session, null)
    }

    fun forEach(action: (Session) -> Unit) {
        for (i in 0 until SIZE) slots.get(i)?.let(action)
    }

}

// Twice the loops of a two-core machine and then some: enough to land on every loop.
private const val SIZE = 8
