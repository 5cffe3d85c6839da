package dev.telnetkit.hardening

import io.kotest.assertions.withClue
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * One soak: warm-up cycles, a baseline, [cycles] measured cycles, the same settling, a second
 * measurement, printed and checked.
 */
internal class SoakRun(private val cycles: Int, private val concurrency: Int = 8) {
    init {
        require(cycles >= 1) { "cycles must be positive, was $cycles" }
    }

    suspend fun runAndCheck() = quietTelnetKitLogs {
        val harness = SoakHarness.start(WARM_UP_CYCLES + cycles)
        try {
            val warmUp = WARM_UP_CYCLES
            harness.run(warmUp, concurrency)
            harness.awaitQuiet(warmUp)
            val baseline = ProcessResources.snapshot()
            val histogram = System.getProperty("telnetkit.soak.histogram")
            if (histogram != null) ProcessResources.classHistogram("$histogram.before")
            println("soak: baseline after $warmUp warm-up cycles: $baseline")

            val nanos = harness.run(cycles, concurrency)
            val rate = cycles / (nanos / 1e9)
            println("soak: %,d cycles in %.1f s, %.0f cycles/s, %d at a time".format(cycles, nanos / 1e9, rate, concurrency))
            harness.awaitQuiet(warmUp + cycles)
            val after = settle(baseline)
            if (histogram != null) ProcessResources.classHistogram("$histogram.after")
            println("soak: after: $after")
            val heapGrowth = after.heapUsed - baseline.heapUsed
            val allowed = allowedHeapGrowth(cycles)
            println(
                "soak: heap %+,d bytes (%+.2f bytes per cycle; allowed %,d), threads %+d, not idle %+d (allowed +%d), fds %+d (allowed +%d)".format(
                    heapGrowth, heapGrowth.toDouble() / cycles, allowed, after.threads - baseline.threads,
                    after.busyThreads - baseline.busyThreads, THREAD_MARGIN, after.openFds - baseline.openFds, FD_MARGIN,
                ),
            )

            // Every session ended exactly once, and none is left.
            harness.starts.get() shouldBe warmUp + cycles
            harness.sessionsEnded shouldBe warmUp + cycles
            withClue("onSessionEnd runs beyond the first for a session") { harness.repeatedSessionEnds shouldBe 0 }
            harness.server.sessions.size shouldBe 0
            withClue("heap growth over $cycles cycles ($baseline -> $after)") { heapGrowth shouldBeLessThanOrEqual allowed }
            withClue("threads ($baseline -> $after)") { after.busyThreads shouldBeLessThanOrEqual baseline.busyThreads + THREAD_MARGIN }
            withClue("open file descriptors ($baseline -> $after)") { after.openFds shouldBeLessThanOrEqual baseline.openFds + FD_MARGIN }
        } finally {
            harness.server.stop(Duration.ZERO)
        }
    }

    /**
     * Measures again once threads and descriptors have had a moment to go (a session's coroutines
     * finish after its socket closes; the selector releases a closed socket's descriptor on its
     * next pass). Returns as soon as both are within their margins, else after [SETTLE_TIMEOUT].
     */
    private suspend fun settle(baseline: ResourceSnapshot): ResourceSnapshot {
        withTimeoutOrNull(SETTLE_TIMEOUT) {
            while (ProcessResources.busyThreads() > baseline.busyThreads + THREAD_MARGIN || ProcessResources.openFds() > baseline.openFds + FD_MARGIN) {
                delay(200.milliseconds)
            }
        }
        return ProcessResources.snapshot()
    }

    companion object {
        /** Enough for the JIT, the thread pools, the socket buffers and every lazily built table to reach their steady size. */
        const val WARM_UP_CYCLES = 2_000
        const val THREAD_MARGIN = 4
        const val FD_MARGIN = 16
        val SETTLE_TIMEOUT = 15.seconds

        /**
         * What the heap may grow by over [cycles] cycles: [HEAP_BYTES_PER_CYCLE] per cycle, but at
         * least [HEAP_NOISE] (settled readings of a JVM that has done the same work differ by up to
         * some 100 KB here, from lazily built JDK tables and the like).
         *
         * The smallest Java object is 16 bytes (a header and nothing else, with compressed class
         * pointers), and anything a session could leave behind is larger: a map entry (a 32-byte
         * node plus its boxed key), a listener in a list, a Job node in its parent, let alone the
         * session itself (kilobytes). So leaking even one object per session grows the heap by at
         * least 16 bytes per cycle, more than the 12 allowed: over the default 100,000 cycles 1.6 MB
         * or more, against 1.2 MB allowed. With fewer cycles than HEAP_NOISE / 12 (about 22,000),
         * only leaks of more than HEAP_NOISE / cycles bytes per cycle are caught.
         */
        fun allowedHeapGrowth(cycles: Int): Long = maxOf(HEAP_NOISE, HEAP_BYTES_PER_CYCLE * cycles)

        const val HEAP_BYTES_PER_CYCLE = 12L
        const val HEAP_NOISE = 256L * 1024
    }
}
