package dev.telnetkit.server

import dev.telnetkit.session.LogText
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.SessionLimits
import dev.telnetkit.session.SessionOwner
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.wire.PlainTerminalWire
import dev.telnetkit.wire.TelnetWire
import dev.telnetkit.wire.Wire
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableJob
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.coroutines.CoroutineContext
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
) : ConnectionReader, SessionOwner {
    private val output = OutputQueue(settings.outputBufferLimit, limits.events.statistics)
    // Set once the session was asked to end (Session.close); changed under this object's lock.
    @Volatile private var endSignaled = false
    // Set once the handler starts (the terminal is ready).
    @Volatile private var handlerRunning = false
    @Volatile private var lingerJob: Job? = null
    // The job of run's coroutine, once run has started.
    private val sessionJob: Job? get() = runContext?.job
    @Volatile private var cutOffReason: String? = null

    val session = Session(
        id, connection.remoteAddress, connection.remoteHost, transportName,
        limits,
        output, this, connection.peerCertificates,
    )
    private val wire: Wire = connection.terminal?.let { PlainTerminalWire(session, it) }
        ?: TelnetWire(session, settings.protocol, output, settings.connectMaxWait, settings.areYouThereAnswer, settings.telnetOptions) { cutOff(it) }

    init {
        session.link = wire
    }

    // Input is read in chunks small against the output limit (an eighth: with the few reads the
    // session's input holds, at most six are in flight), and reading pauses while a quarter of the
    // limit is queued, so the echo of fast input cannot by itself overflow a reading client's output.
    // Both worked out when used, not kept in every session.
    private val readPauseThreshold: Long get() = settings.outputBufferLimit / 4L
    override val maxChunk: Int get() = (settings.outputBufferLimit / 8).coerceAtMost(MAX_READ_CHUNK)

    /**
     * Runs the session to its end, over a connection already opened; never throws except for
     * cancellation. Last, its admission slot is freed (before the server drops it from its list, so
     * a client that sees it gone can connect).
     */
    suspend fun run(handler: SessionHandler) {
        val context = currentCoroutineContext()
        runContext = context
        var ended = false
        try {
            connection.attachOutput(output)
            // Background jobs of the session (timers and the like) end with its handler.
            session.startBackground(context)
            wire.open()
            startReading()
            wire.awaitReady()
            if (admitted()) {
                session.events.sessionOpened(session)
                handlerRunning = true
                if (endSignaled) lingerAfterEnd()
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
            }
            session.endBackground()
            lingerJob?.cancel()
            stopReading()
            output.close()
            withTimeoutOrNull(FLUSH_TIMEOUT) { output.awaitDrained() }
            endChildren(cancel = false)
            ended = true
        } finally {
            session.endBackground()
            val abnormal = !ended
            withContext(NonCancellable) {
                if (abnormal) endChildren(cancel = true)
                output.close()
                // A cancelled session (a server stop past its grace, close()) may have left queued
                // output the writer never sent, such as the shutdown notice: send it before closing.
                if (cutOffReason == null && !connection.isClosed) withTimeoutOrNull(FLUSH_TIMEOUT) {
                    output.awaitDrained()
                    connection.shutdownOutput()
                }
                connection.close()
                wire.closed()
            }
            session.tapsClosed()
            cutOffReason?.let { logger.warn { "session ${session.id} (${session.remoteAddress}) cut off: $it" } }
            // Only a session whose handler ran was reported opened; it is reported closed. (The field,
            // not a local: a local would be kept in this frame for the whole session.)
            if (handlerRunning) session.events.sessionClosed(session)
            admission.release()
        }
    }

    /**
     * After the opening: true if the handler is to run. A Telnet client that left during the
     * opening without a word is not served (nobody is there); one over a session limit filled meanwhile is
     * shown the busy line.
     */
    private fun admitted(): Boolean {
        if (abandonable && inputEnding && !receivedInput) {
            logger.debug { "session ${session.id} (${session.remoteAddress}): client gone before the session started" }
            return false
        }
        val refusal = admission.establish() ?: return true
        if (refusal != Admissions.Refusal.GONE) {
            logger.warn { "refused ${session.remoteAddress}: ${refusalText(refusal)}" }
            connection.terminal?.exitStatus = 1
            output.offer((settings.busyMessage + "\r\n").toByteArray(Charsets.UTF_8))
        }
        return false
    }

    // The session's own jobs besides its handler (a pause in reading, the linger after an end
    // request): children of one job, made when first needed (an idle session has none), that end
    // with run as the children of a coroutineScope around it would: waited for, and cancelled first
    // when run ends abnormally. Guarded by this object's lock.
    // Set when run starts (sessionJob is its job).
    @Volatile private var runContext: CoroutineContext? = null
    private var childScope: CoroutineScope? = null
    // The job of childScope, made with it.
    private val childJob: CompletableJob? get() = childScope?.coroutineContext?.job as CompletableJob?
    private var childrenEnded = false

    /** The scope for the session's own jobs; null once run has ended them (nothing new may start). */
    private fun childScope(): CoroutineScope? = synchronized(this) {
        if (childrenEnded) return null
        childScope?.let { return it }
        val context = runContext ?: return null
        val job = Job(context.job)
        CoroutineScope(context + job).also { childScope = it }
    }

    /** Ends the session's own jobs and its background jobs, and waits until they have. */
    private suspend fun endChildren(cancel: Boolean) {
        val job = synchronized(this) {
            childrenEnded = true
            childJob
        }
        if (job != null) {
            if (cancel) job.cancel() else job.complete()
            job.join()
        }
        session.joinBackground()
    }

    // ---- reading: driven by the transport, no coroutine waits for input ----
    // All of this runs on the connection's dispatcher thread, except the flag the handler's side reads.

    private var reading = false
    private var pausedForOutput = false
    private var pausedForInput = false
    // Input the session's queue had no room for (typed ahead while a command runs), text merged;
    // delivered as the handler takes what is queued. Reading goes on meanwhile, so that Ctrl-C still
    // reaches a running command, until PENDING_INPUT_LIMIT units wait: a character of text, or one
    // other item (an IAC EC, EL or IP each). Text past the limit pauses reading; an EC, EL or IP past
    // it is dropped instead (nothing a user types needs 16 K of them), so reading goes on and the
    // end of the connection is still seen.
    // Created with the first item held back: most sessions never type ahead that far.
    private var pendingInputs: ArrayDeque<SessionInput>? = null
    private var pendingChars = 0
    @Volatile private var hasPending = false
    // Made with the first input held back (before hasPending is first set): most sessions never need it.
    private var drainTask: Runnable? = null
    // The client's input has ended; the end goes to the handler once the type-ahead has.
    private var inputEnding = false
    // Anything for the handler has come (text, a key, an interrupt): a client that half-closes
    // after typing still has its session run.
    private var receivedInput = false
    // A Telnet connection whose input ends before it typed anything has nobody behind it. Not so
    // over SSH or a WebSocket: `ssh host cmd` runs its command with its input already ended.
    private val abandonable: Boolean get() = connection.terminal == null

    private fun startReading() {
        reading = true
        connection.startReading(this)
    }

    // From the handler's side (any thread): room in the session's input for type-ahead held back.
    override fun inputTaken() {
        if (hasPending) drainTask?.let { connection.dispatcher.dispatch(session.scope.coroutineContext, it) }
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
        session.events.statistics?.bytesRead(length)
        if (!reading) return
        // A list lent by this thread for the read: an idle session keeps none.
        val inputs = takeInputList()
        try {
            wire.receive(bytes, offset, length, inputs)
            dispatchInputs(inputs)
        } finally {
            giveInputList(inputs)
        }
        if (reading && !pausedForOutput && output.queuedBytes >= readPauseThreshold) pauseForOutput()
    }

    /** End of input: the handler sees it as readLine returning null, after any type-ahead. */
    override fun onEnd() {
        stopReading()
        inputEnding = true
        // Gone while opening, having typed nothing: its slot is free now, not when its coroutine ends.
        if (abandonable && !receivedInput) admission.releaseIfOpening()
        wire.inputEnded()
        // Type-ahead still waiting for room in the session's queue goes first: closing the queue
        // now would drop it (offerInput counts a closed queue as taken).
        if (pendingInputs.isNullOrEmpty()) session.input.close()
    }

    override fun onFailure(error: Throwable) {
        logger.debug { "session ${session.id}: read ended: ${error.message}" }
        // Not an end of input but a broken connection (reset): nothing more can be read or
        // written, so end the session now rather than when a running command happens to finish.
        stopReading()
        admission.releaseIfOpening()
        // A broken connection, not a client cut off by the server: not reported as a cut-off.
        cutOff("read failed: ${LogText.escape(error.message ?: error.toString())}", report = false)
    }

    private fun pauseForOutput() {
        pausedForOutput = true
        connection.setReading(false)
        childScope()?.launch {
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
        val pendingInputs = pendingInputs
        while (pendingInputs != null) {
            val item = pendingInputs.firstOrNull() ?: break
            if (!offerInput(item)) break
            pendingInputs.removeFirst()
            pendingChars -= pendingUnits(item)
        }
        hasPending = !pendingInputs.isNullOrEmpty()
        if (!hasPending) this.pendingInputs = null
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
        val pendingInputs = pendingInputs ?: ArrayDeque<SessionInput>().also { this.pendingInputs = it }
        val last = pendingInputs.lastOrNull()
        if (item is SessionInput.Text && last is SessionInput.Text) {
            pendingInputs[pendingInputs.size - 1] = SessionInput.Text(last.text + item.text)
        } else if (item is SessionInput.Bytes && last is SessionInput.Bytes) {
            pendingInputs[pendingInputs.size - 1] = SessionInput.Bytes(last.bytes + item.bytes)
        } else {
            pendingInputs.addLast(item)
        }
        pendingChars += pendingUnits(item)
        if (drainTask == null) drainTask = Runnable { drainPendingInputs() }
        hasPending = true
    }

    private fun pendingUnits(item: SessionInput): Int = when (item) {
        is SessionInput.Text -> item.text.length
        is SessionInput.Bytes -> item.bytes.size
        else -> 1
    }

    /** Queues [item] for the handler; false if the queue is full (input nobody will read is dropped). */
    private fun offerInput(item: SessionInput): Boolean = session.input.trySend(item)

    /** Hands what the last read brought to the session, pausing reads while its queue is full. */
    private fun dispatchInputs(inputs: List<SessionInput>) {
        if (inputs.isNotEmpty()) receivedInput = true
        for (item in inputs) {
            if (pendingInputs.isNullOrEmpty() && offerInput(item)) continue
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
        if (!handlerRunning || endSignaled || cutOffReason != null) return
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

    override fun cutOff(reason: String) = cutOff(reason, report = true)

    /** Ends the session at once, its queued output dropped; [report]s it to the server's statistics and observers. */
    private fun cutOff(reason: String, report: Boolean) {
        if (cutOffReason != null) return
        cutOffReason = reason
        session.requestEnd()
        output.discard()
        output.close()
        sessionJob?.cancel()
        if (report) session.events.cutOff(session, reason)
    }

    override fun endRequested() {
        synchronized(this) {
            if (endSignaled) return
            endSignaled = true
        }
        lingerAfterEnd()
    }

    /** The session was asked to end: give the handler a moment to return, then cancel it. */
    private fun lingerAfterEnd() {
        if (!handlerRunning) return
        synchronized(this) {
            if (lingerJob != null) return
            lingerJob = (childScope() ?: return).launch {
                delay(IDLE_GRACE)
                sessionJob?.cancel()
            }
        }
    }

    private companion object {
        // One list of a read's inputs per thread, lent to the read in progress (a read nested in
        // another on the same thread, should a transport do that, makes its own).
        private val spareInputLists = ThreadLocal<ArrayList<SessionInput>?>()
        private const val MAX_KEPT_INPUTS = 256

        fun takeInputList(): ArrayList<SessionInput> {
            val list = spareInputLists.get() ?: return ArrayList()
            spareInputLists.set(null)
            return list
        }

        fun giveInputList(list: ArrayList<SessionInput>) {
            if (list.size > MAX_KEPT_INPUTS) return
            list.clear()
            spareInputLists.set(list)
        }

        const val PENDING_INPUT_LIMIT = 16 * 1024
        const val MAX_READ_CHUNK = 64 * 1024
        val FLUSH_TIMEOUT = 2000.milliseconds
        val IDLE_GRACE = 1000.milliseconds
    }
}
