package dev.telnetkit.server

import dev.telnetkit.session.LogText
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.SessionLimits
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.wire.PlainTerminalWire
import dev.telnetkit.wire.TelnetWire
import dev.telnetkit.wire.Wire
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * One session over one transport [Connection]: whatever the transport and the wire, it pumps the
 * connection's input through the [Wire] into the session (with back-pressure both ways), hands the
 * session's output queue to the connection, waits until the terminal is ready, watches for
 * idleness and runs the handler. Everything it starts is a child of the coroutine that calls [run],
 * so it all ends together.
 */
internal class SessionConnection(
    private val connection: Connection,
    private val settings: ServerSettings,
    limits: SessionLimits,
    id: Long,
    transportName: String,
    private val admission: Admissions.Admission,
    private val refusalText: (Admissions.Refusal) -> String,
) : ConnectionReader {
    private val output = OutputQueue(settings.outputBufferLimit)
    private val endSignal = CompletableDeferred<Unit>()
    @Volatile private var runScope: CoroutineScope? = null
    @Volatile private var lingerJob: Job? = null
    private var sessionJob: Job? = null
    @Volatile private var cutOffReason: String? = null

    val session = Session(
        id, connection.remoteAddress, connection.remoteHost, transportName,
        limits,
        output, ::cutOff, ::endRequested, connection.peerCertificates,
    )
    private val wire: Wire = connection.terminal?.let { PlainTerminalWire(session, it) }
        ?: TelnetWire(session, settings.protocol, output, settings.connectMaxWait, settings.areYouThereAnswer, ::cutOff)

    init {
        session.link = wire
    }

    // Input is read in chunks small against the output limit (an eighth: with the few reads the
    // session's input holds, at most six are in flight), and reading pauses while a quarter of the
    // limit is queued, so the echo of fast input cannot by itself overflow a reading client's output.
    private val readPauseThreshold = settings.outputBufferLimit / 4L
    override val maxChunk: Int = (settings.outputBufferLimit / 8).coerceAtMost(MAX_READ_CHUNK)

    /** Runs the session to its end, over a connection already opened; never throws except for cancellation. */
    suspend fun run(handler: SessionHandler) {
        sessionJob = currentCoroutineContext().job
        try {
            connection.attachOutput(output)
            coroutineScope {
                // Background jobs of the session (timers and the like) end with its handler.
                val background = SupervisorJob(coroutineContext.job)
                session.scope = CoroutineScope(coroutineContext + background)
                wire.open()
                ioScope = this
                startReading()
                wire.awaitReady()
                if (inputEnding && !receivedInput) {
                    // The client left during the opening without a word: nobody to serve.
                    logger.debug { "session ${session.id} (${session.remoteAddress}): client gone before the session started" }
                    background.cancel()
                    return@coroutineScope
                }
                admission.establish()?.let { refusal ->
                    background.cancel()
                    if (refusal == Admissions.Refusal.GONE) return@coroutineScope
                    logger.warn { "refused ${session.remoteAddress}: ${refusalText(refusal)}" }
                    stopReading()
                    connection.terminal?.exitStatus = 1
                    output.offer((settings.busyMessage + "\r\n").toByteArray(Charsets.UTF_8))
                    output.close()
                    withTimeoutOrNull(FLUSH_TIMEOUT) { output.awaitDrained() }
                    return@coroutineScope
                }
                runScope = this
                if (endSignal.isCompleted) lingerAfterEnd()
                try {
                    handler.handle(session)
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Throwable) {
                    // Errors too: a TODO() or an assert in a handler must end its session the same way,
                    // not escape to the thread's uncaught-exception handler with nothing said to the client.
                    logger.error(LogText.safe(e)) { "session ${session.id} (${session.remoteAddress}): handler failed" }
                    session.writeMessage("Internal error; closing the session.")
                }
                background.cancel()
                lingerJob?.cancel()
                stopReading()
                output.close()
                withTimeoutOrNull(FLUSH_TIMEOUT) { output.awaitDrained() }
            }
        } finally {
            withContext(NonCancellable) {
                output.close()
                // A cancelled session (a server stop past its grace, close()) may have left queued
                // output the writer never sent, such as the shutdown notice: send it before closing.
                if (cutOffReason == null && !connection.isClosed) withTimeoutOrNull(FLUSH_TIMEOUT) {
                    output.awaitDrained()
                    connection.shutdownOutput()
                }
                connection.close()
            }
            cutOffReason?.let { logger.warn { "session ${session.id} (${session.remoteAddress}) cut off: $it" } }
        }
    }

    // ---- reading: driven by the transport, no coroutine waits for input ----
    // All of this runs on the connection's dispatcher thread, except the flag the handler's side reads.

    private lateinit var ioScope: CoroutineScope
    private var reading = false
    private var pausedForOutput = false
    private var pausedForInput = false
    // Input the session's queue had no room for (typed ahead while a command runs), text merged;
    // delivered as the handler takes what is queued. Reading goes on meanwhile, so that Ctrl-C still
    // reaches a running command, until PENDING_INPUT_LIMIT units wait: a character of text, or one
    // other item (an IAC EC, EL or IP each). Text past the limit pauses reading; an EC, EL or IP past
    // it is dropped instead (nothing a user types needs 16 K of them), so reading goes on and the
    // end of the connection is still seen.
    private val pendingInputs = ArrayDeque<SessionInput>()
    private var pendingChars = 0
    @Volatile private var hasPending = false
    private val drainTask = Runnable { drainPendingInputs() }
    private val inputs = ArrayList<SessionInput>()
    // The client's input has ended; the end goes to the handler once the type-ahead has.
    private var inputEnding = false
    // Anything for the handler has come (text, a key, an interrupt): a client that half-closes
    // after typing still has its session run.
    private var receivedInput = false

    private fun startReading() {
        reading = true
        session.onInputTaken = Runnable { if (hasPending) connection.dispatcher.dispatch(session.scope.coroutineContext, drainTask) }
        connection.startReading(this)
    }

    private fun stopReading() {
        reading = false
        connection.setReading(false)
    }

    /**
     * What has arrived, handed on. Back-pressure: while the handler has not taken the input already
     * read, or the client has not read the output its input caused (echo, bells, answers), its input
     * is not read either, so TCP slows the sender down; a client that reads nothing at all for
     * outputStallTimeout meanwhile is cut off.
     */
    override fun onData(bytes: ByteArray, offset: Int, length: Int) {
        if (!reading) return
        try {
            wire.receive(bytes, offset, length, inputs)
            dispatchInputs()
        } finally {
            inputs.clear()
        }
        if (reading && !pausedForOutput && output.queuedBytes >= readPauseThreshold) pauseForOutput()
    }

    /** End of input: the handler sees it as readLine returning null, after any type-ahead. */
    override fun onEnd() {
        stopReading()
        inputEnding = true
        // Gone while opening, having typed nothing: its slot is free now, not when its coroutine ends.
        if (!receivedInput) admission.releaseIfOpening()
        wire.inputEnded()
        // Type-ahead still waiting for room in the session's queue goes first: closing the queue
        // now would drop it (offerInput counts a closed queue as taken).
        if (pendingInputs.isEmpty()) session.input.close()
    }

    override fun onFailure(error: Throwable) {
        logger.debug { "session ${session.id}: read ended: ${error.message}" }
        // Not an end of input but a broken connection (reset): nothing more can be read or
        // written, so end the session now rather than when a running command happens to finish.
        stopReading()
        admission.releaseIfOpening()
        cutOff("read failed: ${LogText.escape(error.message ?: error.toString())}")
    }

    private fun pauseForOutput() {
        pausedForOutput = true
        connection.setReading(false)
        ioScope.launch {
            if (output.awaitBelow(readPauseThreshold, settings.outputStallTimeout.toKotlinDuration())) {
                pausedForOutput = false
                resumeReading()
            } else {
                cutOff("client read nothing for ${settings.outputStallTimeout.toMillis()} ms")
            }
        }
    }

    private fun resumeReading() {
        if (!reading || pausedForInput || pausedForOutput) return
        connection.setReading(true)
    }

    private fun drainPendingInputs() {
        while (true) {
            val item = pendingInputs.firstOrNull() ?: break
            if (!offerInput(item)) break
            pendingInputs.removeFirst()
            pendingChars -= pendingUnits(item)
        }
        hasPending = pendingInputs.isNotEmpty()
        if (inputEnding) {
            if (!hasPending) session.input.close()
            return
        }
        if (pausedForInput && pendingChars <= PENDING_INPUT_LIMIT) {
            pausedForInput = false
            resumeReading()
        }
    }

    private fun addPending(item: SessionInput) {
        val last = pendingInputs.lastOrNull()
        if (item is SessionInput.Text && last is SessionInput.Text) {
            pendingInputs[pendingInputs.size - 1] = SessionInput.Text(last.text + item.text)
        } else if (item is SessionInput.Bytes && last is SessionInput.Bytes) {
            pendingInputs[pendingInputs.size - 1] = SessionInput.Bytes(last.bytes + item.bytes)
        } else {
            pendingInputs.addLast(item)
        }
        pendingChars += pendingUnits(item)
        hasPending = true
    }

    private fun pendingUnits(item: SessionInput): Int = when (item) {
        is SessionInput.Text -> item.text.length
        is SessionInput.Bytes -> item.bytes.size
        else -> 1
    }

    /** Queues [item] for the handler; false if the queue is full (input nobody will read is dropped). */
    private fun offerInput(item: SessionInput): Boolean {
        val result = session.input.trySend(item)
        return result.isSuccess || result.isClosed
    }

    /** Hands what the last read brought to the session, pausing reads while its queue is full. */
    private fun dispatchInputs() {
        if (inputs.isNotEmpty()) receivedInput = true
        for (item in inputs) {
            if (pendingInputs.isEmpty() && offerInput(item)) continue
            // Typed text and transfer data are held back (reads pause); an excess of control events is dropped.
            if (item !is SessionInput.Text && item !is SessionInput.Bytes && pendingChars >= PENDING_INPUT_LIMIT) continue
            addPending(item)
        }
        if (pendingChars > PENDING_INPUT_LIMIT) {
            pausedForInput = true
            connection.setReading(false)
        }
    }

    /**
     * Closes the session if its handler has started and no input came for [ServerSettings.idleTimeout]
     * (the server's idle sweep calls this for every session, from its own thread).
     */
    fun closeIfIdle() {
        if (runScope == null || endSignal.isCompleted || cutOffReason != null) return
        if (session.idle < settings.idleTimeout) return
        logger.info { "session ${session.id} (${session.remoteAddress}) idle for ${settings.idleTimeout.seconds} s: closing" }
        session.writeFarewell(settings.idleNotice)
        session.close()
    }

    /**
     * Closes the connection at once, for a session whose handler does not end even when cancelled
     * (the coroutine, and the finally that would close the socket, may never finish).
     */
    fun abort() {
        cutOff("did not end when cancelled")
        runCatching { connection.close() }
    }

    private fun cutOff(reason: String) {
        if (cutOffReason != null) return
        cutOffReason = reason
        session.requestEnd()
        output.discard()
        output.close()
        sessionJob?.cancel()
    }

    private fun endRequested() {
        if (endSignal.complete(Unit)) lingerAfterEnd()
    }

    /** The session was asked to end: give the handler a moment to return, then cancel it. */
    private fun lingerAfterEnd() {
        val scope = runScope ?: return
        synchronized(endSignal) {
            if (lingerJob != null) return
            lingerJob = scope.launch {
                delay(IDLE_GRACE)
                sessionJob?.cancel()
            }
        }
    }

    private companion object {
        const val PENDING_INPUT_LIMIT = 16 * 1024
        const val MAX_READ_CHUNK = 64 * 1024
        val FLUSH_TIMEOUT = 2000.milliseconds
        val IDLE_GRACE = 1000.milliseconds
    }
}
