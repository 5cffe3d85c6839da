package dev.telnetkit.transport.nio

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.transport.tls.TlsDataSink
import dev.telnetkit.transport.tls.TlsDetector
import dev.telnetkit.transport.tls.TlsEngineDriver
import dev.telnetkit.transport.tls.TlsException
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsNetworkSink
import dev.telnetkit.transport.tls.TlsSettings
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.EOFException
import java.io.IOException
import java.nio.ByteBuffer
import java.security.cert.X509Certificate
import javax.net.ssl.SSLContext
import kotlin.coroutines.resume
import kotlin.time.toKotlinDuration

/**
 * A connection of a TLS-enabled listener on TelnetKit's event loop: [open] tells TLS from plain
 * Telnet ([TlsMode.AUTO_DETECT]) and runs the handshake, all on the loop without blocking it (the
 * waits are suspensions, the timeouts the loop's own timers); the session starts only after it.
 *
 * A plain client (auto-detected) is served by a [NioConnection] on the same socket, which gets the
 * bytes read while detecting first. A TLS client is served here: network bytes read by the
 * selector go through the [TlsEngineDriver] to the [ConnectionReader] (at most one read's worth
 * is decrypted at a time, and none while reading is off); the output queue is wrapped into records
 * as the socket takes them, and [OutputQueue.written] counts a batch's bytes only once the socket
 * has taken the records that carry them, so a client that stops reading is cut off after the stall
 * timeout exactly as on plain Telnet, with at most a few records held by the driver.
 */
