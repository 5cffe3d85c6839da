package dev.telnetkit.transport.tls

import java.nio.ByteBuffer
import java.security.cert.X509Certificate
import javax.net.ssl.SSLEngine
import javax.net.ssl.SSLEngineResult
import javax.net.ssl.SSLEngineResult.HandshakeStatus
import javax.net.ssl.SSLException
import javax.net.ssl.SSLPeerUnverifiedException

/**
 * TLS over an [SSLEngine] as a state machine without I/O: [feed] takes bytes from the network and
 * hands the application's bytes to a [TlsDataSink]; [wrap] takes the application's bytes and hands
 * records to a [TlsNetworkSink]. The handshake runs inside these calls: records the engine wants
 * to send meanwhile (its flights, a session ticket, a key update, an alert, close_notify) wait in
 * the driver until [flush] hands them on ([hasPendingOutput] says when that is needed).
 *
 * **Memory.** Scratch buffers (decrypted data, records being built) belong to the calling thread
 * and are shared by every driver used on it. A driver itself keeps a buffer only while it must:
 * the part of a record received so far (at most one record, about 16 KiB; a header claiming more
 * is refused), and network bytes the sink has not taken yet (at most [MAX_PENDING_OUTPUT]). An
 * idle session holds neither ([retainedBytes] is 0).
 *
 * **Threads.** Not thread-safe: one thread at a time (an event loop's thread, or a coroutine's).
 * [feed] is not re-entrant; the [TlsDataSink] may call [wrap] and [flush]. Delegated tasks
 * (certificate checks, key exchange) run inline on the calling thread: a few milliseconds of CPU
 * per handshake, which a TLS listener's thread can afford.
 *
 * **Use from an NIO loop:** on readable, read into the loop's buffer and [feed] it (the driver
 * copies the tail of a partial record, nothing else); then [flush] to the socket, and if it
 * returns false ask for writability. To send, [wrap] the output batch with a sink writing to the
 * socket; it returns how much of the batch went in; when it returns less than all, [flush] when
 * writable and wrap the rest. A coroutine transport passes [TlsNetworkSink.HOLD] and writes
 * [takePendingOutput] with suspending writes.
 *
 * The handshake starts at construction (server side: it waits for the ClientHello). Timers (the
 * handshake timeout) are the caller's: [isHandshakeComplete] says when to cancel them. Data
 * offered to [wrap] before the handshake completes is not taken (it returns 0); the caller wraps it
 * again once [feed] completed the handshake.
 */
internal class TlsEngineDriver(private val engine: SSLEngine) {
    // The part of a record received so far, in write mode: bytes at [0, position). Null when none.
    private var inbound: ByteBuffer? = null
    // Network bytes produced and not yet taken by a sink, in read mode. Null when none.
    private var outbound: ByteBuffer? = null
    private var firstBytesChecked = false
    private var feeding = false
    private var failure: TlsException? = null

    /** True once the handshake has completed; application data flows from then on. */
    var isHandshakeComplete: Boolean = false
        private set

    /** True once the peer's close_notify has arrived (or [inputEnded]): no more application data will come. */
    var isInboundDone: Boolean = false
        private set

    /** True once [closeOutbound] was called, or the engine closed its side (answering a TLS 1.2 close_notify): nothing more is wrapped. */
    var isOutboundClosed: Boolean = false
        private set

    /** True while network bytes wait to be handed to a sink by [flush]. */
    val hasPendingOutput: Boolean get() = outbound != null

    /** The bytes this driver keeps between calls: a partial record and unsent records. 0 when idle. */
    val retainedBytes: Int get() = (inbound?.capacity() ?: 0) + (outbound?.capacity() ?: 0)

    /** The peer's certificate chain, leaf first, once the handshake is complete; empty if it sent none. */
    val peerCertificates: List<X509Certificate>
        get() = if (!isHandshakeComplete) emptyList() else try {
            engine.session.peerCertificates.filterIsInstance<X509Certificate>()
        } catch (e: SSLPeerUnverifiedException) {
            emptyList()
        }

