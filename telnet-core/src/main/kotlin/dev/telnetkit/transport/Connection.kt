package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.CoroutineDispatcher
import java.security.cert.X509Certificate

/**
 * One accepted connection, as a [Transport] hands it to the server: a stream of bytes in each
 * direction, with back-pressure, and where the session's coroutines run.
 *
 * The server calls [open], then [startReading] and [attachOutput], all on [dispatcher]; [setReading]
 * is called on [dispatcher] too. [close] may be called from any thread, at any time, more than once.
 */
@EngineApi
public interface Connection {
    /** The client's address and port, such as `127.0.0.1:53412` or `[::1]:53412`. */
    public val remoteAddress: String

    /** The client's address without the port: what per-address limits count. */
    public val remoteHost: String

    /** Where the session's coroutines run and where [ConnectionReader] is called. */
    public val dispatcher: CoroutineDispatcher

    /**
     * Null for a Telnet byte stream (the server negotiates options over it); otherwise the
     * connection carries plain terminal text (SSH, a WebSocket) and this says what the transport
     * learned of the terminal, and passes on its resizes and interrupts.
     */
    public val terminal: PlainTerminal?

    /** True once closed, by either side. */
    public val isClosed: Boolean

    /**
     * The name the session reports as its transport, once [open] has returned, when it is not the
     * transport's own name: `tls` for a TLS connection of the NIO transport. Null (the default):
     * the transport's name.
     */
    public val transportName: String? get() = null

    /**
     * The client's certificate chain, leaf first, once [open] has returned: what a TLS handshake
     * with client certificates verified. Empty (the default) when the client sent none.
     */
    public val peerCertificates: List<X509Certificate> get() = emptyList()

    /**
     * Makes the connection ready (registers its socket, runs a TLS handshake) before the session
     * starts. It throws when the client cannot be served (an `IOException` whose message is written
     * for a log line: a failed TLS handshake, say); the server then logs the message and closes the
     * connection, and no session starts.
     */
    public suspend fun open()

    /** Starts calling [reader] as input arrives; reading is on until [setReading] turns it off. */
    public fun startReading(reader: ConnectionReader)

    /** Turns reading on or off (back-pressure: while off, the transport reads nothing and TCP slows the client). */
    public fun setReading(on: Boolean)

    /** Starts writing what is offered to [output], in order, as the client takes it. */
    public fun attachOutput(output: OutputQueue)

    /**
     * Ends the output side gracefully (a TCP FIN, a TLS close_notify) after everything written so
     * far; returns once the transport has taken all of it. The caller bounds the wait.
     */
    public suspend fun shutdownOutput()

    /** Closes at once: no more reading or writing. Idempotent; any thread. */
    public fun close()
}
