package dev.telnetkit.dsl

import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetDecoder
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.SessionHandler
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.TelnetSession
import java.nio.charset.Charset
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration

/**
 * Declares a [TelnetServer]; see [telnetServer]. Every property starts at the library default,
 * and [build] checks them all at once with messages that name the setting.
 */
@TelnetDsl
public class TelnetServerBuilder internal constructor() {
    /** The address to bind; loopback by default because Telnet is clear text. */
    public var host: String = "127.0.0.1"

    /** The TCP port; 0 picks a free one. */
    public var port: Int = 2323

    /** How long to wait for a client's negotiation answers before starting the session anyway. */
    public var connectMaxWait: Duration = 1.seconds

    /** Close a session after this long without input; [Duration.ZERO] turns it off. */
    public var idleTimeout: Duration = 5.minutes

    /** The line shown before an idle session is closed. */
    public var idleNotice: String = "Idle timeout: closing the connection."

    /** The line shown to every session when the server stops. */
    public var shutdownNotice: String = "The server is shutting down."

    /** The session's preferred charset, offered first with CHARSET; UTF-8 by default. */
    public var encoding: Charset = Charsets.UTF_8

    /** Unread output per session, in bytes, before a client that does not read is cut off. */
    public var outputBufferLimit: Int = 1 shl 20

    /** How long a writer waits for a client that reads nothing before it is cut off. */
    public var outputStallTimeout: Duration = 60.seconds

    /** The longest input line accepted. */
    public var maxLineLength: Int = 4096

    /** The largest subnegotiation accepted from a client, in bytes. */
    public var maxSubnegotiation: Int = TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION

    private var handler: SessionHandler? = null

    /** What runs for each connection, with the [TelnetSession] as receiver. */
    public fun session(block: suspend TelnetSession.() -> Unit) {
        handler = SessionHandler { it.block() }
    }

    internal fun build(): TelnetServer {
        val sessionHandler = requireNotNull(handler) { "telnetServer { }: declare what a session does with session { … }" }
        val charsets = (listOf(encoding) + DEFAULT_CHARSETS).distinct()
        val settings = ServerSettings(
            host = host,
            port = port,
            connectMaxWait = connectMaxWait.toJavaDuration(),
            idleTimeout = idleTimeout.toJavaDuration(),
            idleNotice = idleNotice,
            shutdownNotice = shutdownNotice,
            outputBufferLimit = outputBufferLimit,
            outputStallTimeout = outputStallTimeout.toJavaDuration(),
            maxLineLength = maxLineLength,
            protocol = ProtocolSettings(charsets = charsets, maxSubnegotiation = maxSubnegotiation),
        )
        return TelnetServer(settings, sessionHandler)
    }

    private companion object {
        val DEFAULT_CHARSETS = listOf(Charsets.UTF_8, Charsets.ISO_8859_1, Charsets.US_ASCII)
    }
}

/**
 * Declares a Telnet server. Nothing is bound until [TelnetServer.start].
 *
 * ```kotlin
 * val server = telnetServer {
 *     port = 2323
 *     idleTimeout = 10.minutes
 *     session {
 *         writeLine("Hello, ${environment["USER"] ?: "stranger"}!")
 *         while (true) {
 *             val line = readLine("> ") ?: break
 *             writeLine(line.uppercase())
 *         }
 *     }
 * }
 * server.start()
 * ```
 *
 * @throws IllegalArgumentException naming the setting, if one is out of range.
 */
public fun telnetServer(configure: TelnetServerBuilder.() -> Unit): TelnetServer =
    TelnetServerBuilder().apply(configure).build()