    /** The negotiated protocol (`TLSv1.3`) and cipher suite, once the handshake is complete. */
    val protocol: String? get() = if (isHandshakeComplete) engine.session.protocol else null
    val cipherSuite: String? get() = if (isHandshakeComplete) engine.session.cipherSuite else null

    init {
        engine.beginHandshake()
    }

    /**
     * Takes all of [network] (its position ends at its limit): complete records are decrypted and
     * their data handed to [sink], in one or a few calls; the tail of a partial record is kept
     * for the next call. Bytes after the peer's close_notify are ignored.
     *
     * Throws [TlsException] when the peer is not a TLS client (the message shows its first bytes),
     * breaks the protocol or fails the handshake; data decrypted before the failure is handed on
     * first. After a failure the driver is unusable; [flush] may still hand over an alert for the
     * peer (best effort), then the connection should be closed.
     */
    fun feed(network: ByteBuffer, sink: TlsDataSink) {
        failure?.let { throw it }
        check(!feeding) { "TlsEngineDriver.feed is not re-entrant" }
        if (isInboundDone) {
            network.position(network.limit())
            return
        }
        feeding = true
        val scratch = TlsScratch.acquire()
        try {
            var failed: TlsException? = null
            try {
                pump(network, scratch, sink)
            } catch (e: SSLException) {
                failed = fail(e)
            }
            deliver(scratch.app, sink)
            failed?.let { throw it }
        } finally {
            scratch.release()
            feeding = false
        }
    }

    /**
     * Encrypts the application's bytes in [app] (positions advance) and hands the records to
     * [sink]; returns how many bytes of [app] were taken. Stops early, keeping what was encrypted
     * but not taken (at most a few records), when the sink takes less than it is offered.
     *
     * When it takes less than all, the state says why: [hasPendingOutput] (the sink is full: wait
     * until the socket is writable, [flush], wrap the rest), ![isHandshakeComplete] (wrap again
     * once [feed] completed it), or [isOutboundClosed] (nothing more can be sent: drop the rest).
     */
    fun wrap(app: Array<ByteBuffer>, sink: TlsNetworkSink): Long {
        failure?.let { throw it }
        if (!flush(sink) || !isHandshakeComplete || isOutboundClosed) return 0
        val scratch = TlsScratch.acquire()
        var consumed = 0L
        try {
            while (app.any { it.hasRemaining() }) {
                var packet = engine.session.packetBufferSize
                val net = scratch.net(packet * WRAP_RECORDS)
                net.clear()
                var stalled = false
                while (app.any { it.hasRemaining() } && net.remaining() >= packet) {
                    val result = engine.wrap(app, net)
                    consumed += result.bytesConsumed()
                    afterResult(result)
                    if (result.status == SSLEngineResult.Status.CLOSED) {
                        isOutboundClosed = true // the engine closed (a TLS 1.2 peer's close_notify is answered in kind)
                        stalled = true
                        break
                    }
                    if (result.status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                        packet = engine.session.packetBufferSize
                        if (net.position() == 0 && net.capacity() >= packet) throw TlsException("TLS engine cannot wrap into $packet bytes")
                        break
                    }
                    if (result.bytesConsumed() == 0 && result.bytesProduced() == 0) {
                        stalled = true // waiting for the peer (a handshake message must come first)
                        break
                    }
                }
                net.flip()
                if (net.hasRemaining()) {
                    sink.write(net)
                    if (net.hasRemaining()) {
                        appendOutbound(net)
                        return consumed
                    }
                }
                if (stalled) return consumed
            }
        } catch (e: SSLException) {
            throw fail(e)
        } finally {
            scratch.release()
        }
        return consumed
    }

    /** [wrap] of one buffer. */
    fun wrap(app: ByteBuffer, sink: TlsNetworkSink): Long = wrap(arrayOf(app), sink)

    /** Hands waiting network bytes to [sink]; true when none wait any more. */
    fun flush(sink: TlsNetworkSink): Boolean {
        val pending = outbound ?: return true
        sink.write(pending)
        if (pending.hasRemaining()) return false
        outbound = null
        return true
    }

    /** The network bytes waiting to be sent, handed over (the driver forgets them); null if none. */
    fun takePendingOutput(): ByteBuffer? = outbound.also { outbound = null }

