package dev.telnetkit.server

import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.suspendCancellableCoroutine
import java.io.IOException
import java.nio.ByteBuffer
import java.nio.channels.ClosedChannelException
import java.nio.channels.SelectionKey
import java.nio.channels.SocketChannel
import kotlin.coroutines.resume
import kotlin.coroutines.resumeWithException

/**
 * A non-blocking TCP connection served by one [EventLoop]: reads and writes are plain non-blocking
 * calls on the loop's thread, and a coroutine that finds nothing to read (or no room to write)
 * suspends until the loop's selector says otherwise. One reader and one writer at a time.
 */
internal class LoopSocket(private val channel: SocketChannel, val loop: EventLoop) : IoReadiness {
    private var key: SelectionKey? = null
    private var readWaiter: CancellableContinuation<Unit>? = null
    private var writeWaiter: CancellableContinuation<Unit>? = null
    private var writeTask: Runnable? = null
    // Loop thread only: called whenever the socket is readable while read interest is on.
    private var readHandler: Runnable? = null
    @Volatile var isClosed: Boolean = false
        private set

    /** Registers with the loop's selector; call on the loop's thread before any wait. */
    fun register() {
        key = loop.register(channel, 0, this)
    }

    /**
     * Reads what has arrived, at most [max] bytes, into the loop's [EventLoop.readBuffer] (flipped for reading): -1 at end
     * of input; suspends while nothing has. Call on the loop's thread and consume the buffer before
     * the next suspension.
     */
    suspend fun read(max: Int): Int {
        val buffer = loop.readBuffer
        // A read that did not fill its buffer emptied the socket: wait for the selector rather than
        // ask the kernel again only to hear that nothing is there (a system call per request saved).
        if (drained) awaitReady(SelectionKey.OP_READ)
        while (true) {
            buffer.clear()
            if (max < buffer.capacity()) buffer.limit(max)
            val n = channel.read(buffer)
            if (n != 0) {
                drained = n in 0 until buffer.limit()
                buffer.flip()
                return n
            }
            awaitReady(SelectionKey.OP_READ)
        }
    }

    private var drained = false

    /** Writes all of [buffers], suspending while the client's window is full. */
    suspend fun write(buffers: Array<ByteBuffer>) {
        var last = buffers.size - 1
        while (last >= 0 && !buffers[last].hasRemaining()) last--
        if (last < 0) return
        while (true) {
            channel.write(buffers)
            if (!buffers[last].hasRemaining()) return
            awaitReady(SelectionKey.OP_WRITE)
        }
    }

    /**
     * Reads driven by the selector instead of a waiting coroutine: [handler] runs on the loop each
     * time the socket is readable while [wantRead] is on. Call on the loop's thread.
     */
    fun onReadable(handler: Runnable) {
        readHandler = handler
    }

    /** Turns read interest on or off; call on the loop's thread. */
    fun wantRead(on: Boolean) {
        val key = key ?: return
        if (!key.isValid) return
        val ops = key.interestOps()
        val wanted = if (on) ops or SelectionKey.OP_READ else ops and SelectionKey.OP_READ.inv()
        if (wanted != ops) key.interestOps(wanted)
    }

    /**
     * Reads what has arrived now, at most [max] bytes, into the loop's [EventLoop.readBuffer]
     * (flipped): 0 when nothing has, -1 at end of input. Call on the loop's thread.
     */
    fun readNow(max: Int): Int {
        val buffer = loop.readBuffer
        buffer.clear()
        if (max < buffer.capacity()) buffer.limit(max)
        val n = channel.read(buffer)
        buffer.flip()
        return n
    }

    /** Writes what the socket takes of [buffers] now, without waiting; the bytes written. */
    fun writeAvailable(buffers: Array<ByteBuffer>): Long = channel.write(buffers)

    /** Runs [task] on the loop once the socket can take more; call on the loop's thread. */
    fun whenWritable(task: Runnable) {
        val key = key
        if (key == null || !key.isValid) {
            loop.dispatchTask(task) // it will find the socket closed
            return
        }
        writeTask = task
        key.interestOpsOr(SelectionKey.OP_WRITE)
    }

    private suspend fun awaitReady(op: Int) {
        val key = key ?: throw ClosedChannelException()
        if (!key.isValid) throw ClosedChannelException()
        suspendCancellableCoroutine { continuation ->
            if (op == SelectionKey.OP_READ) readWaiter = continuation else writeWaiter = continuation
            if (key.interestOps() and op == 0) key.interestOpsOr(op)
            continuation.invokeOnCancellation {
                // Cancellation may come from any thread; the loop forgets the waiter on its own.
                loop.execute { forget(op, continuation) }
            }
        }
    }

    private fun forget(op: Int, continuation: CancellableContinuation<Unit>) {
        if (op == SelectionKey.OP_READ && readWaiter === continuation) readWaiter = null
        if (op == SelectionKey.OP_WRITE && writeWaiter === continuation) writeWaiter = null
        key?.takeIf { it.isValid }?.let { runCatching { it.interestOpsAnd(op.inv()) } }
    }

    override fun onReady(readyOps: Int) {
        if (readyOps < 0) {
            failWaiters(ClosedChannelException())
            return
        }
        val key = key ?: return
        val readable = readyOps and (SelectionKey.OP_READ or SelectionKey.OP_ACCEPT) != 0
        val writable = readyOps and SelectionKey.OP_WRITE != 0
        // Interest is cleared before anyone runs (a flush that runs now may ask for OP_WRITE again),
        // except read interest wanted by a waiting reader: it comes back for more, and keeping the
        // interest saves a change of the epoll set per read.
        var clear = 0
        if (readable && readWaiter == null && readHandler == null) clear = clear or SelectionKey.OP_READ
        if (writable) clear = clear or SelectionKey.OP_WRITE
        if (clear != 0 && key.isValid) key.interestOpsAnd(clear.inv())
        if (readable) {
            readWaiter?.let { readWaiter = null; it.resume(Unit) }
            readHandler?.run()
        }
        if (writable) {
            writeWaiter?.let { writeWaiter = null; it.resume(Unit) }
            writeTask?.let { writeTask = null; it.run() }
        }
    }

    private fun failWaiters(cause: IOException) {
        readWaiter?.let { readWaiter = null; it.resumeWithException(cause) }
        writeWaiter?.let { writeWaiter = null; it.resumeWithException(cause) }
        // A pending flush runs once more and finds the socket closed.
        writeTask?.let { writeTask = null; it.run() }
    }

    /** Shuts the output side down (sends FIN) after everything written so far. */
    fun shutdownOutput() {
        runCatching { channel.shutdownOutput() }
    }

    /**
     * Closes the connection at once, from any thread: the descriptor is released and waiting
     * readers and writers fail. Idempotent.
     */
    fun close() {
        if (isClosed) return
        isClosed = true
        runCatching { channel.close() }
        loop.execute {
            key?.cancel()
            failWaiters(ClosedChannelException())
        }
    }
}
