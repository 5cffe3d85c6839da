package dev.telnetkit.transport.nio

import kotlinx.coroutines.suspendCancellableCoroutine
import java.nio.ByteBuffer
import java.nio.channels.SelectionKey
import java.nio.channels.SocketChannel
import kotlin.coroutines.resume

/**
 * A non-blocking TCP connection served by one [EventLoop]: reads and writes are plain non-blocking
 * calls on the loop's thread. Reads are driven by the selector ([onReadable], [wantRead]); a write
 * the socket cannot take at once continues when the selector says it is writable ([whenWritable]).
 */
internal class LoopSocket(private val channel: SocketChannel, val loop: EventLoop) : IoReadiness {
    private var key: SelectionKey? = null
    // Loop thread only: called whenever the socket is readable while read interest is on.
    private var readHandler: Runnable? = null
    // Loop thread only: runs once when the socket can take more (or has been closed).
    private var writeTask: Runnable? = null
    @Volatile var isClosed: Boolean = false
        private set

    /** Loop thread only: told when handling readiness threw, so the connection can end itself. */
    var onFailure: ((Throwable) -> Unit)? = null

    // Bytes read when the connection was accepted (the check that its client is still there),
    // served by readNow before anything the socket has; loop thread only once registered.
    private var unread: ByteArray? = null
    private var unreadAt = 0

    /** Bytes already read from the socket, to be served first; set before the socket is registered. */
    fun keepUnread(bytes: ByteArray) {
        unread = bytes
        unreadAt = 0
    }

    /** True once [register] has been called. */
    val isRegistered: Boolean get() = key != null

    /** Registers with the loop's selector; call on the loop's thread before anything else. */
    fun register() {
        key = loop.register(channel, 0, this)
    }

    /**
     * Reads driven by the selector: [handler] runs on the loop each time the socket is readable
     * while [wantRead] is on. Call on the loop's thread.
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
        // The selector will not say so: bytes read at accept are waiting.
        if (on && unread != null) readHandler?.let { loop.dispatchTask(it) }
    }

    /**
     * Reads what has arrived now, at most [max] bytes, into the loop's [EventLoop.readBuffer]
     * (flipped): 0 when nothing has, -1 at end of input. Call on the loop's thread and consume the
     * buffer before returning to the loop.
     */
    fun readNow(max: Int): Int {
        val buffer = loop.readBuffer
        buffer.clear()
        val early = unread
        if (early != null) {
            val n = minOf(max, buffer.capacity(), early.size - unreadAt)
            buffer.put(early, unreadAt, n).flip()
            unreadAt += n
            if (unreadAt == early.size) unread = null
            return n
        }
        if (max < buffer.capacity()) buffer.limit(max)
        val n = channel.read(buffer)
        buffer.flip()
        return n
    }

    /** Writes what the socket takes of [buffers] now, without waiting; the bytes written. */
    fun writeAvailable(buffers: Array<ByteBuffer>): Long = channel.write(buffers)

    /** Writes what the socket takes of [buffer] now, without waiting; the bytes written. */
    fun writeAvailable(buffer: ByteBuffer): Int = channel.write(buffer)

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

    /** Writes all of [buffers], suspending while the client's window is full. Call on the loop. */
    suspend fun write(buffers: Array<ByteBuffer>) {
        val last = buffers.lastOrNull() ?: return
        while (true) {
            channel.write(buffers) // throws once the socket is closed
            if (!last.hasRemaining()) return
            suspendCancellableCoroutine { continuation -> whenWritable { continuation.resume(Unit) } }
        }
    }

    override fun onReady(readyOps: Int) {
        if (readyOps < 0) {
            runWriteTask()
            return
        }
        val key = key ?: return
        // Write interest is cleared before the task runs: a flush that runs now may ask again.
        // Read interest stays while wanted: keeping it saves a change of the epoll set per read.
        if (readyOps and SelectionKey.OP_WRITE != 0) {
            if (key.isValid) key.interestOpsAnd(SelectionKey.OP_WRITE.inv())
            runWriteTask()
        }
        if (readyOps and SelectionKey.OP_READ != 0) readHandler?.run()
    }

    override fun failed(error: Throwable): Boolean {
        val handler = onFailure
        if (handler != null) handler(error) else close()
        return true
    }

    private fun runWriteTask() {
        writeTask?.let { writeTask = null; it.run() }
    }

    /** Shuts the output side down (sends FIN) after everything written so far. */
    fun shutdownOutput() {
        runCatching { channel.shutdownOutput() }
    }

    /**
     * Closes the connection at once, from any thread: the descriptor is released, and a write
     * waiting for room runs once more and finds the socket closed. Idempotent.
     */
    fun close() {
        if (isClosed) return
        isClosed = true
        runCatching { channel.close() }
        loop.execute {
            key?.cancel()
            runWriteTask()
        }
    }
}
