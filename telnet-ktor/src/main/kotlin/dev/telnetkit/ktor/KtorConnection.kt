package dev.telnetkit.ktor

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.wire.PlainTerminal
import io.ktor.network.selector.Selectable
import io.ktor.network.sockets.InetSocketAddress
import io.ktor.network.sockets.Socket
import io.ktor.network.sockets.openReadChannel
import io.ktor.network.sockets.openWriteChannel
import io.ktor.utils.io.readAvailable
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch

/**
 * One ktor socket as a TelnetKit [Connection]. A reading coroutine waits for content and hands it
 * to the session on [dispatcher] (the session's own thread at that moment, so no lock is needed);
 * a writing coroutine drains the session's output queue into the write channel and flushes once
 * per batch. While reading is off (back-pressure) the reader waits and ktor stops reading the
 * socket once its channel buffer is full, so TCP slows the client.
 */
@OptIn(EngineApi::class)
internal class KtorConnection(
    private val socket: Socket,
    override val dispatcher: CoroutineDispatcher,
    private val scope: CoroutineScope,
    parent: Job,
) : Connection {
    private val job = Job(parent)
    private val input = socket.openReadChannel()
    private val output = socket.openWriteChannel(autoFlush = false)

    override val remoteHost: String
    override val remoteAddress: String

    init {
        val address = socket.remoteAddress as? InetSocketAddress
        val host = address?.resolveAddress()?.let { java.net.InetAddress.getByAddress(it).hostAddress } ?: address?.hostname ?: "unknown"
        remoteHost = host
        remoteAddress = when {
            address == null -> host
            host.contains(':') -> "[$host]:${address.port}"
            else -> "$host:${address.port}"
        }
    }

    override val terminal: PlainTerminal? get() = null
    @Volatile override var isClosed: Boolean = false
        private set

    // Dispatcher only.
    private var reader: ConnectionReader? = null
    private var reading = false
    private val readingOn = Channel<Unit>(Channel.CONFLATED)
    private val wake = Channel<Unit>(Channel.CONFLATED)
    @Volatile private var finishing = false
    private var writer: Job? = null
    // True once the output ended gracefully: then close lets ktor write what it still holds.
    @Volatile private var outputFinished = false

    override suspend fun open() {}

    override fun startReading(reader: ConnectionReader) {
        this.reader = reader
        reading = true
        scope.launch(job + dispatcher + CoroutineName("ktor-read"), start = CoroutineStart.UNDISPATCHED) { readLoop(reader) }
    }

    private suspend fun readLoop(reader: ConnectionReader) {
        try {
            while (true) {
                while (!reading) readingOn.receive()
                if (!input.awaitContent()) {
                    input.closedCause?.let { throw it }
                    reader.onEnd()
                    return
                }
                if (!reading) continue
                // Content is there: this read does not suspend, so the thread's buffer is ours
                // until the reader has consumed it (an idle connection holds no read buffer).
                val buffer = READ_BUFFER.get()
                val n = input.readAvailable(buffer, 0, minOf(buffer.size, reader.maxChunk))
                if (n < 0) {
                    reader.onEnd()
                    return
                }
                if (n > 0) reader.onData(buffer, 0, n)
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            if (!isClosed) reader.onFailure(e)
        }
    }

    override fun setReading(on: Boolean) {
        reading = on
        if (on) readingOn.trySend(Unit)
    }

    override fun attachOutput(output: OutputQueue) {
        writer = scope.launch(job + dispatcher + CoroutineName("ktor-write")) { writeLoop(output) }
        output.attach { wake.trySend(Unit) }
    }

    private suspend fun writeLoop(queue: OutputQueue) {
        try {
            while (true) {
                wake.receive()
                while (true) {
                    val batch = queue.takeBatch() ?: break
                    var total = 0L
                    for (buffer in batch) {
                        val length = buffer.remaining()
                        output.writeFully(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.arrayOffset() + buffer.limit())
                        total += length
                    }
                    output.flush()
                    queue.written(total)
                }
                if (finishing) {
                    output.flushAndClose()
                    return
                }
            }
        } catch (e: CancellationException) {
            throw e
        } catch (e: Throwable) {
            // The client is gone (a reset): the session ends now, not when a command happens to finish.
            queue.writeFailed()
            if (!isClosed) reader?.onFailure(e)
            close()
        }
    }

    override suspend fun shutdownOutput() {
        finishing = true
        wake.trySend(Unit)
        // The writer drains the queue, then flushes and closes the write channel.
        writer?.join()
        outputFinished = true
    }

    override fun close() {
        if (isClosed) return
        isClosed = true
        input.cancel(null)
        if (outputFinished) {
            // After a graceful end of output: ktor writes what it still holds, then closes.
            runCatching { socket.close() }
        } else {
            // At once, even with output unsent: cancelling the write channel ends ktor's socket
            // writer, and since ktor releases the descriptor only once that writer has ended (which
            // a client that reads nothing can put off indefinitely), the channel under it is closed
            // too, so the client sees the end now.
            output.cancel(null)
            runCatching { socket.close() }
            runCatching { (socket as? Selectable)?.channel?.close() }
        }
        job.cancel()
    }

    private companion object {
        /** Scratch space for reads, per thread: used only between a read and the reader's return. */
        val READ_BUFFER: ThreadLocal<ByteArray> = ThreadLocal.withInitial { ByteArray(64 * 1024) }
    }
}
