package dev.telnetkit.server

import dev.telnetkit.session.SessionObserver
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler

import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import dev.telnetkit.terminal.History
import java.time.Duration
import java.util.concurrent.Executor

/**
 * Everything a [TelnetServer] needs to know, with defaults that are safe on a network.
 *
 * @property host the address to bind; loopback by default because Telnet is clear text.
 * @property port the TCP port; 0 picks a free one (read it back from [TelnetServer.port]).
 * @property connectMaxWait how long to wait for the client's negotiation answers before starting
 *   the session anyway (a client that answers nothing, such as netcat, gets its prompt after it).
 *   The wait re-arms on every negotiation received (never on plain data), up to five times this in all.
 * @property idleTimeout a session with no input for this long is told and closed; zero turns it off.
 * @property idleNotice the line shown before an idle session is closed.
 * @property shutdownNotice the line shown to every session when the server stops.
 * @property outputBufferLimit bytes of output queued per session before a client that does not
 *   read is cut off (messages) or a writer waits (suspending writes).
 * @property outputStallTimeout how long a suspending writer waits for a client that reads nothing
 *   before the client is cut off.
 * @property maxLineLength the longest input line accepted; typing beyond it rings the bell.
 * @property areYouThereAnswer the line written when the client sends `IAC AYT`.
 * @property historySize the most lines kept in each session's history.
 * @property maxSessions sessions running at once; a connection over it is told [busyMessage] and
 *   closed (at once when the limit is already reached, otherwise when its negotiation ends).
 * @property maxSessionsPerAddress sessions running at once from one remote address; over it, the same.
 * @property busyMessage the line a connection over a session limit is shown before it is closed.
 * @property maxStartups connections still opening (TLS handshake, Telnet negotiation) at once, all
 *   addresses together. They are counted apart from sessions, as OpenSSH's `MaxStartups` is: churn
 *   and clients that never finish negotiating use up these slots, never [maxSessions]. At the limit
 *   the listener stops accepting for a moment and further connections wait in the operating
 *   system's backlog (a reconnect storm is served at the pace the server can take, not refused);
 *   transports that accept on their own refuse them with [busyMessage]. A connection whose client
 *   has gone gives its slot back as soon as that is seen, and one that closed before it was
 *   accepted never takes one.
 * @property maxStartupsPerAddress connections still opening at once from one remote address (as
 *   OpenSSH's `PerSourceMaxStartups`); over it, a connection waits up to a second for a slot (churn
 *   from that address frees them fast), then is shown [busyMessage] and closed. By default the
 *   same as [maxSessionsPerAddress], so raising that one for many clients behind one address
 *   raises both.
 * @property escapeTimeout how long a lone ESC waits for the rest of an escape sequence before it
 *   counts as the Escape key.
 * @property protocol charsets offered and protocol limits.
 * @property eventLoops threads that run the sockets and the sessions' coroutines; each session
 *   lives on one of them. One per processor by default. Handlers must not block these threads:
 *   blocking work belongs in `CommandHandler.blocking` (Java handlers are run that way), which
 *   runs it on [blockingExecutor]. Transports with threads of their own use this as their count.
 * @property transport how clients reach the sessions: [Transport.nio] (the default), or another
 *   (`KtorTransport` from `telnet-ktor`, `InMemoryTransport` from the testkit).
 * @property blockingExecutor where blocking code runs: Java handlers, `CommandHandler.blocking`,
 *   `SessionHandler.blocking`, blocking hooks and authenticators, and blocking completers, prompts
 *   and error formatters. Each blocked session holds one of its threads for as long as it blocks,
 *   so it should not be bounded below the number of sessions that may block at once: a session
 *   that finds no thread waits for one, and so does its Ctrl-C. Null (the default): the server
 *   makes one when it starts and shuts it down when it stops; it has a virtual thread per task on
 *   Java 21 and later (there, code that blocks while holding a monitor pins its carrier thread up to
 *   Java 23: supply a platform-thread executor if yours does), and otherwise a cached pool of
 *   daemon threads named `telnetkit-blocking-N` that grows as needed and lets idle threads go. An
 *   executor given here is used as it is and never shut down by the server.
 * @property tls null (the default) for plain Telnet; otherwise the port speaks TLS as these settings
 *   say: TLS only, or TLS and plain Telnet side by side ([TlsMode.AUTO_DETECT]). Served by the NIO
 *   transport ([Transport.nio]); with another, [TelnetServer.start] fails. The files it names are
 *   read, and checked, when the server starts. Sessions over TLS report the transport `tls`.
 * @property endpoints more places to listen, beside [port]: SSH (`SshSettings` from `telnet-ssh`),
 *   or another transport on another port ([ServerEndpoint.of]). The same handler, limits and
 *   messages serve them all; [maxSessions] and [maxSessionsPerAddress] count them together.
 * @property telnetOptions the application's Telnet options: each factory makes one option's
 *   handler for every Telnet session (not for SSH or other plain-terminal transports). The core
 *   negotiates them; see [TelnetOptionHandler]. No two may handle the same option, and none an
 *   option the core speaks itself.
 * @property observers hear every session's start and end, its commands, failed logins, option
 *   outcomes and cut-offs (metrics, audit, recording); see [SessionObserver].
 */
