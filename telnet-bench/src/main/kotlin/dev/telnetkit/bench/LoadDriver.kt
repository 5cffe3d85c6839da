package dev.telnetkit.bench

import java.io.IOException
import java.net.InetAddress
import java.net.InetSocketAddress
import java.net.StandardSocketOptions
import java.nio.ByteBuffer
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.nio.channels.SocketChannel
import javax.net.ssl.SSLEngineResult
import javax.net.ssl.SSLException

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
 *
 * With [tls] set, connections opened from then on speak TLS: each gets a client-mode SSLEngine,
 * handshakes on the same thread (delegated tasks run inline) and carries the Telnet stream as
 * application data. Set or clear it between phases to switch TLS per scenario; sessions keep
 * what they were opened with.
 */
class LoadDriver(
    /** The server. */
    val target: InetSocketAddress,
    prompt: String,
) : MatchListener, AutoCloseable {
    private val selector = Selector.open()
    private val readBuffer = ByteBuffer.allocate(64 * 1024)
    private val replies = ByteBuffer.allocate(8 * 1024)

    // TLS scratch, shared by all sessions (one thread): received ciphertext, decrypted text, ciphertext to send.
    private var netIn: ByteBuffer = ByteBuffer.allocate(0)
    private var appIn: ByteBuffer = ByteBuffer.allocate(0)
    private var netOut: ByteBuffer = ByteBuffer.allocate(0)
    private val empty: ByteBuffer = ByteBuffer.allocate(0)

    /** TLS for connections opened from now on, or null for plain Telnet. */
    var tls: TlsClientContext? = null

    /** Protocol and cipher suite of the first TLS handshake that finished, or null. */
    var tlsFacts: TlsFacts? = null
        private set
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
            // Under TLS the ClientHello is made before the TCP connect and waits in 'pending', so
            // it goes out as soon as the connection is up, as from a client with nothing else to
            // do: a server that tells TLS from plain Telnet by the first byte within a short wait
            // must not see this driver's other handshakes delay it. Its cost is in the driver's CPU.
            tls?.let {
                val link = TlsLink(it.newEngine())
                session.tls = link
                startHandshake(session, link)
            }
            if (channel.connect(target)) {
                session.state = SessionState.WAIT_PROMPT
                session.key = channel.register(selector, SelectionKey.OP_READ, session)
                sessions.add(session)
                if (session.pending != null) flushPending(session)
            } else {
                session.key = channel.register(selector, SelectionKey.OP_CONNECT, session)
                sessions.add(session)
            }
            return session
        } catch (e: IOException) {
            connectErrors++
            note(FailureCause.CONNECT, e)
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

    /** Closes [session] without counting a failure (under TLS after a close_notify, sent if the socket takes it now). */
    fun close(session: BenchSession) {
        if (session.state == SessionState.CLOSED) return
        val link = session.tls
        if (link != null && link.established && session.pending == null) {
            runCatching {
                link.engine.closeOutbound()
                val out = netOutBuffer(link)
                out.clear()
                link.engine.wrap(empty, out)
                out.flip()
                session.channel.write(out)
            }
        }
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
                if (session.pending != null) flushPending(session) // the ClientHello
                return
            }
            if (key.isWritable) flushPending(session)
            if (key.isReadable) read(session)
        } catch (e: IOException) { // SSLException (a failed handshake or a bad record) included
            val connecting = session.state == SessionState.CONNECTING || session.tls?.established == false
            fail(session, if (connecting) FailureCause.CONNECT else FailureCause.IO, e) // a failed TLS handshake is a connect error
        }
    }

    private fun read(session: BenchSession) {
        val link = session.tls
        if (link != null) return readTls(session, link)
        readBuffer.clear()
        val n = session.channel.read(readBuffer)
        if (n < 0) {
            fail(session, FailureCause.CLOSED)
            return
        }
        if (n == 0) return
        deliver(session, readBuffer.array(), 0, n)
    }

    /** Hands [length] bytes of plain text to the session's Telnet filter, sends its replies and, if asked, the next request. */
    private fun deliver(session: BenchSession, data: ByteArray, offset: Int, length: Int) {
        replies.clear()
        session.filter.feed(data, offset, length, replies)
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
        val link = session.tls
        if (link != null) writeTls(session, link, buffer) else writeRaw(session, buffer)
    }

    /** Writes bytes to the socket as they are (ciphertext under TLS), keeping what it does not take (all of it before the connect is done). */
    private fun writeRaw(session: BenchSession, buffer: ByteBuffer) {
        if (session.state == SessionState.CLOSED) return
        val pending = session.pending
        if (session.state == SessionState.CONNECTING) {
            session.pending = if (pending == null) ByteBuffer.allocate(buffer.remaining()).put(buffer).flip() else grow(pending, buffer)
            return
        }
        if (pending != null) {
            session.pending = grow(pending, buffer)
            return
        }
        try {
            session.channel.write(buffer)
        } catch (e: IOException) {
            fail(session, FailureCause.IO, e)
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
        } else {
            session.key?.interestOps(SelectionKey.OP_READ or SelectionKey.OP_WRITE)
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

    // ---- TLS ----

    private fun startHandshake(session: BenchSession, link: TlsLink) {
        link.engine.beginHandshake()
        handshake(session, link)
    }

    /** Runs delegated tasks and sends handshake records while the engine asks for them; true if it did any. */
    private fun handshake(session: BenchSession, link: TlsLink): Boolean {
        val engine = link.engine
        var worked = false
        while (session.state != SessionState.CLOSED) {
            when (engine.handshakeStatus) {
                SSLEngineResult.HandshakeStatus.NEED_TASK -> {
                    runTasks(link)
                    worked = true
                }
                SSLEngineResult.HandshakeStatus.NEED_WRAP -> {
                    worked = true
                    val out = netOutBuffer(link)
                    out.clear()
                    val result = engine.wrap(empty, out)
                    out.flip()
                    if (out.hasRemaining()) writeRaw(session, out)
                    if (result.status == SSLEngineResult.Status.CLOSED) {
                        fail(session, FailureCause.CLOSED)
                        return true
                    }
                }
                else -> break
            }
        }
        if (!link.established && engine.handshakeStatus == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && session.state != SessionState.CLOSED) {
            link.established = true
            if (tlsFacts == null) tlsFacts = TlsFacts(engine.session.protocol, engine.session.cipherSuite)
            link.early?.let {
                link.early = null
                writeTls(session, link, it)
            }
        }
        return worked
    }

    private fun runTasks(link: TlsLink) {
        while (true) (link.engine.delegatedTask ?: return).run()
    }

    private fun readTls(session: BenchSession, link: TlsLink) {
        val engine = link.engine
        val net = netInBuffer(link)
        net.clear()
        link.leftover?.let {
            if (it.remaining() > net.remaining()) {
                netIn = ByteBuffer.allocate(it.remaining() + 64 * 1024)
                return readTls(session, link)
            }
            net.put(it)
            link.leftover = null
        }
        val n = session.channel.read(net)
        if (n < 0) {
            fail(session, FailureCause.CLOSED)
            return
        }
        net.flip()
        while (net.hasRemaining() && session.state != SessionState.CLOSED) {
            val app = appInBuffer(link)
            app.clear()
            val result = try {
                engine.unwrap(net, app)
            } catch (e: SSLException) {
                fail(session, if (link.established) FailureCause.IO else FailureCause.CONNECT, e) // a failed handshake is a connect error
                return
            }
            if (app.position() > 0) deliver(session, app.array(), 0, app.position())
            if (session.state == SessionState.CLOSED) return
            when (result.status) {
                SSLEngineResult.Status.CLOSED -> {
                    fail(session, FailureCause.CLOSED)
                    return
                }
                SSLEngineResult.Status.BUFFER_UNDERFLOW -> break // an incomplete record: wait for more
                SSLEngineResult.Status.BUFFER_OVERFLOW -> appIn = ByteBuffer.allocate(engine.session.applicationBufferSize + app.capacity())
                else -> Unit
            }
            val worked = handshake(session, link)
            if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !worked &&
                result.status != SSLEngineResult.Status.BUFFER_OVERFLOW) break // no progress: keep the rest for the next read
        }
        if (net.hasRemaining() && session.state != SessionState.CLOSED) {
            link.leftover = ByteBuffer.allocate(net.remaining()).put(net).flip()
        }
    }

    /** Encrypts [plain] and writes the records; before the handshake has finished, plain text waits in [TlsLink.early]. */
    private fun writeTls(session: BenchSession, link: TlsLink, plain: ByteBuffer) {
        if (session.state == SessionState.CLOSED) return
        if (!link.established) {
            val early = link.early
            link.early = if (early == null) ByteBuffer.allocate(plain.remaining()).put(plain).flip() else grow(early, plain)
            return
        }
        val engine = link.engine
        while (plain.hasRemaining() && session.state != SessionState.CLOSED) {
            val out = netOutBuffer(link)
            out.clear()
            val result = try {
                engine.wrap(plain, out)
            } catch (e: SSLException) {
                fail(session, FailureCause.IO, e)
                return
            }
            out.flip()
            if (out.hasRemaining()) writeRaw(session, out)
            when (result.status) {
                SSLEngineResult.Status.CLOSED -> {
                    fail(session, FailureCause.CLOSED)
                    return
                }
                SSLEngineResult.Status.BUFFER_OVERFLOW -> netOut = ByteBuffer.allocate(engine.session.packetBufferSize + out.capacity())
                else -> Unit
            }
            if (engine.handshakeStatus != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) handshake(session, link)
        }
    }

    private fun netInBuffer(link: TlsLink): ByteBuffer {
        val want = link.engine.session.packetBufferSize + 64 * 1024
        if (netIn.capacity() < want) netIn = ByteBuffer.allocate(want)
        return netIn
    }

    private fun appInBuffer(link: TlsLink): ByteBuffer {
        val want = link.engine.session.applicationBufferSize + 1024
        if (appIn.capacity() < want) appIn = ByteBuffer.allocate(want)
        return appIn
    }

    private fun netOutBuffer(link: TlsLink): ByteBuffer {
        val want = link.engine.session.packetBufferSize
        if (netOut.capacity() < want) netOut = ByteBuffer.allocate(want)
        return netOut
    }

    private enum class FailureCause { CONNECT, TIMEOUT, CLOSED, IO }

    /** Failures by cause and what caused them (exception class and message, or what the driver saw), counted; at most 50 kinds. */
    val failureKinds: LinkedHashMap<String, Int> = LinkedHashMap()

    private fun note(cause: FailureCause, e: Throwable?) {
        val what = if (e == null) "" else ": ${e.javaClass.name}" + (e.message?.let { ": ${it.take(160)}" } ?: "")
        val key = cause.name.lowercase() + what
        if (key in failureKinds || failureKinds.size < 50) failureKinds.merge(key, 1, Int::plus)
    }

    private fun fail(session: BenchSession, cause: FailureCause, e: Throwable? = null) {
        val was = session.state
        if (was == SessionState.CLOSED) return
        note(cause, e)
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
