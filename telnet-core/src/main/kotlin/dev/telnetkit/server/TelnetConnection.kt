package dev.telnetkit.server
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.session.LogText
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.nio.EventLoop
import dev.telnetkit.transport.nio.LoopSocket

import dev.telnetkit.protocol.ProtocolEvent
import dev.telnetkit.protocol.TelnetProtocol
import dev.telnetkit.terminal.TextDecoder
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * The I/O of one session: reads the socket into the [TelnetProtocol], pumps the session's
 * [OutputQueue] to the socket, waits out the opening negotiation, watches for idleness and runs the
 * handler. Everything it starts is a child of the coroutine that calls [run], so it all ends together.
 */
internal class TelnetConnection(
    private val socket: LoopSocket,
    private val settings: ServerSettings,
    id: Long,
    remote: String,
) {
    private val output = OutputQueue(settings.outputBufferLimit, ::cutOff)
    // Wakes the negotiation wait on every read that brought negotiation; dropped once the session has started.
    @Volatile private var progress: Channel<Unit>? = Channel(Channel.CONFLATED)
    private val endSignal = CompletableDeferred<Unit>()
    @Volatile private var runScope: CoroutineScope? = null
    @Volatile private var lingerJob: Job? = null
    private var sessionJob: Job? = null
    @Volatile private var cutOffReason: String? = null

    val session = Session(id, remote, settings, output, ::cutOff, ::endRequested)
    private val textDecoder = TextDecoder(session.encoding)
    // Input is read in chunks small against the output limit (an eighth: with the few reads the
    // session's input holds, at most six are in flight), and reading pauses while a quarter of the
    // limit is queued, so the echo of fast input cannot by itself overflow a reading client's output.
    private val readPauseThreshold = settings.outputBufferLimit / 4L
    private val readChunk = (settings.outputBufferLimit / 8).coerceAtMost(EventLoop.READ_BUFFER)

    /** Runs the session to its end; never throws except for cancellation. */
    suspend fun run(handler: SessionHandler) {
        sessionJob = currentCoroutineContext().job
        try {
            socket.register()
            socket.onFailure = { e -> cutOff("failed on the event loop: ${LogText.escape(e.toString())}") }
            output.attach(socket)
            coroutineScope {
                // Background jobs of the session (timers and the like) end with its handler.
                val background = SupervisorJob(coroutineContext.job)
                session.scope = CoroutineScope(coroutineContext + background)
                session.protocol = TelnetProtocol(settings.protocol, session::sendRaw, ::onProtocolEvent)
                synchronized(session.protocolLock) { session.protocol.open() }
                ioScope = this
                startReading()
                awaitNegotiation()
                progress = null
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
                if (cutOffReason == null && !socket.isClosed) withTimeoutOrNull(FLUSH_TIMEOUT) {
                    output.awaitDrained()
                    socket.shutdownOutput()
                }
                socket.close()
            }
            cutOffReason?.let { logger.warn { "session ${session.id} (${session.remoteAddress}) cut off: $it" } }
        }
    }

    // ---- reading: driven by the loop's selector, no coroutine waits for input ----
    // All of this runs on the session's loop thread, except the flag the handler's side reads.

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
    private val readTask = Runnable { onReadable() }
    private val drainTask = Runnable { drainPendingInputs() }

    private fun startReading() {
        reading = true
        session.onInputTaken = Runnable { if (hasPending) socket.loop.dispatchTask(drainTask) }
        socket.onReadable(readTask)
        socket.wantRead(true)
    }

    private fun stopReading() {
        reading = false
        socket.wantRead(false)
    }

    /**
     * Reads what has arrived and hands it on. Back-pressure: while the handler has not taken the
     * input already read, or the client has not read the output its input caused (echo, bells,
     * answers), its input is not read either, so TCP slows the sender down; a client that reads
     * nothing at all for outputStallTimeout meanwhile is cut off.
     */
    private fun onReadable() {
        try {
            while (reading && !pausedForInput && !pausedForOutput) {
                if (output.queuedBytes >= readPauseThreshold) {
                    pauseForOutput()
                    return
                }
                // The loop's shared buffer: an idle session holds no read buffer, and the decoder
                // copies what it keeps before this returns.
                val n = socket.readNow(readChunk)
                if (n == 0) return
                if (n < 0) {
                    endOfInput()
                    return
                }
                val buffer = socket.loop.readBuffer
                val negotiated = synchronized(session.protocolLock) {
                    val before = session.protocol.negotiationsReceived
                    session.gatherReplies()
                    try {
                        session.protocol.receive(buffer.array(), buffer.arrayOffset() + buffer.position(), n)
                    } finally {
                        session.sendGatheredReplies()
                    }
                    session.protocol.negotiationsReceived != before
                }
                dispatchEvents()
                // Only negotiation re-arms the opening wait: data typed or pasted meanwhile (netcat)
                // must not hold the prompt back.
                if (negotiated) progress?.trySend(Unit)
                // A read that did not fill the buffer emptied the socket: the selector says when more comes.
                if (n < readChunk) return
            }
        } catch (e: Exception) {
            logger.debug { "session ${session.id}: read ended: ${e.message}" }
            // Not an end of input but a broken connection (reset): nothing more can be read or
            // written, so end the session now rather than when a running command happens to finish.
            stopReading()
            cutOff("read failed: ${e.message}")
        }
    }

    /** End of input: the handler sees it as readLine returning null, after any type-ahead. */
    private fun endOfInput() {
        stopReading()
        session.input.close()
        progress?.trySend(Unit)
    }

    private fun pauseForOutput() {
        pausedForOutput = true
        socket.wantRead(false)
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
        socket.wantRead(true)
        onReadable()
    }

    private fun drainPendingInputs() {
        while (true) {
            val item = pendingInputs.firstOrNull() ?: break
            if (!offerInput(item)) break
            pendingInputs.removeFirst()
            pendingChars -= pendingUnits(item)
        }
        hasPending = pendingInputs.isNotEmpty()
        if (pausedForInput && pendingChars <= PENDING_INPUT_LIMIT) {
            pausedForInput = false
            resumeReading()
        }
    }

    private fun addPending(item: SessionInput) {
        val last = pendingInputs.lastOrNull()
        if (item is SessionInput.Text && last is SessionInput.Text) {
            pendingInputs[pendingInputs.size - 1] = SessionInput.Text(last.text + item.text)
        } else {
            pendingInputs.addLast(item)
        }
        pendingChars += pendingUnits(item)
        hasPending = true
    }

    private fun pendingUnits(item: SessionInput): Int = if (item is SessionInput.Text) item.text.length else 1

    /** Queues [item] for the handler; false if the queue is full (input nobody will read is dropped). */
    private fun offerInput(item: SessionInput): Boolean {
        val result = session.input.trySend(item)
        return result.isSuccess || result.isClosed
    }

    // Events are collected under the protocol lock and handled after it is released: handling may
    // take the session's screen lock (never held while taking the protocol lock) or suspend.
    private val collected = ArrayList<ProtocolEvent>()
    private val inputs = ArrayList<SessionInput>()

    private fun onProtocolEvent(event: ProtocolEvent) {
        collected.add(event)
    }

    /**
     * Applies what the last read brought: facts, answers and interrupts at once, in wire order;
     * then hands typed input to the session, pausing reads while its queue is full.
     */
    private fun dispatchEvents() {
        for (event in collected) handle(event)
        collected.clear()
        for (item in inputs) {
            if (pendingInputs.isEmpty() && offerInput(item)) continue
            if (item !is SessionInput.Text && pendingChars >= PENDING_INPUT_LIMIT) continue
            addPending(item)
        }
        inputs.clear()
        if (pendingChars > PENDING_INPUT_LIMIT) {
            pausedForInput = true
            socket.wantRead(false)
        }
    }

    private fun handle(event: ProtocolEvent) {
        when (event) {
            is ProtocolEvent.Data -> {
                session.touched()
                var text = textDecoder.decode(event.bytes)
                // In character mode Ctrl-C is the interrupt key (in line mode the client sends IAC IP).
                // Taken by a listener (a running command), it is not also left for the next prompt.
                if (text.indexOf(CTRL_C) >= 0 && session.serverEchoes && session.interruptRequested()) {
                    text = text.replace(CTRL_C.toString(), "")
                }
                if (text.isNotEmpty()) inputs.add(SessionInput.Text(text))
            }
            is ProtocolEvent.Interrupt -> {
                session.touched()
                if (!session.interruptRequested()) inputs.add(SessionInput.Interrupt)
            }
            ProtocolEvent.EraseCharacter -> inputs.add(SessionInput.EraseCharacter)
            ProtocolEvent.EraseLine -> inputs.add(SessionInput.EraseLine)
            ProtocolEvent.AreYouThere -> session.writeMessage(settings.areYouThereAnswer)
            ProtocolEvent.AbortOutput -> output.discardData()
            is ProtocolEvent.WindowSize -> if (event.width > 0 && event.height > 0) session.resized(TerminalSize(event.width, event.height))
            is ProtocolEvent.TerminalTypes -> {
                session.terminalTypes = event.all
                session.terminalType = event.chosen
            }
            is ProtocolEvent.Environment -> applyEnvironment(event)
            is ProtocolEvent.CharsetChanged -> {
                session.encoding = event.charset
                textDecoder.switchTo(event.charset)
            }
            is ProtocolEvent.TerminalSpeed -> session.terminalSpeed = "${event.transmit},${event.receive}"
            is ProtocolEvent.DisplayLocation -> session.displayLocation = event.location
            is ProtocolEvent.OptionChanged -> session.optionChanged(event.side, event.option, event.enabled)
            is ProtocolEvent.Warning -> logger.debug { "session ${session.id}: ${LogText.escape(event.message)}" }
        }
    }

    /**
     * Applies NEW-ENVIRON variables to the session: `IS` replaces, `INFO` updates, a null value
     * removes. Well-known and user variables stay in their own maps; together they hold at most
     * maxEnvironmentVariables names.
     */
    private fun applyEnvironment(event: ProtocolEvent.Environment) {
        val vars = if (event.replace) LinkedHashMap() else LinkedHashMap(session.environment)
        val userVars = if (event.replace) LinkedHashMap() else LinkedHashMap(session.userEnvironment)
        val limit = settings.protocol.maxEnvironmentVariables
        fun merge(target: MutableMap<String, String>, updates: Map<String, String?>) {
            for ((name, value) in updates) {
                if (value == null) target.remove(name)
                else if (name in target || vars.size + userVars.size < limit) target[name] = value
            }
        }
        merge(vars, event.variables)
        merge(userVars, event.userVariables)
        session.environment = vars
        session.userEnvironment = userVars
    }

    /**
     * Waits until the client has answered everything asked at connect, or for [ServerSettings.connectMaxWait]
     * since the last negotiation it sent (at most five times that in all), whichever comes first.
     * Plain data never re-arms the wait.
     */
    private suspend fun awaitNegotiation() {
        val maxWait = settings.connectMaxWait.toKotlinDuration()
        val deadline = System.nanoTime() + (maxWait * 5).inWholeNanoseconds
        while (true) {
            if (synchronized(session.protocolLock) { session.protocol.isSettled }) return
            // The client already left (or half-closed): nothing more will be answered.
            if (session.input.isClosedForSend) return
            val left = (deadline - System.nanoTime()).nanoseconds
            if (!left.isPositive()) return
            val signal = progress ?: return
            withTimeoutOrNull(minOf(maxWait, left)) { signal.receive() } ?: return
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
        runCatching { socket.close() }
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
        const val CTRL_C = '\u0003'
        const val PENDING_INPUT_LIMIT = 16 * 1024
        val FLUSH_TIMEOUT = 2000.milliseconds
        val IDLE_GRACE = 1000.milliseconds
    }
}