public class ServerSettings @JvmOverloads constructor(
    public val host: String = "127.0.0.1",
    public val port: Int = 2323,
    public val connectMaxWait: Duration = Duration.ofSeconds(1),
    public val idleTimeout: Duration = Duration.ofMinutes(5),
    public val idleNotice: String = "Idle timeout: closing the connection.",
    public val shutdownNotice: String = "The server is shutting down.",
    public val outputBufferLimit: Int = 1 shl 20,
    public val outputStallTimeout: Duration = Duration.ofSeconds(60),
    public val maxLineLength: Int = 4096,
    public val areYouThereAnswer: String = "[Yes]",
    public val protocol: ProtocolSettings = ProtocolSettings(),
    public val historySize: Int = History.DEFAULT_MAX_SIZE,
    public val escapeTimeout: Duration = Duration.ofMillis(150),
    public val maxSessions: Int = 10_000,
    public val maxSessionsPerAddress: Int = 100,
    public val busyMessage: String = "Server busy, try later.",
    public val eventLoops: Int = Runtime.getRuntime().availableProcessors(),
    public val transport: Transport = Transport.nio(),
    public val blockingExecutor: Executor? = null,
    public val tls: TlsSettings? = null,
    public val endpoints: List<ServerEndpoint> = emptyList(),
    public val maxStartups: Int = 1_000,
    public val maxStartupsPerAddress: Int = maxSessionsPerAddress,
    public val telnetOptions: List<TelnetOptionFactory> = emptyList(),
    public val observers: List<SessionObserver> = emptyList(),
) {
    init {
        require(host.isNotBlank()) { "host must not be blank" }
        require(port in 0..65535) { "port must be in 0..65535, was $port" }
        require(!connectMaxWait.isNegative && connectMaxWait <= Duration.ofMinutes(1)) { "connectMaxWait must be in 0..60 s, was $connectMaxWait" }
        require(!idleTimeout.isNegative) { "idleTimeout must not be negative, was $idleTimeout" }
        require(outputBufferLimit >= 1024) { "outputBufferLimit must be at least 1024 bytes, was $outputBufferLimit" }
        require(!outputStallTimeout.isNegative && !outputStallTimeout.isZero) { "outputStallTimeout must be positive, was $outputStallTimeout" }
        require(maxLineLength in 1..(1 shl 20)) { "maxLineLength must be in 1..1048576, was $maxLineLength" }
        require(maxSessions >= 1) { "maxSessions must be at least 1, was $maxSessions" }
        require(maxSessionsPerAddress >= 1) { "maxSessionsPerAddress must be at least 1, was $maxSessionsPerAddress" }
        require(maxStartups >= 1) { "maxStartups must be at least 1, was $maxStartups" }
        require(maxStartupsPerAddress >= 1) { "maxStartupsPerAddress must be at least 1, was $maxStartupsPerAddress" }
        require(historySize in 0..100_000) { "historySize must be in 0..100000, was $historySize" }
        require(!escapeTimeout.isNegative && escapeTimeout <= Duration.ofSeconds(5)) { "escapeTimeout must be in 0..5 s, was $escapeTimeout" }
        require(eventLoops in 1..256) { "eventLoops must be in 1..256, was $eventLoops" }
        val bound = (listOf(host to port) + endpoints.map { (it.host ?: host) to it.port }).filter { it.second != 0 }
        val twice = bound.groupBy { it }.filter { it.value.size > 1 }.keys
        require(twice.isEmpty()) { "two endpoints on one address: ${twice.joinToString { "${it.first}:${it.second}" }}" }
    }

    /** A copy with the given [transport], the rest unchanged. */
    public fun withTransport(transport: Transport): ServerSettings = ServerSettings(
        host, port, connectMaxWait, idleTimeout, idleNotice, shutdownNotice, outputBufferLimit,
        outputStallTimeout, maxLineLength, areYouThereAnswer, protocol, historySize, escapeTimeout,
        maxSessions, maxSessionsPerAddress, busyMessage, eventLoops, transport, blockingExecutor, tls, endpoints,
        maxStartups, maxStartupsPerAddress, telnetOptions, observers,
    )

    /** A copy with the given [port], the rest unchanged. */
    public fun withPort(port: Int): ServerSettings = ServerSettings(
        host, port, connectMaxWait, idleTimeout, idleNotice, shutdownNotice, outputBufferLimit,
        outputStallTimeout, maxLineLength, areYouThereAnswer, protocol, historySize, escapeTimeout,
        maxSessions, maxSessionsPerAddress, busyMessage, eventLoops, transport, blockingExecutor, tls, endpoints,
        maxStartups, maxStartupsPerAddress, telnetOptions, observers,
    )
}
