package dev.telnetkit.ssh

import dev.telnetkit.session.LogText
import io.github.oshai.kotlinlogging.KotlinLogging
import org.apache.sshd.common.AttributeRepository
import org.apache.sshd.common.session.Session
import org.apache.sshd.common.session.SessionListener
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

private val logger = KotlinLogging.logger {}

/**
 * Bounds the SSH connections still logging in, in all ([max]) and from one address ([perAddress]),
 * as OpenSSH's `MaxStartups` does: an unauthenticated storm costs a key exchange each, and must not
 * crowd out users who are logged in. Connections over a bound are closed as soon as they come.
 */
internal class UnauthenticatedLimit(private val max: Int, private val perAddress: Int) : SessionListener {
    private val total = AtomicInteger()
    private val byAddress = ConcurrentHashMap<String, Int>()
    private val lastWarning = AtomicLong()

    override fun sessionCreated(session: Session) {
        val address = SshAddresses.host(session)
        val counted = AtomicBoolean(true)
        session.setAttribute(COUNTED, counted)
        session.setAttribute(ADDRESS, address)
        val now = total.incrementAndGet()
        val fromAddress = byAddress.merge(address, 1, Int::plus)!!
        if (now > max || fromAddress > perAddress) {
            warn { "ssh: dropped a connection from ${LogText.escape(address)}: ${if (fromAddress > perAddress) "$fromAddress" else "$now in all"} logging in at once" }
            release(session)
            session.close(true)
        }
    }

    override fun sessionEvent(session: Session, event: SessionListener.Event) {
        if (event == SessionListener.Event.Authenticated) release(session)
    }

    override fun sessionClosed(session: Session) {
        release(session)
    }

    private fun release(session: Session) {
        val counted = session.getAttribute(COUNTED) ?: return
        if (!counted.compareAndSet(true, false)) return
        total.decrementAndGet()
        val address = session.getAttribute(ADDRESS) ?: return
        byAddress.computeIfPresent(address) { _, n -> if (n <= 1) null else n - 1 }
    }

    /** At most one warning a second: a storm must not flood the log. */
    private fun warn(message: () -> String) {
        val now = System.currentTimeMillis()
        val last = lastWarning.get()
        if (now - last >= 1000 && lastWarning.compareAndSet(last, now)) logger.warn(message)
    }

    private companion object {
        val COUNTED = AttributeRepository.AttributeKey<AtomicBoolean>()
        val ADDRESS = AttributeRepository.AttributeKey<String>()
    }
}
