package dev.telnetkit.metrics

import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Timer
import kotlinx.coroutines.delay
import kotlinx.coroutines.yield
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * Probes how long work waits for a thread of the dispatcher it runs on (the server's scope: the
 * coroutines' default dispatcher): every [interval], it gives its thread up and times how long it
 * waits to be resumed. A busy or blocked pool shows as lag.
 */
internal class EventLoopLag(registry: MeterRegistry, private val interval: Duration) {
    val timer: Timer = Timer.builder("telnetkit.eventloop.lag")
        .description("Time a task waits for a thread of the server's dispatcher").register(registry)

    suspend fun run() {
        val pause = interval.toMillis().coerceAtLeast(1)
        while (true) {
            delay(pause)
            val start = System.nanoTime()
            // Back to the end of the dispatcher's queue: resumed once the tasks ahead have run.
            yield()
            timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS)
        }
    }
}
