package dev.telnetkit.transport.nio

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.CoroutineDispatcher
import java.io.IOException
import java.nio.ByteBuffer

/**
 * A connection on TelnetKit's own event loop: reads are driven by the loop's selector straight into
 * the [ConnectionReader] (no coroutine waits for input, and an idle connection holds no read
 * buffer: it reads into the loop's shared one); the output queue is flushed on the loop, and a
 * flush the socket cannot take at once continues when the selector says it is writable.
 */
@OptIn(EngineApi::class)
internal class NioConnection(
    private val socket: LoopSocket,
    override val remoteAddress: String,
    override val remoteHost: String,
) : Connection, Runnable, (Throwable) -> Unit {
    // This object is also the loop socket's read handler (run) and failure handler (invoke): a
    // connection held by an idle session is that much smaller than one with a lambda for each.
    override val dispatcher: CoroutineDispatcher get() = socket.loop
    override val terminal: PlainTerminal? get() = null
    override val isClosed: Boolean get() = socket.isClosed

    private var reader: ConnectionReader? = null
    private var reading = false
    private var output: OutputQueue? = null
    // Loop thread only: a batch the socket has taken part of.
    private var pending: Array<ByteBuffer>? = null
    private val flushTask = Runnable { flush() }

    /**
     * Bytes read from the socket before this connection took it over (TLS auto-detection reads a
     * plain client's first bytes): handed to the reader before anything else. Set before [startReading].
     */
    var prefix: ByteArray? = null

    override suspend fun open() {
        if (!socket.isRegistered) socket.register()
    }

    override fun startReading(reader: ConnectionReader) {
        this.reader = reader
        socket.onFailure = this
        socket.onReadable(this)
        setReading(true)
    }

    /** The loop socket is readable. */
    override fun run() {
        onReadable()
    }

    /** The loop socket failed. */
    override fun invoke(error: Throwable) {
        reader?.onFailure(error)
    }

    override fun setReading(on: Boolean) {
        reading = on
        // The prefix first, after startReading has returned, as any input would come; the socket after it.
        if (on && prefix != null) socket.loop.dispatchTask { deliverPrefix() } else socket.wantRead(on)
    }

    /** On the loop: hands the [prefix] to the reader, then reads the socket; stops where reading is turned off. */
    private fun deliverPrefix() {
        val reader = reader ?: return
        val first = prefix ?: return
        prefix = null
        var at = 0
        while (at < first.size && reading && !socket.isClosed) {
            val n = minOf(reader.maxChunk, first.size - at)
            reader.onData(first, at, n)
            at += n
        }
        if (at < first.size) {
            prefix = first.copyOfRange(at, first.size) // back-pressure: the rest waits for setReading(true)
        } else if (reading) {
            socket.wantRead(true)
        }
    }

    /** On the loop: reads what has arrived, a chunk at a time, while reading is wanted. */
    private fun onReadable() {
        val reader = reader ?: return
        try {
            while (reading) {
                val chunk = reader.maxChunk
                val n = socket.readNow(chunk)
                if (n == 0) return
                if (n < 0) {
                    reading = false
                    socket.wantRead(false)
                    reader.onEnd()
                    return
                }
                val buffer = socket.loop.readBuffer
                reader.onData(buffer.array(), buffer.arrayOffset() + buffer.position(), n)
                // A read that did not fill the buffer emptied the socket: the selector says when more comes.
                if (n < chunk) return
            }
        } catch (e: IOException) {
            reading = false
            socket.wantRead(false)
            reader.onFailure(e)
        }
    }

    override fun attachOutput(output: OutputQueue) {
        this.output = output
        output.attach { socket.loop.dispatchTask(flushTask) }
    }

    /**
     * On the loop: writes until the queue is empty or the socket is full. Queued chunks are copied
     * into the loop's write buffer and written from there, with no batch built per write; a chunk
     * too large for it goes as a batch ([OutputQueue.takeBatch]).
     */
    private fun flush() {
        val output = output ?: return
        try {
            while (true) {
                val batch = pending
                if (batch != null) {
                    output.written(socket.writeAvailable(batch))
                    if (batch[batch.size - 1].hasRemaining()) {
                        socket.whenWritable(flushTask)
                        return
                    }
                    pending = null
                    continue
                }
                val buffer = socket.loop.writeBuffer
                buffer.clear()
                val moved = output.takeInto(buffer)
                if (moved < 0) return
                if (moved == 0) {
                    pending = output.takeBatch() ?: return
                    continue
                }
                buffer.flip()
                output.written(socket.writeAvailable(buffer).toLong())
                if (buffer.hasRemaining()) {
                    // The socket is full: the rest waits in an array of its own (the loop's buffer serves every connection).
                    val rest = ByteArray(buffer.remaining())
                    buffer.get(rest)
                    pending = arrayOf(ByteBuffer.wrap(rest))
                    socket.whenWritable(flushTask)
                    return
                }
            }
        } catch (e: IOException) {
            pending = null
            output.writeFailed()
            if (!socket.isClosed) reader?.onFailure(IOException("write failed: ${e.message}", e))
        }
    }

    override suspend fun shutdownOutput() {
        socket.shutdownOutput()
    }

    override fun close() {
        socket.close()
    }
}
