package dev.telnetkit.bench

import java.io.IOException
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.StandardSocketOptions
import java.nio.ByteBuffer
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.nio.channels.SocketChannel

/** Failures counted by a [LoadDriver] phase, by cause. */
data class Failures(
    val connectErrors: Int = 0,
    val timeouts: Int = 0,
    val closedByServer: Int = 0,
    val ioErrors: Int = 0,
) {
    /** All failures. */
    val total: Int get() = connectErrors + timeouts + closedByServer + ioErrors

    operator fun minus(o: Failures): Failures =
        Failures(connectErrors - o.connectErrors, timeouts - o.timeouts, closedByServer - o.closedByServer, ioErrors - o.ioErrors)

    override fun toString(): String =
        "connect=$connectErrors timeout=$timeouts closed=$closedByServer io=$ioErrors"
}

/**
 * The non-blocking load driver: every session of a run lives on one [Selector] served by the
 * calling thread, with one read buffer and one reply buffer for all of them. Phases
 * ([SessionOpener], [EchoLoop], [BroadcastRound]) run the loop until they are done or their
 * deadline passes; between phases the sessions stay open and idle.
 *
 * Source addresses cycle over 127.0.0.2..127.0.0.250 when the target is a loopback address,
 * so ephemeral ports never run out.
 */
