package dev.telnetkit.bench

/** What opening a batch of sessions achieved. */
data class OpenResult(
    val wanted: Int,
    val reached: Int,
    val failures: Failures,
    /** From the first connect to the last first prompt. */
    val seconds: Double,
    val ttfpP50Micros: Long,
    val ttfpP99Micros: Long,
    val ttfpMaxMicros: Long,
) {
    /** Sessions that reached their prompt per second. */
    val rate: Double get() = if (seconds > 0) reached / seconds else 0.0
}

/**
 * Opens [count] sessions with at most [inflight] connecting or negotiating at once, and waits
 * until each has shown its prompt (or failed: each has [promptTimeoutNanos]; the whole batch
 * gives up at [deadline]). Sessions that made it stay open and idle in the driver.
 */
class SessionOpener(
    private val driver: LoadDriver,
    private val count: Int,
    private val inflight: Int,
    private val promptTimeoutNanos: Long,
) : LoadDriver.Phase {
    private var started = 0
    private var inFlight = 0
    private var reached = 0
    private var firstAt = 0L
    private var lastAt = 0L
    private val ttfp = LatencyHistogram()

    /** Runs the batch; returns what it achieved. */
    fun run(deadline: Long): OpenResult {
        val before = driver.failures
        driver.phase = this
        firstAt = System.nanoTime()
        lastAt = firstAt
        try {
            driver.runUntil(deadline) { started == count && inFlight == 0 }
        } finally {
            driver.phase = null
        }
        // Whatever is still on its way at the deadline has failed.
        for (s in driver.sessions) {
            if (s.state == SessionState.CONNECTING || s.state == SessionState.WAIT_PROMPT) driver.close(s)
        }
        driver.compact()
        val failures = driver.failures - before
        return OpenResult(
            wanted = count,
            reached = reached,
            failures = failures.copy(timeouts = failures.timeouts + (count - reached - failures.total).coerceAtLeast(0)),
            seconds = (lastAt - firstAt) / 1e9,
            ttfpP50Micros = ttfp.percentile(50.0),
            ttfpP99Micros = ttfp.percentile(99.0),
            ttfpMaxMicros = ttfp.max,
        )
    }

    override fun tick(now: Long) {
        while (inFlight < inflight && started < count) {
            started++
            if (driver.connect(promptTimeoutNanos) != null) inFlight++
        }
    }

    override fun onPrompt(session: BenchSession, now: Long) {
        if (session.state != SessionState.WAIT_PROMPT) return
        session.state = SessionState.IDLE
        session.matcher.clearLine()
        inFlight--
        reached++
        lastAt = now
        ttfp.record((now - session.startedAt) / 1000)
    }

    override fun onClosed(session: BenchSession, was: SessionState) {
        if (was == SessionState.CONNECTING || was == SessionState.WAIT_PROMPT) inFlight--
    }
}
