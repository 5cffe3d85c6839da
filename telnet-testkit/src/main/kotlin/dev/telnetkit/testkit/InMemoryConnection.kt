package dev.telnetkit.testkit

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import java.util.concurrent.ConcurrentLinkedQueue
import kotlin.coroutines.EmptyCoroutineContext

/**
 * The server's end of an in-memory connection: bytes the client sends are queued and handed to the
 * session on its own one-at-a-time dispatcher (with the same back-pressure as a socket: while
 * reading is off, they wait), and the session's output is drained to the client as it is offered.
 */
@OptIn(EngineApi::class)
internal class InMemoryConnection(
    override val terminal: PlainTerminal,
    override val remoteAddress: String,
    override val remoteHost: String,
) : Connection {
    @OptIn(kotlinx.coroutines.ExperimentalCoroutinesApi::class)
    override val dispatcher: CoroutineDispatcher = Dispatchers.Default.limitedParallelism(1)
    @Volatile override var isClosed: Boolean = false
        private set

    /** Where the session's output goes: set by the client. */
    @Volatile var onOutput: (ByteArray) -> Unit = {}
    /** Told when the server ends the output (or closes). */
    @Volatile var onOutputEnded: () -> Unit = {}

    private val incoming = ConcurrentLinkedQueue<ByteArray>()
    @Volatile private var inputEnded = false
    // Dispatcher only.
    private var reader: ConnectionReader? = null
    private var reading = false
    private var endDelivered = false
    private var output: OutputQueue? = null
    private val deliverTask = Runnable { deliver() }
    private val drainTask = Runnable { drain() }

    override suspend fun open() {}

    override fun startReading(reader: ConnectionReader) {
        this.reader = reader
        setReading(true)
    }

    override fun setReading(on: Boolean) {
        reading = on
        if (on) deliver()
    }

    /** From the client, any thread. */
    fun clientSent(bytes: ByteArray) {
        if (isClosed || inputEnded) return
        incoming.add(bytes)
        dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
    }

    /** From the client, any thread: no more input. */
    fun clientEndedInput() {
        inputEnded = true
        dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
    }

    // Dispatcher only: a chunk the session paused in the middle of, and how far it got.
    private var partial: ByteArray? = null
    private var partialOffset = 0

    private fun deliver() {
        val reader = reader ?: return
        while (reading) {
            val bytes = partial ?: incoming.poll()
            if (bytes == null) {
                if (inputEnded && !endDelivered) {
                    endDelivered = true
                    reader.onEnd()
                }
                return
            }
            var offset = if (bytes === partial) partialOffset else 0
            partial = null
            while (offset < bytes.size) {
                val n = minOf(reader.maxChunk, bytes.size - offset)
                reader.onData(bytes, offset, n)
                offset += n
                if (!reading && offset < bytes.size) {
                    // Paused mid-chunk (back-pressure): the rest goes first once reading is on again.
                    partial = bytes
                    partialOffset = offset
                    return
                }
            }
        }
    }

    override fun attachOutput(output: OutputQueue) {
        this.output = output
        output.attach { dispatcher.dispatch(EmptyCoroutineContext, drainTask) }
    }

    private fun drain() {
        val output = output ?: return
        while (true) {
            val batch = output.takeBatch() ?: return
            var total = 0L
            for (buffer in batch) {
                val bytes = ByteArray(buffer.remaining())
                buffer.get(bytes)
                total += bytes.size
                if (!isClosed) onOutput(bytes)
            }
            output.written(total)
        }
    }

    override suspend fun shutdownOutput() {
        onOutputEnded()
    }

    override fun close() {
        if (isClosed) return
        isClosed = true
        onOutputEnded()
    }
}