class LoadDriver(
    /** The server. */
    val target: InetSocketAddress,
    prompt: String,
) : MatchListener, AutoCloseable {
    private val selector = Selector.open()
    private val readBuffer = ByteBuffer.allocate(64 * 1024)
    private val replies = ByteBuffer.allocate(8 * 1024)
    private val sources: List<InetAddress> =
        if (target.address.isLoopbackAddress && target.address.address.size == 4) {
            (2..250).map { InetAddress.getByAddress(byteArrayOf(127, 0, 0, it.toByte())) }
        } else {
            emptyList()
        }
    private var nextSource = 0

    /** What sessions look for. */
    val targets: MatchTargets = MatchTargets(prompt)

    /** Sessions not closed yet (closed ones are dropped by [compact]). */
    val sessions: ArrayList<BenchSession> = ArrayList()

    /** The phase being run, told about prompts, markers and closes. */
    var phase: Phase? = null

    private var connectErrors = 0
    private var timeouts = 0
    private var closedByServer = 0
    private var ioErrors = 0

    /** Failures so far, over the driver's life. */
    val failures: Failures get() = Failures(connectErrors, timeouts, closedByServer, ioErrors)

    /** What a phase is told while it runs. */
    interface Phase {
        /** [session] has reached the prompt. */
        fun onPrompt(session: BenchSession, now: Long) {}

        /** [session] has received the marker. */
        fun onMarker(session: BenchSession, now: Long) {}

        /** [session] was closed in state [was] (by the server, an error or a timeout). */
        fun onClosed(session: BenchSession, was: SessionState) {}

        /** Called on every turn of the loop, to start work. */
        fun tick(now: Long) {}
    }

    /** Starts a connection; the session waits for its prompt until [timeoutNanos] from now. Null on an immediate failure. */
    fun connect(timeoutNanos: Long): BenchSession? {
        var channel: SocketChannel? = null
        try {
            channel = SocketChannel.open()
            channel.configureBlocking(false)
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true)
            if (sources.isNotEmpty()) {
                channel.bind(InetSocketAddress(sources[nextSource], 0))
                nextSource = (nextSource + 1) % sources.size
            }
            val session = BenchSession(channel, targets, this)
            val now = System.nanoTime()
            session.startedAt = now
            session.deadline = now + timeoutNanos
            if (channel.connect(target)) {
                session.state = SessionState.WAIT_PROMPT
                session.key = channel.register(selector, SelectionKey.OP_READ, session)
            } else {
                session.key = channel.register(selector, SelectionKey.OP_CONNECT, session)
            }
            sessions.add(session)
            return session
        } catch (e: IOException) {
            connectErrors++
            runCatching { channel?.close() }
            return null
        }
    }

    /** Runs the loop until [done] or [deadline] (System.nanoTime). True if done. */
    fun runUntil(deadline: Long, done: () -> Boolean): Boolean {
        var nextScan = System.nanoTime() + SCAN_INTERVAL
        while (true) {
            phase?.tick(System.nanoTime())
            if (done()) return true
            val now = System.nanoTime()
            if (now >= deadline) return false
            val waitMs = ((minOf(deadline, nextScan) - now) / 1_000_000).coerceIn(1, 10)
            selector.select({ key -> handle(key) }, waitMs)
            val after = System.nanoTime()
            if (after >= nextScan) {
                expire(after)
                nextScan = after + SCAN_INTERVAL
            }
        }
    }

    /** Handles whatever is ready now without waiting (for example to notice closes while idle). */
    fun poll() {
        selector.selectNow { key -> handle(key) }
    }

    /** Sends [bytes] on [session], keeping what the socket does not take. */
    fun send(session: BenchSession, bytes: ByteArray, length: Int = bytes.size) {
        write(session, ByteBuffer.wrap(bytes, 0, length))
    }

    /** Sends the session's [BenchSession.request] again from its start. */
    fun sendRequest(session: BenchSession) {
        val buffer = session.requestBuffer ?: return
        buffer.clear()
        write(session, buffer)
    }

    /** Closes [session] without counting a failure. */
    fun close(session: BenchSession) {
        if (session.state == SessionState.CLOSED) return
        session.state = SessionState.CLOSED
        session.key?.cancel()
        runCatching { session.channel.close() }
    }

    /** Closes every session and forgets them. */
    fun closeAll() {
        for (s in sessions) close(s)
        sessions.clear()
        selector.selectNow() // lets the cancelled keys go
    }

    /** Drops closed sessions from [sessions]. */
    fun compact() {
        sessions.removeIf { it.state == SessionState.CLOSED }
    }

    /** Sessions idle at the prompt. */
    fun idleSessions(): List<BenchSession> = sessions.filter { it.state == SessionState.IDLE }

    override fun close() {
        closeAll()
        selector.close()
    }

    override fun onPrompt(session: BenchSession) {
        phase?.onPrompt(session, System.nanoTime())
    }

    override fun onMarker(session: BenchSession) {
        phase?.onMarker(session, System.nanoTime())
    }

    private fun handle(key: SelectionKey) {
        val session = key.attachment() as BenchSession
        if (!key.isValid) return
        try {
            if (key.isConnectable) {
                session.channel.finishConnect()
                session.state = SessionState.WAIT_PROMPT
                key.interestOps(SelectionKey.OP_READ)
                return
            }
            if (key.isWritable) flushPending(session)
            if (key.isReadable) read(session)
        } catch (e: IOException) {
            fail(session, if (session.state == SessionState.CONNECTING) FailureCause.CONNECT else FailureCause.IO)
        }
    }

    private fun read(session: BenchSession) {
        readBuffer.clear()
        val n = session.channel.read(readBuffer)
        if (n < 0) {
            fail(session, FailureCause.CLOSED)
            return
        }
        if (n == 0) return
        replies.clear()
        session.filter.feed(readBuffer.array(), 0, n, replies)
        if (session.state == SessionState.CLOSED) return
        if (replies.position() > 0) {
            replies.flip()
            write(session, replies)
        }
        if (session.sendNext) {
            session.sendNext = false
            if (session.state != SessionState.CLOSED) sendRequest(session)
        }
    }

    private fun write(session: BenchSession, buffer: ByteBuffer) {
        if (session.state == SessionState.CLOSED) return
        val pending = session.pending
        if (pending != null) {
            session.pending = grow(pending, buffer)
            return
        }
        try {
            session.channel.write(buffer)
        } catch (e: IOException) {
            fail(session, FailureCause.IO)
            return
        }
        if (buffer.hasRemaining()) {
            session.pending = ByteBuffer.allocate(maxOf(256, buffer.remaining())).put(buffer).flip()
            session.key?.interestOps(SelectionKey.OP_READ or SelectionKey.OP_WRITE)
        }
    }

    private fun grow(pending: ByteBuffer, more: ByteBuffer): ByteBuffer {
        val merged = ByteBuffer.allocate(pending.remaining() + more.remaining())
        merged.put(pending).put(more).flip()
        return merged
    }

    private fun flushPending(session: BenchSession) {
        val pending = session.pending ?: run {
            session.key?.interestOps(SelectionKey.OP_READ)
            return
        }
        session.channel.write(pending)
        if (!pending.hasRemaining()) {
            session.pending = null
            session.key?.interestOps(SelectionKey.OP_READ)
        }
    }

    private fun expire(now: Long) {
        for (i in sessions.indices) {
            val s = sessions[i]
            when (s.state) {
                SessionState.CONNECTING, SessionState.WAIT_PROMPT, SessionState.ECHO, SessionState.COMMAND ->
                    if (now - s.deadline > 0) fail(s, FailureCause.TIMEOUT)
                else -> Unit
            }
        }
    }

    private enum class FailureCause { CONNECT, TIMEOUT, CLOSED, IO }

    private fun fail(session: BenchSession, cause: FailureCause) {
        val was = session.state
        if (was == SessionState.CLOSED) return
        when (cause) {
            FailureCause.CONNECT -> connectErrors++
            FailureCause.TIMEOUT -> timeouts++
            FailureCause.CLOSED -> closedByServer++
            FailureCause.IO -> ioErrors++
        }
        close(session)
        phase?.onClosed(session, was)
    }

    private companion object {
        const val SCAN_INTERVAL = 100_000_000L
    }
}
