package dev.telnetkit.bench

/** One broadcast: how long until the last receiver had the marker. */
data class BroadcastResult(
    val receivers: Int,
    val received: Int,
    /** From sending the command until the last receiver had the marker (or the deadline). */
    val seconds: Double,
    val complete: Boolean,
)

/**
 * [sender] (idle at the prompt) sends `broadcast <marker>`; every one of [receivers] (idle at the
 * prompt) waits for the marker text. Ends when all have it and the sender has its prompt back,
 * or at the deadline.
 */
class BroadcastRound(
    private val driver: LoadDriver,
    private val sender: BenchSession,
    private val receivers: List<BenchSession>,
    private val marker: String,
) : LoadDriver.Phase {
    private var remaining = 0
    private var received = 0
    private var lastAt = 0L
    private var senderDone = false

    /** Runs the round with [timeoutNanos] in all. */
    fun run(timeoutNanos: Long): BroadcastResult {
        val line = "broadcast $marker\r\n".toByteArray()
        for (r in receivers) {
            r.markerSeen = false
            r.matcher.clearLine()
            if (r.state != SessionState.CLOSED) remaining++
        }
        val wanted = remaining
        driver.targets.marker = marker.toByteArray()
        driver.phase = this
        val t0 = System.nanoTime()
        lastAt = t0
        val complete: Boolean
        try {
            sender.state = SessionState.COMMAND
            sender.matcher.clearLine()
            sender.startedAt = t0
            sender.deadline = t0 + timeoutNanos
            driver.send(sender, line)
            complete = driver.runUntil(t0 + timeoutNanos) { remaining == 0 && senderDone }
        } finally {
            driver.phase = null
            driver.targets.marker = null
        }
        val end = if (remaining == 0) lastAt else System.nanoTime()
        return BroadcastResult(wanted, received, (end - t0) / 1e9, complete)
    }

    override fun onMarker(session: BenchSession, now: Long) {
        if (session === sender || session.markerSeen || session.state == SessionState.CLOSED) return
        session.markerSeen = true
        remaining--
        received++
        lastAt = now
    }

    override fun onPrompt(session: BenchSession, now: Long) {
        if (session === sender && session.state == SessionState.COMMAND) {
            session.state = SessionState.IDLE
            senderDone = true
        }
    }

    override fun onClosed(session: BenchSession, was: SessionState) {
        if (session === sender) senderDone = true else if (!session.markerSeen) remaining--
    }
}
