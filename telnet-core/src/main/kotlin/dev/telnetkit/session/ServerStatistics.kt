package dev.telnetkit.session

import java.util.concurrent.atomic.LongAdder

/**
 * A server's running totals since it started, counted over every transport: what an admin page
 * shows at a glance and what a metrics registry exposes (`telnet-metrics`). Reading is cheap and
 * safe from any thread; the figures are exact once the server is quiet and close to it meanwhile.
 */
public class ServerStatistics internal constructor(private val openNow: () -> Int) {
    private val opened = LongAdder()
    private val closed = LongAdder()
    private val commands = LongAdder()
    private val failedCommands = LongAdder()
    private val loginFailed = LongAdder()
    private val lockouts = LongAdder()
    private val read = LongAdder()
    private val written = LongAdder()
    private val cutOffs = LongAdder()

    /** Sessions open now. */
    public val sessionsOpen: Int get() = openNow()

    /** Sessions that have started. */
    public val sessionsOpened: Long get() = opened.sum()

    /** Sessions that have ended. */
    public val sessionsClosed: Long get() = closed.sum()

    /** Commands the shell has run. */
    public val commandsRun: Long get() = commands.sum()

    /** Commands that ended with an error. */
    public val commandsFailed: Long get() = failedCommands.sum()

    /** Failed login attempts, over every transport. */
    public val loginFailures: Long get() = loginFailed.sum()

    /** Times an address was locked out after failed logins. */
    public val loginLockouts: Long get() = lockouts.sum()

    /** Bytes read from clients, as they came over the wire. */
    public val bytesIn: Long get() = read.sum()

    /** Bytes written to clients, as they went over the wire. */
    public val bytesOut: Long get() = written.sum()

    /** Sessions cut off (output limit, stalled client, protocol abuse). */
    public val outputCutOffs: Long get() = cutOffs.sum()

    internal fun sessionOpened() = opened.increment()
    internal fun sessionClosed() = closed.increment()
    internal fun commandFinished(failed: Boolean) {
        commands.increment()
        if (failed) failedCommands.increment()
    }
    internal fun loginFailed() = loginFailed.increment()
    internal fun lockedOut() = lockouts.increment()
    internal fun bytesRead(n: Int) = read.add(n.toLong())
    internal fun bytesWritten(n: Long) = written.add(n)
    internal fun cutOff() = cutOffs.increment()

    override fun toString(): String =
        "ServerStatistics(open=$sessionsOpen, opened=$sessionsOpened, closed=$sessionsClosed, commands=$commandsRun, " +
            "failed=$commandsFailed, loginFailures=$loginFailures, lockouts=$loginLockouts, in=$bytesIn, out=$bytesOut, cutOffs=$outputCutOffs)"

}
