package dev.telnetkit.ssh

import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.apache.sshd.common.AttributeRepository
import org.apache.sshd.common.channel.Channel
import org.apache.sshd.common.channel.ChannelListener
import org.apache.sshd.common.session.Session
import org.apache.sshd.common.session.SessionListener
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * Closes a logged-in SSH connection that has no channel open for [grace]: after the login, or after
 * its last channel closed. Sessions have the server's idle timeout, but a connection without one
 * (`ssh -N`, with forwarding refused) would otherwise be held for as long as the client likes.
 */
internal class ChannelLessLimit(private val grace: Duration, private val scope: CoroutineScope) : SessionListener, ChannelListener {
    override fun sessionEvent(session: Session, event: SessionListener.Event) {
        if (event == SessionListener.Event.Authenticated) watch(session)
    }

    override fun channelOpenSuccess(channel: Channel) {
        val session = channel.session ?: return
        channels(session).incrementAndGet()
        session.removeAttribute(WATCH)?.cancel()
    }

    override fun sessionClosed(session: Session) {
        // The watch must not keep a closed connection (its buffers and keys) reachable until it fires.
        session.removeAttribute(WATCH)?.cancel()
    }

    override fun channelClosed(channel: Channel, reason: Throwable?) {
        val session = channel.session ?: return
        if (channels(session).decrementAndGet() <= 0) watch(session)
    }

    private fun channels(session: Session): AtomicInteger = session.computeAttributeIfAbsent(CHANNELS) { AtomicInteger() }

    private fun watch(session: Session) {
        if (!session.isOpen) return
        val job = scope.launch {
            delay(grace.toKotlinDuration())
            if (session.isOpen && channels(session).get() <= 0) {
                logger.info { "ssh: closing the connection from ${SshAddresses.full(session)}: no session open for ${grace.seconds} s" }
                session.close(false)
            }
        }
        session.setAttribute(WATCH, job)?.cancel()
        if (!session.isOpen) session.removeAttribute(WATCH)?.cancel()
    }

    private companion object {
        val CHANNELS = AttributeRepository.AttributeKey<AtomicInteger>()
        val WATCH = AttributeRepository.AttributeKey<Job>()
    }
}
