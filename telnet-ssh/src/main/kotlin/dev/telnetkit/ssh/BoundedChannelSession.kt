package dev.telnetkit.ssh

import dev.telnetkit.session.LogText
import io.github.oshai.kotlinlogging.KotlinLogging
import org.apache.sshd.common.channel.Channel
import org.apache.sshd.common.channel.ChannelFactory
import org.apache.sshd.common.channel.PtyMode
import org.apache.sshd.common.channel.RequestHandler
import org.apache.sshd.common.session.Session
import org.apache.sshd.server.channel.ChannelSession

private val logger = KotlinLogging.logger {}

/**
 * MINA's session channel with the client's `env` requests bounded (a client may send any number,
 * each as large as a packet: they would all be kept) and the `pty-req` remembered, so the shell
 * knows whether a terminal is there.
 */
internal class BoundedChannelSession(private val settings: SshSettings) : ChannelSession() {
    private var environmentBytes = 0
    private var environmentCount = 0

    /** True once the client asked for a PTY. */
    @Volatile var ptyRequested: Boolean = false
        private set

    override fun handleEnvParsed(name: String, value: String): RequestHandler.Result {
        // Bytes as the client sent them (UTF-8), not characters: a character may be three bytes.
        val size = utf8Length(name) + utf8Length(value)
        if (environmentCount >= settings.maxEnvironmentVariables || environmentBytes + size > settings.maxEnvironmentBytes || name.isEmpty() || name in RESERVED) {
            logger.debug { "$this: env request ${LogText.escape(name.take(64))} refused (${environmentCount} variables, $environmentBytes bytes so far)" }
            return RequestHandler.Result.ReplyFailure
        }
        environmentCount++
        environmentBytes += size
        return super.handleEnvParsed(name, value)
    }

    override fun handlePtyReqParsed(
        term: String, tColumns: Int, tRows: Int, tWidth: Int, tHeight: Int, ptyModes: MutableMap<PtyMode, Int>,
    ): RequestHandler.Result {
        if (term.length > MAX_TERMINAL_TYPE) return RequestHandler.Result.ReplyFailure
        ptyRequested = true
        return super.handlePtyReqParsed(term, tColumns, tRows, tWidth, tHeight, ptyModes)
    }

    /** The length of [text] in UTF-8, without encoding it. */
    private fun utf8Length(text: String): Int {
        var bytes = 0
        var i = 0
        while (i < text.length) {
            val c = text[i]
            bytes += when {
                c.code < 0x80 -> 1
                c.code < 0x800 -> 2
                Character.isHighSurrogate(c) && i + 1 < text.length && Character.isLowSurrogate(text[i + 1]) -> { i++; 4 }
                else -> 3
            }
            i++
        }
        return bytes
    }

    /** Makes these channels for the `session` channel type. */
    class Factory(private val settings: SshSettings) : ChannelFactory {
        override fun getName(): String = "session"

        override fun createChannel(session: Session): Channel = BoundedChannelSession(settings)
    }

    private companion object {
        // The names the PTY request and the login set: a client's env request may not replace them.
        val RESERVED = setOf("USER", "TERM", "COLUMNS", "LINES")
        const val MAX_TERMINAL_TYPE = 64
    }
}
