package dev.telnetkit.bench

/** What a closed echo loop measured. */
data class EchoResult(
    val sessions: Int,
    val requests: Long,
    val seconds: Double,
    val p50Micros: Long,
    val p99Micros: Long,
    val p999Micros: Long,
    val maxMicros: Long,
    val meanMicros: Double,
    /** A prompt came back without the payload line before it. */
    val badReplies: Long,
    val failures: Failures,
    /** Server CPU time per recorded request, or null without a server pid. */
    val serverCpuMicrosPerRequest: Double?,
    /** The driver's own CPU over the recorded window, in % of one core (100 = one core busy). */
    val driverCpuPercent: Double?,
) {
    /** Recorded requests per second. */
    val rps: Double get() = if (seconds > 0) requests / seconds else 0.0

    /** Bad replies and failed sessions. */
    val errors: Long get() = badReplies + failures.total
}

/**
 * A closed loop on [sessions] (idle at the prompt): each sends `echo <payload>` CR LF, waits for
 * a line equal to the payload and then the prompt, and sends again at once. Requests sent after
 * [warmupNanos] and answered within the following [measureNanos] are recorded; each request has
 * [requestTimeoutNanos]. With a [probe] the server's CPU over the recorded window is read.
 */
class EchoLoop(
    private val driver: LoadDriver,
    private val sessions: List<BenchSession>,
    private val warmupNanos: Long,
    private val measureNanos: Long,
    private val requestTimeoutNanos: Long,
    private val probe: ServerProbe?,
) : LoadDriver.Phase {
    private val histogram = LatencyHistogram()
    private var measureStart = 0L
    private var end = 0L
    private var outstanding = 0
    private var badReplies = 0L
    private var cpuStart = -1L
    private var cpuEnd = -1L
    private val self = ServerProbe(ProcessHandle.current().pid())
    private var selfStart = -1L
    private var selfEnd = -1L

    /** Runs the loop; returns what it measured. Sessions are idle (or closed) afterwards. */
    fun run(): EchoResult {
        val before = driver.failures
        val t0 = System.nanoTime()
        measureStart = t0 + warmupNanos
        end = measureStart + measureNanos
        driver.phase = this
        try {
            for ((i, s) in sessions.withIndex()) {
                if (s.state != SessionState.IDLE) continue
                prepare(s, i)
                outstanding++
                next(s, t0)
                driver.sendRequest(s)
            }
            driver.runUntil(end + requestTimeoutNanos + 1_000_000_000L) { System.nanoTime() >= end && outstanding == 0 }
        } finally {
            driver.phase = null
        }
        if (selfEnd < 0) {
            selfEnd = self.cpuTicks()
            cpuEnd = probe?.cpuTicks() ?: -1
        }
        for (s in sessions) if (s.state == SessionState.ECHO) driver.close(s)
        driver.compact()
        val cpuMicros = if (probe != null && cpuStart >= 0 && cpuEnd >= 0) (cpuEnd - cpuStart) * 1e6 / ServerProbe.CLOCK_TICKS else null
        return EchoResult(
            sessions = sessions.size,
            requests = histogram.count,
            seconds = measureNanos / 1e9,
            p50Micros = histogram.percentile(50.0),
            p99Micros = histogram.percentile(99.0),
            p999Micros = histogram.percentile(99.9),
            maxMicros = histogram.max,
            meanMicros = histogram.mean(),
            badReplies = badReplies,
            failures = driver.failures - before,
            serverCpuMicrosPerRequest = cpuMicros?.let { if (histogram.count > 0) it / histogram.count else null },
            driverCpuPercent = if (selfStart >= 0 && selfEnd >= 0) (selfEnd - selfStart) / ServerProbe.CLOCK_TICKS / (measureNanos / 1e9) * 100 else null,
        )
    }

    override fun tick(now: Long) {
        if (selfStart < 0 && now >= measureStart) {
            selfStart = self.cpuTicks()
            cpuStart = probe?.cpuTicks() ?: -1
        }
        if (selfEnd < 0 && now >= end) {
            selfEnd = self.cpuTicks()
            cpuEnd = probe?.cpuTicks() ?: -1
        }
    }

    override fun onPrompt(session: BenchSession, now: Long) {
        if (session.state != SessionState.ECHO) return
        if (session.matcher.sawPayload) {
            if (session.startedAt >= measureStart && now <= end) histogram.record((now - session.startedAt) / 1000)
        } else {
            badReplies++
        }
        if (now < end) {
            next(session, now)
            session.sendNext = true
        } else {
            session.state = SessionState.IDLE
            session.matcher.expect(null)
            outstanding--
        }
    }

    override fun onClosed(session: BenchSession, was: SessionState) {
        if (was == SessionState.ECHO) outstanding--
    }

    /** Gives [session] its request line: `echo ` + 16 letters + 8 counter digits + CR LF. */
    private fun prepare(session: BenchSession, index: Int) {
        val payload = ByteArray(PAYLOAD_LETTERS + COUNTER_DIGITS)
        var seed = index * 2654435761L + 12345
        for (k in 0 until PAYLOAD_LETTERS) {
            seed = seed * 6364136223846793005L + 1442695040888963407L
            payload[k] = ('a'.code + ((seed ushr 33) % 26).toInt()).toByte()
        }
        session.payload = payload
        session.request = "echo ".toByteArray() + payload + byteArrayOf(13, 10)
        session.requestBuffer = java.nio.ByteBuffer.wrap(session.request!!)
    }

    /** Writes the next counter into the request, expects its payload and starts the clock. */
    private fun next(session: BenchSession, now: Long) {
        val payload = session.payload!!
        val request = session.request!!
        var n = ++session.requests
        for (k in COUNTER_DIGITS - 1 downTo 0) {
            val digit = ('0'.code + (n % 10).toInt()).toByte()
            payload[PAYLOAD_LETTERS + k] = digit
            request[5 + PAYLOAD_LETTERS + k] = digit
            n /= 10
        }
        session.state = SessionState.ECHO
        session.matcher.expect(payload)
        session.startedAt = now
        session.deadline = now + requestTimeoutNanos
    }

    companion object {
        private const val PAYLOAD_LETTERS = 16
        private const val COUNTER_DIGITS = 8

        /** Bytes of every payload (a character-mode server's work grows with it). */
        const val PAYLOAD_LENGTH: Int = PAYLOAD_LETTERS + COUNTER_DIGITS
    }
}
