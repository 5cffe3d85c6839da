package dev.telnetkit.bench

import java.nio.ByteBuffer
import java.nio.channels.SelectionKey
import java.nio.channels.SocketChannel

/** Where a session of the load driver stands. */
enum class SessionState {
    /** TCP connect under way. */
    CONNECTING,

    /** Connected, negotiating, waiting for the first prompt. */
    WAIT_PROMPT,

    /** At the prompt, nothing outstanding. */
    IDLE,

    /** An echo request is outstanding: waiting for the payload line and then the prompt. */
    ECHO,

    /** Some other command is outstanding: waiting for the prompt. */
    COMMAND,

    /** Closed, by either side or after a failure. */
    CLOSED,
}

/**
 * One client connection of the [LoadDriver]: its channel, TLS state if any, Telnet filter and
 * text matcher, what it waits for and until when, and output the socket has not taken yet.
 */
class BenchSession(
    /** The channel, non-blocking. */
    val channel: SocketChannel,
    targets: MatchTargets,
    listener: MatchListener,
) {
    /** Watches the session's plain text. */
    val matcher: TextMatcher = TextMatcher(targets, listener).also { it.session = this }

    /** Strips and answers Telnet. */
    val filter: TelnetClientFilter = TelnetClientFilter(matcher)

    /** The selection key, once registered. */
    var key: SelectionKey? = null

    /** Where the session stands. */
    var state: SessionState = SessionState.CONNECTING

    /** When the current wait began (connect start or request sent), System.nanoTime. */
    var startedAt: Long = 0

    /** When the current wait gives up, System.nanoTime. */
    var deadline: Long = 0

    /** TLS state when the session speaks TLS, else null. */
    var tls: TlsLink? = null

    /** Output not yet taken by the socket (ciphertext under TLS), or null. */
    var pending: ByteBuffer? = null

    /** Set while reading when the next request should go out once the read is handled. */
    var sendNext: Boolean = false

    /** The echo request line, `echo <payload>\r\n`, rewritten in place for each request. */
    var request: ByteArray? = null

    /** [request] wrapped once, rewound for each send. */
    var requestBuffer: ByteBuffer? = null

    /** The payload part of [request] as its own array, for the matcher. */
    var payload: ByteArray? = null

    /** Requests sent so far. */
    var requests: Long = 0

    /** The current broadcast marker has arrived. */
    var markerSeen: Boolean = false
}