@OptIn(EngineApi::class)
internal class TlsNioConnection(
    private val socket: LoopSocket,
    override val remoteAddress: String,
    override val remoteHost: String,
    private val tls: TlsSettings,
    private val context: SSLContext,
) : Connection {
    override val dispatcher: CoroutineDispatcher get() = socket.loop
    override val terminal: PlainTerminal? get() = null
    override val isClosed: Boolean get() = socket.isClosed
    override val transportName: String? get() = if (driver != null) TRANSPORT_NAME else null
    override val peerCertificates: List<X509Certificate> get() = peers

    // All below: the loop's thread only.
    // Set by open() for an auto-detected plain Telnet client: it serves the connection from then on.
    private var plain: NioConnection? = null
    private var driver: TlsEngineDriver? = null
    private var peers: List<X509Certificate> = emptyList()
    private var opened = false
    // open() waiting for the socket to be readable.
    private var readWaiter: CancellableContinuation<Unit>? = null
    // Application data that came in the same reads as the end of the handshake: handed on first.
    private var early: ByteArray? = null

    private var reader: ConnectionReader? = null
    private var reading = false
    private var output: OutputQueue? = null
    // A batch the driver has taken part of.
    private var pending: Array<ByteBuffer>? = null
    // Bytes of batches wrapped whose records the socket has not all taken yet: reported written then.
    private var unreported = 0L
    private var outputShut = false

    private val readTask = Runnable { if (opened) onReadable() else wakeReadWaiter() }
    private val flushTask = Runnable { flush() }
    private val earlyTask = Runnable { deliverEarly() }
    private val socketSink = TlsNetworkSink { buffer -> socket.writeAvailable(buffer) }
    private val dataSink = TlsDataSink { bytes, offset, length -> reader?.let { handOn(it, bytes, offset, length) } }

    override suspend fun open() {
        socket.register()
        socket.onReadable(readTask)
        var first: ByteArray? = null
        if (tls.mode == TlsMode.AUTO_DETECT) {
            first = detect()
            if (first == null || first[0].toInt() and 0xFF != TlsDetector.HANDSHAKE_RECORD) {
                // Silence or anything but a TLS record: a plain Telnet client, its first bytes handed on first.
                plain = NioConnection(socket, remoteAddress, remoteHost).also { it.prefix = first }
                return
            }
        }
        val driver = tls.newDriver(context)
        this.driver = driver
        val progress = Progress(receivedAny = first != null)
        val done = withTimeoutOrNull(tls.handshakeTimeout.toKotlinDuration()) {
            handshake(driver, first, progress)
            true
        }
        if (done == null) {
            val limit = tls.handshakeTimeout.toKotlinDuration()
            throw TlsException(
                if (progress.receivedAny) {
                    "the client did not finish the TLS handshake within $limit (handshakeTimeout): it stalled"
                } else {
                    "no TLS handshake within $limit (handshakeTimeout): the client sent nothing (a plain Telnet client waiting for the server to speak first?)"
                },
                sendNothing = true,
            )
        }
        peers = driver.peerCertificates
        opened = true
    }

    private class Progress(var receivedAny: Boolean)

    /**
     * Auto-detection: the first bytes the client sends within [TlsSettings.detectWait], or null if it
     * sent none (a plain client that waits for the server to speak first).
     */
    private suspend fun detect(): ByteArray? {
        readSome()?.let { return it }
        return withTimeoutOrNull(tls.detectWait.toKotlinDuration()) {
            var bytes: ByteArray? = null
            while (bytes == null) {
                awaitReadable()
                bytes = readSome()
            }
            bytes
        }
    }

    /** What has arrived, copied; null if nothing has. Throws at the end of input. */
    private fun readSome(): ByteArray? {
        val n = socket.readNow(DETECT_READ)
        if (n < 0) throw EOFException("the client closed the connection before sending anything")
        if (n == 0) return null
        return ByteArray(n).also { socket.loop.readBuffer.get(it) }
    }

    private suspend fun handshake(driver: TlsEngineDriver, first: ByteArray?, progress: Progress) {
        val earlyData = ByteArrayOutputStream(0)
        val sink = TlsDataSink { bytes, offset, length -> earlyData.write(bytes, offset, length) }
        if (first != null) feed(driver, ByteBuffer.wrap(first), sink)
        while (true) {
            while (!driver.flush(socketSink)) awaitWritable()
            if (driver.isHandshakeComplete) break
            val n = socket.readNow(HANDSHAKE_READ)
            if (n < 0) {
                driver.inputEnded()
                throw EOFException(
                    if (progress.receivedAny) "TLS handshake failed: the client closed the connection during the handshake"
                    else "the client closed the connection before sending anything",
                )
            }
            if (n == 0) {
                awaitReadable()
                continue
            }
            progress.receivedAny = true
            feed(driver, socket.loop.readBuffer, sink)
        }
        if (earlyData.size() > 0) early = earlyData.toByteArray()
    }

    /** [TlsEngineDriver.feed]; on a failure, the alert the driver has for the client goes out first (best effort). */
    private fun feed(driver: TlsEngineDriver, network: ByteBuffer, sink: TlsDataSink) {
        try {
            driver.feed(network, sink)
        } catch (e: TlsException) {
            runCatching { driver.flush(socketSink) }
            throw e
        }
    }

    private suspend fun awaitReadable() {
        suspendCancellableCoroutine { continuation ->
            readWaiter = continuation
            socket.wantRead(true)
            continuation.invokeOnCancellation {
                socket.loop.execute {
                    if (readWaiter === continuation) {
                        readWaiter = null
                        socket.wantRead(false)
                    }
                }
            }
        }
    }

    private fun wakeReadWaiter() {
        socket.wantRead(false)
        readWaiter?.let {
            readWaiter = null
            it.resume(Unit)
        }
    }

    private suspend fun awaitWritable() {
        suspendCancellableCoroutine { continuation -> socket.whenWritable { continuation.resume(Unit) } }
    }

    // ---- the session: reading ----

    override fun startReading(reader: ConnectionReader) {
        plain?.let { return it.startReading(reader) }
        this.reader = reader
        socket.onFailure = { e -> reader.onFailure(e) }
        setReading(true)
    }

    override fun setReading(on: Boolean) {
        plain?.let { return it.setReading(on) }
        reading = on
        // What came with the handshake first, after startReading has returned; the socket after it.
        if (on && early != null) socket.loop.dispatchTask(earlyTask) else socket.wantRead(on)
    }

    private fun deliverEarly() {
        val reader = reader ?: return
        val data = early ?: return
        early = null
        if (reading && !socket.isClosed) handOn(reader, data, 0, data.size)
        if (reading) socket.wantRead(true)
    }

    /** Hands decrypted bytes on in chunks the reader accepts. */
    private fun handOn(reader: ConnectionReader, bytes: ByteArray, offset: Int, length: Int) {
        var at = offset
        val end = offset + length
        while (at < end) {
            val n = minOf(reader.maxChunk, end - at)
            reader.onData(bytes, at, n)
            at += n
        }
    }

    /**
     * On the loop: reads, at most a chunk of network bytes at a time, and decrypts what came, while
     * reading is wanted. A read that pauses reading mid-way still hands on what it decrypted (one
     * read's worth at most); nothing more is read until reading is on again.
     */
    private fun onReadable() {
        val reader = reader ?: return
        val driver = driver ?: return
        try {
            while (reading) {
                val chunk = reader.maxChunk
                val n = socket.readNow(chunk)
                if (n == 0) return
                if (n < 0) {
                    endOfInput(reader)
                    driver.inputEnded()
                    return
                }
                feed(driver, socket.loop.readBuffer, dataSink)
                if (driver.hasPendingOutput) flush() // a reply of the engine's own (a key update, a TLS 1.2 close_notify)
                if (driver.isInboundDone) {
                    endOfInput(reader) // the client's close_notify
                    return
                }
                if (n < chunk) return
            }
        } catch (e: IOException) {
            reading = false
            socket.wantRead(false)
            reader.onFailure(e)
        }
    }

    private fun endOfInput(reader: ConnectionReader) {
        reading = false
        socket.wantRead(false)
        reader.onEnd()
    }

    // ---- the session: writing ----

    override fun attachOutput(output: OutputQueue) {
        plain?.let { return it.attachOutput(output) }
        this.output = output
        output.attach { socket.loop.dispatchTask(flushTask) }
    }

    /**
     * On the loop: sends the records the driver holds, then wraps batches of the queue until it is
     * empty or the socket is full (then it goes on when the socket is writable).
     */
    private fun flush() {
        val driver = driver ?: return
        val output = output
        try {
            while (true) {
                if (!driver.flush(socketSink)) {
                    socket.whenWritable(flushTask)
                    return
                }
                if (output == null) return
                if (unreported > 0) {
                    output.written(unreported)
                    unreported = 0
                }
                if (outputShut) return
                val batch = pending ?: output.takeBatch() ?: return
                unreported += driver.wrap(batch, socketSink)
                if (!batch[batch.size - 1].hasRemaining()) {
                    pending = null
                    continue
                }
                pending = batch
                if (!driver.hasPendingOutput) {
                    // Not for want of room: TLS output is closed (the engine answered the client's
                    // close_notify, or the connection is closing). The client has gone: drop the rest quietly.
                    pending = null
                    unreported = 0
                    output.writeFailed()
                    return
                }
            }
        } catch (e: IOException) {
            pending = null
            unreported = 0
            output?.writeFailed()
            if (!socket.isClosed) reader?.onFailure(IOException("write failed: ${e.message}", e))
        }
    }

    override suspend fun shutdownOutput() {
        plain?.let { return it.shutdownOutput() }
        socket.loop.execute {
            val driver = driver
            if (driver == null) {
                socket.shutdownOutput()
                return@execute
            }
            outputShut = true
            try {
                driver.closeOutbound()
                // close_notify, then FIN; a client that reads nothing gets neither (close follows).
                if (driver.flush(socketSink)) socket.shutdownOutput()
            } catch (e: IOException) {
                // Closed meanwhile: nothing to end.
            }
        }
    }

    override fun close() {
        socket.close()
        socket.loop.execute {
            driver?.dispose()
            early = null
            pending = null
            // open() waiting for input finds the socket closed.
            readWaiter?.let {
                readWaiter = null
                it.resume(Unit)
            }
        }
    }

    companion object {
        /** The transport name sessions over TLS report. */
        const val TRANSPORT_NAME: String = "tls"
        // Auto-detection reads a plain client's first bytes: a line or a negotiation burst, typically.
        private const val DETECT_READ = 4096
        private const val HANDSHAKE_READ = 16 * 1024 + 512
    }
}