    /**
     * Starts closing: queues close_notify (send it with [flush], then shut the socket's output
     * down). The peer's close_notify need not be waited for. Idempotent; nothing is wrapped after it.
     */
    fun closeOutbound() {
        if (isOutboundClosed) return
        isOutboundClosed = true
        if (failure != null) return
        engine.closeOutbound()
        val scratch = TlsScratch.acquire()
        try {
            var rounds = 0
            while (!engine.isOutboundDone && rounds++ < 4) wrapHandshake(scratch)
        } catch (e: SSLException) {
            // Closing anyway: the peer may not get a close_notify.
        } finally {
            scratch.release()
        }
    }

    /**
     * The network input ended (EOF). Returns true if the peer had closed TLS properly with
     * close_notify first, false if the stream was cut (before or after the handshake). Never throws.
     */
    fun inputEnded(): Boolean {
        val clean = isInboundDone
        isInboundDone = true
        inbound = null
        if (!clean) {
            try {
                engine.closeInbound()
            } catch (e: SSLException) {
                // "possible truncation attack": expected when the peer just closed the socket.
            }
        }
        return clean
    }

    /** Drops every buffer and closes the engine without sending anything: the connection is gone. */
    fun dispose() {
        inbound = null
        outbound = null
        isInboundDone = true
        isOutboundClosed = true
        runCatching { engine.closeOutbound() }
    }

    // ---- receiving ----

    private fun pump(network: ByteBuffer, scratch: TlsScratch, sink: TlsDataSink) {
        while (true) {
            when (engine.handshakeStatus) {
                HandshakeStatus.NEED_TASK -> {
                    runDelegatedTasks()
                    continue
                }
                HandshakeStatus.NEED_WRAP -> {
                    wrapHandshake(scratch)
                    continue
                }
                else -> Unit
            }
            if (isInboundDone) {
                network.position(network.limit())
                inbound = null
                return
            }
            val record = nextRecord(network) ?: return
            if (!isHandshakeComplete) refusePlaintextAlert(record)
            val appSize = engine.session.applicationBufferSize
            var app = scratch.app(appSize * APP_RECORDS)
            if (app.remaining() < appSize) deliver(app, sink)
            var result = engine.unwrap(record, app)
            if (result.status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                // The session's records grew (the engine says how much room it needs now).
                deliver(app, sink)
                app = scratch.app(engine.session.applicationBufferSize * APP_RECORDS)
                result = engine.unwrap(record, app)
            }
            if (record === inbound) {
                if (record.hasRemaining()) record.compact() else inbound = null
            }
            when (result.status) {
                SSLEngineResult.Status.OK -> Unit
                SSLEngineResult.Status.CLOSED -> isInboundDone = true
                else -> throw TlsException("TLS engine could not read a whole record (${result.status})")
            }
            val wasComplete = isHandshakeComplete
            afterResult(result)
            if (wasComplete && result.status == SSLEngineResult.Status.OK && engine.session.protocol == "TLSv1.2" &&
                result.handshakeStatus != HandshakeStatus.NOT_HANDSHAKING && result.handshakeStatus != HandshakeStatus.FINISHED
            ) {
                throw TlsException("the client started a TLS 1.2 renegotiation; renegotiation is refused", closeQuietly = true)
            }
        }
    }

    /**
     * A buffer positioned at one whole record: [network] itself when it holds one, else the kept
     * partial record once completed from [network]. Null when [network] is used up first (its rest
     * is then kept). The record header is checked first, so a peer cannot make the driver keep more
     * than one record's worth of bytes.
     */
    private fun nextRecord(network: ByteBuffer): ByteBuffer? {
        if (!firstBytesChecked && !checkFirstBytes(network)) return null
        val held = inbound
        if (held != null && held.position() > 0) {
            if (held.position() < HEADER) transfer(network, held, HEADER - held.position())
            if (held.position() < HEADER) return null
            val total = recordSize(held, 0)
            val whole = if (held.capacity() >= total) held else grow(held, total)
            transfer(network, whole, total - whole.position())
            if (whole.position() < total) return null
            whole.flip()
            return whole
        }
        val available = network.remaining()
        if (available == 0) return null
        if (available >= HEADER) {
            val total = recordSize(network, network.position())
            if (available >= total) return network
            keep(network, total)
        } else {
            keep(network, HEADER)
        }
        return null
    }

