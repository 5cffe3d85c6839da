package dev.telnetkit.session

import io.github.oshai.kotlinlogging.KotlinLogging
import java.util.concurrent.atomic.AtomicLong

private val logger = KotlinLogging.logger {}

/**
 * What a server's sessions report as things happen to them: its [statistics] (always counted: a
 * LongAdder step each) and its [SessionObserver]s (called only when there are any). One object for
 * the whole server, reached by every session through its [SessionLimits]: a session keeps no
 * reference of its own for it.
 *
 * An observer that throws is logged (at most once a minute, with how many failures were not) and
 * the session goes on.
 */
internal class SessionEvents(
    val statistics: ServerStatistics?,
    observers: List<SessionObserver>,
) {
    private val observers: Array<SessionObserver> = observers.toTypedArray()
    private val lastFailureLog = AtomicLong(Long.MIN_VALUE)
    private val unloggedFailures = AtomicLong()

    /** True when at least one observer listens: callers skip work only an observer needs. */
    val observed: Boolean get() = observers.isNotEmpty()

    fun sessionOpened(session: Session) {
        statistics?.sessionOpened()
        each { it.sessionOpened(session) }
    }

    fun sessionClosed(session: Session) {
        statistics?.sessionClosed()
        each { it.sessionClosed(session) }
    }

    fun commandFinished(session: Session, command: String, nanos: Long, failed: Boolean) {
        statistics?.commandFinished(failed)
        each { it.commandFinished(session, command, nanos, failed) }
    }

    fun loginFailed(session: Session?, user: String?, transport: String) {
        statistics?.loginFailed()
        each { it.loginFailed(session, user, transport) }
    }

    fun lockedOut(host: String) {
        statistics?.lockedOut()
        each { it.loginLockedOut(host) }
    }

    fun optionNegotiated(session: Session, option: Int, local: Boolean, enabled: Boolean) {
        each { it.optionNegotiated(session, option, local, enabled) }
    }

    fun cutOff(session: Session, reason: String) {
        statistics?.cutOff()
        each { it.outputCutOff(session, reason) }
    }

    private inline fun each(call: (SessionObserver) -> Unit) {
        val observers = observers
        // By index: no iterator per event.
        for (i in observers.indices) {
            try {
                call(observers[i])
            } catch (e: VirtualMachineError) {
                throw e
            } catch (e: Throwable) {
                // Errors too: a TODO() in an observer must not end the session it observes.
                failed(observers[i], e)
            }
        }
    }

    private fun failed(observer: SessionObserver, e: Throwable) {
        val now = System.nanoTime()
        val last = lastFailureLog.get()
        if (last != Long.MIN_VALUE && now - last < FAILURE_LOG_INTERVAL_NANOS || !lastFailureLog.compareAndSet(last, now)) {
            unloggedFailures.incrementAndGet()
            return
        }
        val skipped = unloggedFailures.getAndSet(0)
        val more = if (skipped > 0) " ($skipped more observer failures since the last one logged)" else ""
        logger.warn(LogText.safe(e)) { "session observer ${observer.javaClass.name} failed; the session goes on$more" }
    }

    companion object {
        /** For sessions outside a server (tests): nothing counted, nobody told. */
        val NONE = SessionEvents(null, emptyList())
        private const val FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L
    }
}
