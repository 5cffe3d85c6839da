package dev.telnetkit.wire

import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.TerminalLink

/**
 * A wire discipline: what turns one connection's bytes into a session's input and terminal facts,
 * and the session's text into bytes. [TelnetWire] speaks Telnet; [PlainTerminalWire] carries plain
 * terminal text whose facts the transport hands in (SSH, a WebSocket, memory). Used on the
 * connection's dispatcher thread, except the [TerminalLink] side, which the session calls from any.
 */
internal interface Wire : TerminalLink {
    /** Starts the conversation (Telnet sends its opening requests). */
    fun open()

    /**
     * Decodes [length] bytes at [offset]: applies terminal facts and answers at once, and adds what
     * was typed to [inputs], in order.
     */
    fun receive(bytes: ByteArray, offset: Int, length: Int, inputs: MutableList<SessionInput>)

    /** The client closed its input. */
    fun inputEnded()

    /** Suspends until the terminal is ready for the handler (Telnet: the opening negotiation is done or given up). */
    suspend fun awaitReady()

    /** The session is over: release what the wire holds (option handlers, compression). */
    fun closed() {}
}