    /** The first bytes must start a TLS handshake record; a plain Telnet client fails here, clearly. */
    private fun checkFirstBytes(network: ByteBuffer): Boolean {
        val held = inbound?.position() ?: 0
        val probe = ByteArray(minOf(MAX_SHOWN, held + network.remaining()))
        for (i in probe.indices) probe[i] = if (i < held) inbound!!.get(i) else network.get(network.position() + i - held)
        return when (TlsDetector.detect(probe)) {
            TlsDetector.Verdict.TLS -> true.also { firstBytesChecked = true }
            TlsDetector.Verdict.NEED_MORE -> false.also { keep(network, HEADER) }
            TlsDetector.Verdict.PLAIN -> throw TlsException(
                "not a TLS client (first bytes ${TlsDetector.describe(probe)}); this port expects a TLS handshake",
                null, sendNothing = true,
            )
        }
    }

    /**
     * A client that gives up during the handshake (it does not trust the server's certificate, say)
     * may send its alert unencrypted after the server's first TLS 1.3 flight, and the engine then
     * fails with "Insufficient buffer remaining for AEAD cipher fragment". An alert record of two
     * bytes can only be plaintext (an encrypted one carries a 16-byte tag), so it is named here.
     */
    private fun refusePlaintextAlert(record: ByteBuffer) {
        val at = record.position()
        if (record.get(at).toInt() and 0xFF != ALERT_RECORD || recordSize(record, at) != HEADER + 2) return
        val description = record.get(at + HEADER + 1).toInt() and 0xFF
        val alert = ALERTS[description] ?: "alert $description"
        throw TlsException(TlsFailures.explain(SSLException("Received fatal alert: $alert"), false, engine.enabledProtocols), sendNothing = true)
    }

    /** The size of the record whose header starts at [at] of [buffer], refused if no TLS peer would send it. */
    private fun recordSize(buffer: ByteBuffer, at: Int): Int {
        val type = buffer.get(at).toInt() and 0xFF
        val major = buffer.get(at + 1).toInt() and 0xFF
        val length = ((buffer.get(at + 3).toInt() and 0xFF) shl 8) or (buffer.get(at + 4).toInt() and 0xFF)
        if (type !in 20..24 || major != 3) {
            throw TlsException("not a TLS record (header %02x %02x %02x): the peer sent garbage".format(type, major, buffer.get(at + 2).toInt() and 0xFF), closeQuietly = true)
        }
        val max = maxOf(engine.session.packetBufferSize, MAX_TLS12_RECORD)
        if (HEADER + length > max) throw TlsException("TLS record of $length bytes is larger than TLS allows (${max - HEADER})", closeQuietly = true)
        return HEADER + length
    }

    /** Keeps what is left of [network] as the start of a record of [capacity] bytes (or more). */
    private fun keep(network: ByteBuffer, capacity: Int) {
        val held = inbound
        val target = if (held != null && held.capacity() - held.position() >= network.remaining()) held else {
            ByteBuffer.allocate(maxOf(capacity, (held?.position() ?: 0) + network.remaining())).also { fresh ->
                held?.let { it.flip(); fresh.put(it) }
                inbound = fresh
            }
        }
        target.put(network)
    }

    private fun grow(held: ByteBuffer, capacity: Int): ByteBuffer {
        held.flip()
        return ByteBuffer.allocate(capacity).put(held).also { inbound = it }
    }

    private fun transfer(from: ByteBuffer, to: ByteBuffer, most: Int) {
        val n = minOf(most, from.remaining(), to.remaining())
        if (n <= 0) return
        val slice = from.duplicate()
        slice.limit(from.position() + n)
        to.put(slice)
        from.position(from.position() + n)
    }

    private fun deliver(app: ByteBuffer, sink: TlsDataSink) {
        if (app.position() == 0) return
        try {
            sink.onData(app.array(), app.arrayOffset(), app.position())
        } finally {
            app.clear()
        }
    }

    // ---- sending what the engine wants to send ----

