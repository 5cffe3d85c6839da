package dev.telnetkit.web

import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.transport.MessageOutput
import dev.telnetkit.transport.MessageSender
import dev.telnetkit.transport.SendCompletion
import dev.telnetkit.wire.PlainTerminal
import io.github.oshai.kotlinlogging.KotlinLogging
import io.ktor.websocket.CloseReason
import io.ktor.websocket.DefaultWebSocketSession
import io.ktor.websocket.Frame
import io.ktor.websocket.close
import io.ktor.websocket.readText
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.atomic.AtomicBoolean
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.time.Duration.Companion.seconds

private val logger = KotlinLogging.logger {}

/**
 * One browser's WebSocket as a TelnetKit [Connection] with a [PlainTerminal]: binary frames from
 * the page are typed bytes, text frames are JSON control messages ([ControlMessage]), and the
 * session's output goes back as binary frames.
 *
 * A reading coroutine on [dispatcher] takes one frame at a time from Ktor and hands its bytes to
 * the session; while reading is off (back-pressure) it takes no frame, so Ktor's small incoming
 * buffer fills and it stops reading the socket: TCP slows the client. The output goes out one
 * frame at a time, each sent when Ktor took the previous one; a browser that reads nothing stops
 * the sends, and the session's output limits cut it off as over Telnet.
 */
internal class WebSocketConnection(
    private val socket: DefaultWebSocketSession,
    override val dispatcher: CoroutineDispatcher,
    override val terminal: PlainTerminal,
    override val remoteAddress: String,
    override val remoteHost: String,
) : Connection {
    private val closed = AtomicBoolean()
    private val ended = CompletableDeferred<Unit>()

    override val isClosed: Boolean get() = closed.get()

    /** Suspends the WebSocket's handler until the connection has ended, then closes the socket. */
    suspend fun serve() {
        try {
            ended.await()
        } finally {
            closed.set(true)
            withContext(NonCancellable) {
                withTimeoutOrNull(CLOSE_WAIT) {
                    runCatching { socket.close(CloseReason(CloseReason.Codes.NORMAL, "")) }
                }
            }
        }
    }

    override suspend fun open() {}

    // ---- input: on the dispatcher ----

    private var reader: ConnectionReader? = null
    private var reading = false
    private val readingOn = Channel<Unit>(Channel.CONFLATED)

    override fun startReading(reader: ConnectionReader) {
        this.reader = reader
        reading = true
        socket.launch(dispatcher, start = CoroutineStart.UNDISPATCHED) { readLoop(reader) }
    }

    override fun setReading(on: Boolean) {
        reading = on
        if (on) readingOn.trySend(Unit)
    }

    private suspend fun readLoop(reader: ConnectionReader) {
        var failure: Throwable? = null
        try {
            while (!closed.get()) {
                awaitReading()
                val frame = socket.incoming.receiveCatching().getOrNull() ?: break
                when (frame) {
                    is Frame.Binary -> deliver(reader, frame.data)
                    is Frame.Text -> control(frame.readText())
                    else -> {}
                }
            }
        } catch (e: CancellationException) {
            // The socket's scope ended (the server stops, the socket broke): the input ends.
        } catch (e: Exception) {
            failure = e
        } finally {
            closed.set(true)
            if (failure != null) reader.onFailure(failure) else reader.onEnd()
            ended.complete(Unit)
        }
    }

    private suspend fun awaitReading() {
        // close() wakes this too: a connection closed while reading was off ends its loop.
        while (!reading && !closed.get()) readingOn.receive()
    }

    private suspend fun deliver(reader: ConnectionReader, bytes: ByteArray) {
        var offset = 0
        while (offset < bytes.size) {
            awaitReading()
            if (closed.get()) return
            val n = minOf(reader.maxChunk, bytes.size - offset)
            reader.onData(bytes, offset, n)
            offset += n
        }
    }

    private fun control(text: String) {
        when (val message = ControlMessage.parse(text)) {
            is ControlMessage.Resize -> terminal.resize(TerminalSize(message.cols, message.rows))
            null -> logger.debug { "web: ignored a control message from $remoteAddress (${text.length} chars)" }
        }
    }

    // ---- output: one frame at a time, on the dispatcher ----

    private val messages = MessageOutput(dispatcher, object : MessageSender {
        override val isClosed: Boolean get() = closed.get()

        override fun send(bytes: ByteArray, done: SendCompletion) {
            socket.launch(dispatcher, start = CoroutineStart.UNDISPATCHED) {
                val sent = try {
                    socket.send(Frame.Binary(true, bytes))
                    true
                } catch (e: CancellationException) {
                    false
                } catch (e: Exception) {
                    logger.debug { "web: write to $remoteAddress failed: ${e.message}" }
                    false
                }
                done.done(sent)
            }
        }

        override fun failed() = close()
    })

    override fun attachOutput(output: OutputQueue) = messages.attach(output)

    // ---- the end ----

    override suspend fun shutdownOutput() {
        messages.awaitIdle()
        socket.flush()
        close()
    }

    override fun close() {
        closed.set(true)
        ended.complete(Unit)
        readingOn.trySend(Unit)
    }

    private companion object {
        val CLOSE_WAIT = 2.seconds
    }
}