    /** One wrap of no application data: a handshake flight, a ticket, a key update, an alert or close_notify. */
    private fun wrapHandshake(scratch: TlsScratch) {
        val net = scratch.net(engine.session.packetBufferSize)
        net.clear()
        val result = engine.wrap(NO_DATA, net)
        net.flip()
        if (net.hasRemaining()) appendOutbound(net)
        if (result.status == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            if (net.capacity() >= engine.session.packetBufferSize) throw TlsException("TLS engine cannot wrap into ${net.capacity()} bytes")
            return // the next round gets a larger scratch buffer
        }
        afterResult(result)
        if (result.bytesProduced() == 0 && engine.handshakeStatus == HandshakeStatus.NEED_WRAP) {
            throw TlsException("TLS engine wants to send but produces nothing")
        }
    }

    private fun appendOutbound(bytes: ByteBuffer) {
        val pending = outbound
        val total = (pending?.remaining() ?: 0) + bytes.remaining()
        if (total > MAX_PENDING_OUTPUT) {
            throw TlsException("the peer reads nothing: $total bytes of TLS records wait to be sent", closeQuietly = true)
        }
        val joined = ByteBuffer.allocate(total)
        pending?.let { joined.put(it) }
        joined.put(bytes)
        joined.flip()
        outbound = joined
    }

    private fun afterResult(result: SSLEngineResult) {
        if (result.handshakeStatus == HandshakeStatus.FINISHED) isHandshakeComplete = true
        if (result.handshakeStatus == HandshakeStatus.NEED_TASK) runDelegatedTasks()
    }

    private fun runDelegatedTasks() {
        while (true) (engine.delegatedTask ?: return).run()
    }

    // ---- failing ----

    private fun fail(e: SSLException): TlsException {
        val failed = e as? TlsException ?: TlsException(TlsFailures.explain(e, isHandshakeComplete, engine.enabledProtocols), e)
        failure = failed
        inbound = null
        when {
            failed.sendNothing -> outbound = null
            else -> {
                // The engine has an alert queued after its own failures; after ours, a close_notify.
                if (failed.closeQuietly) runCatching { engine.closeOutbound() }
                val scratch = TlsScratch.acquire()
                try {
                    var rounds = 0
                    while (rounds++ < 4) {
                        val net = scratch.net(engine.session.packetBufferSize)
                        net.clear()
                        val result = engine.wrap(NO_DATA, net)
                        net.flip()
                        if (!net.hasRemaining()) break
                        appendOutbound(net)
                        if (result.status == SSLEngineResult.Status.CLOSED) break
                    }
                } catch (ignored: Exception) {
                    // Best effort: the connection is closed anyway.
                } finally {
                    scratch.release()
                }
            }
        }
        return failed
    }

    companion object {
        /** The most network bytes kept for a peer that does not read them. */
        const val MAX_PENDING_OUTPUT: Int = 128 * 1024
        private const val HEADER = 5
        private const val ALERT_RECORD = 21
        // RFC 8446 6 and RFC 5246 7.2: the alerts a client may end a handshake with.
        private val ALERTS = mapOf(
            0 to "close_notify", 10 to "unexpected_message", 20 to "bad_record_mac", 40 to "handshake_failure",
            42 to "bad_certificate", 43 to "unsupported_certificate", 44 to "certificate_revoked", 45 to "certificate_expired",
            46 to "certificate_unknown", 47 to "illegal_parameter", 48 to "unknown_ca", 49 to "access_denied",
            50 to "decode_error", 51 to "decrypt_error", 70 to "protocol_version", 71 to "insufficient_security",
            80 to "internal_error", 86 to "inappropriate_fallback", 90 to "user_canceled", 109 to "missing_extension",
            110 to "unsupported_extension", 112 to "unrecognized_name", 116 to "certificate_required", 120 to "no_application_protocol",
        )
        // TLS 1.2 allows ciphertext of 2^14 + 2048 bytes (RFC 5246 6.2.3); the engine may say less.
        private const val MAX_TLS12_RECORD = HEADER + 16384 + 2048
        private const val WRAP_RECORDS = 4
        private const val APP_RECORDS = 4
        private const val MAX_SHOWN = 16
        private val NO_DATA = arrayOf(ByteBuffer.allocate(0))
    }
}
