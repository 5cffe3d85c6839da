package dev.telnetkit.session

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.ansi.ColorLevel
import dev.telnetkit.terminal.AnsiStyle
import dev.telnetkit.terminal.Completer
import dev.telnetkit.terminal.CompletionRequest
import dev.telnetkit.terminal.History
import dev.telnetkit.terminal.Key
import dev.telnetkit.terminal.KeyDecoder
import dev.telnetkit.terminal.KeySink
import dev.telnetkit.terminal.KeyText
import dev.telnetkit.terminal.KillBuffer
import dev.telnetkit.terminal.LineEditor
import dev.telnetkit.terminal.TextEncoder
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.delay
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.job
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import io.github.oshai.kotlinlogging.KotlinLogging
import java.nio.charset.Charset
import java.security.cert.X509Certificate
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * One user's terminal, as a handler sees it: what the terminal told us, and the ways to write to it
 * and read lines from it. The same over every transport (Telnet, TLS, SSH, a browser, memory):
 * nothing here depends on the wire protocol that carries the session.
 *
 * Terminal facts ([terminalType], [width], [height], [environment], [userEnvironment], [encoding])
 * are filled in before the handler starts (by Telnet option negotiation, or handed in by the
 * transport) and change live (a window resize updates [width] and [height] and calls the
 * [ResizeListener]s). They may be read from any thread.
 *
 * Output: [write] and [writeLine] suspend while the client is slow to read (bounded by
 * the server's `outputBufferLimit`); [writeMessage] never suspends and may be called from any
 * thread at any time. All output goes through one serialising point, so a message never lands in
 * the middle of an echoed character or a prompt: while [readLine] waits, a message appears on its
 * own line and the prompt and the text typed so far are drawn again below it.
 */
public class Session internal constructor(
    /** A number unique among the sessions of one server. */
    public val id: Long,
    /** The client's address and port, such as `127.0.0.1:53412`. */
    public val remoteAddress: String,
    /** The client's IP address, without the port. */
    public val remoteHost: String,
    /** The name of the transport that carries this session: `nio`, `tls`, `ktor`, `memory`, ... */
    public val transport: String,
    private val settings: SessionLimits,
    private val output: OutputQueue,
    private val owner: SessionOwner,
    /**
     * The client's certificate chain, leaf first, when the transport verified one before the session
     * started (TLS with client certificates: `ClientAuth.REQUIRED`, or `WANTED` and the client sent
     * one); empty otherwise. The leaf's `subjectX500Principal` names the client; the shell's login
     * still runs unless the handler decides otherwise.
     */
    public val peerCertificates: List<X509Certificate> = emptyList(),
) {
    /** The wire layer below: set by the connection before anything is written or read. */
    internal lateinit var link: TerminalLink

    /** The server's statistics and observers (shared by all its sessions: no field of this one). */
    internal val events: SessionEvents get() = settings.events
    // Reads are cancellation-safe (a withTimeoutOrNull around readKey or a binary read loses
    // nothing): a reader waits for input without taking it, and what it took but did not use goes
    // back in front of the queue (putBack), to be read first.
    internal val input = SessionInputQueue(INPUT_CAPACITY, this)
    // Created with the first trigger: most sessions have none.
    @Volatile private var inputTriggers: CopyOnWriteArrayList<Pair<String, InputTrigger>>? = null
    // Set by nextKey when the input held a trigger: the reader runs it, then reads on.
    private var firedTrigger: InputTrigger? = null
    // Raw transfer under way: messages wait, so they cannot land inside the transfer's bytes.
    @Volatile private var transferring = false
    // Created with the first message held back (screenLock).
    private var heldMessages: ArrayDeque<String>? = null
    @Volatile private var interruptsAsInput = 0

    // The lock of everything drawn on the screen. The type-ahead queue, never locked otherwise,
    // serves as its object: one object fewer in every session.
    private val screenLock: Any get() = keys
    // Guards the creation of the listener and trigger lists (never held while calling out).
    private val listenerLock: Any get() = input
    private val startNanos = System.nanoTime()
    @Volatile private var lastInputNanos = startNanos
    // Created with the first listener (most sessions at a prompt have none): see listenerList.
    @Volatile private var resizeListeners: CopyOnWriteArrayList<ResizeListener>? = null
    @Volatile private var interruptListeners: CopyOnWriteArrayList<InterruptListener>? = null
    // The session taps (recording): null, one SessionTap, or an Array<SessionTap> of two or more;
    // replaced whole under listenerLock. One field, null in a session nobody records.
    @Volatile private var taps: Any? = null
    private val keyDecoder = KeyDecoder()
    // Type-ahead: keys decoded but not read yet; also the sink the decoder fills.
    private val keys = KeyQueue()
    private val typeAhead: KeySink get() = keys
    private var activeEditor: LineEditor? = null
    // The session's own editor, made with its first line and reset for each one after (screenLock);
    // busy while a read uses it, so a read nested in a trigger's action makes one of its own.
    private var lineEditor: LineEditor? = null
    private var lineEditorBusy = false
    // What Ctrl-Y yanks: one for the session, so a kill at one prompt can be yanked at the next.
    private val killBuffer = KillBuffer()
    @Volatile private var ending = false

    /** When the connection was accepted. */
    public val startTime: Instant get() = Instant.ofEpochSecond(0, startEpochNanos)

    // startTime, kept as one number (nanoseconds since the epoch: good until 2262) rather than an Instant.
    private val startEpochNanos: Long

    init {
        val now = Instant.now()
        startEpochNanos = now.epochSecond * 1_000_000_000L + now.nano
    }

    /** How long the session has lasted so far. */
    public val duration: Duration get() = Duration.ofNanos(System.nanoTime() - startNanos)

    /** How long since the user last typed anything. */
    public val idle: Duration get() = Duration.ofNanos(System.nanoTime() - lastInputNanos)

    /** The terminal type (TTYPE), lower-cased, such as `xterm-256color`; `unknown` if never told. */
    @Volatile public var terminalType: String = "unknown"
        internal set

    /** Every name the client gave during the TTYPE cycle, in order. */
    @Volatile public var terminalTypes: List<String> = emptyList()
        internal set

    /** The terminal size (NAWS), or [TerminalSize.DEFAULT] until the client reports one. */
    @Volatile public var size: TerminalSize = TerminalSize.DEFAULT
        internal set

    /** The terminal width in columns. */
    public val width: Int get() = size.width

    /** The terminal height in rows. */
    public val height: Int get() = size.height

    /**
     * The well-known variables the client reported with NEW-ENVIRON (`VAR`). RFC 1572 defines six:
     * `USER`, `JOB`, `ACCT`, `PRINTER`, `SYSTEMTYPE` and `DISPLAY`; clients such as GNU inetutils
     * telnet send every other name (`LANG`, `COLORTERM`, ...) as a `USERVAR`, so look for those in
     * [userEnvironment]. Client-controlled: treat the values as untrusted input. The client's own
     * variables are in [userEnvironment], never here.
     */
    @Volatile public var environment: Map<String, String> = emptyMap()
        internal set

    /**
     * The user variables the client reported with NEW-ENVIRON (`USERVAR`: such as `COLORTERM`),
     * kept apart from [environment]: a `USERVAR USER=root` never changes `environment["USER"]`.
     * Client-controlled: treat the values as untrusted input.
     */
    @Volatile public var userEnvironment: Map<String, String> = emptyMap()
        internal set

    /** The charset of text in both directions: UTF-8 unless Telnet CHARSET agreed another. */
    @Volatile public var encoding: Charset = settings.charset
        internal set

    /**
     * The lines this user entered, oldest first, for Up/Down and Ctrl-R; bounded by
     * the server's `historySize`. Handlers may read and edit it.
     */
    public val history: History = History(settings.historySize)

    /** The client's terminal speed as `transmit,receive` (TSPEED), if it told. */
    @Volatile public var terminalSpeed: String? = null
        internal set

    /** The client's X display location (XDISPLOC), if it told. */
    @Volatile public var displayLocation: String? = null
        internal set

    /**
     * True if the server echoes and edits what the user types (character mode: a Telnet client that
     * agreed to `WILL ECHO`, an SSH PTY, a browser terminal); false in line mode, where the client
     * edits and echoes each line itself.
     */
    public val serverEchoes: Boolean get() = link.echoes

    /**
     * Calls [listener] whenever the user asks to interrupt, until removed. While any listener is
     * registered, the interrupt goes to the listeners only (a running command is cancelled and the
     * next prompt does not see a stray Ctrl-C); otherwise it abandons the line being typed.
     */
    public fun addInterruptListener(listener: InterruptListener) {
        (interruptListeners ?: synchronized(listenerLock) {
            interruptListeners ?: CopyOnWriteArrayList<InterruptListener>().also { interruptListeners = it }
        }).add(listener)
    }

    /** Stops calling [listener]. */
    public fun removeInterruptListener(listener: InterruptListener) {
        interruptListeners?.remove(listener)
    }

    /**
     * Starts [block] as a child of this session (a timer, a background job): it is cancelled when
     * the session ends, and a failure in it is logged without ending the session.
     */
    @JvmSynthetic
    public fun launch(block: suspend CoroutineScope.() -> Unit): Job =
        scope.launch(CoroutineExceptionHandler { _, e -> logger.error(LogText.safe(e)) { "session $id: background job failed" } }) { block() }

    /**
     * Runs [task] once after [delay] (zero: as soon as possible), for Java and blocking code (Kotlin
     * can also use [launch] with `delay`). The task may block: it runs where the session's blocking
     * code runs (the server's blocking executor, see `ServerSettings.blockingExecutor`), never on an
     * event-loop thread, so it may call the blocking forms such as [writeLine] or, to show text above
     * the prompt the user is typing at, [writeMessage].
     *
     * The timer is a child of the session: it is cancelled when the session ends, and a run under
     * way is interrupted then. A task that throws is logged and does not end the session.
     * @throws IllegalArgumentException when [delay] is negative.
     */
    public fun schedule(delay: Duration, task: Runnable): SessionTimer {
        require(!delay.isNegative) { "delay must not be negative, got $delay" }
        val delayNanos = delay.toNanosSaturated()
        return startTimer {
            delayNanos(delayNanos)
            runTimerTask(task)
        }
    }

    /**
     * Runs [task] after [initialDelay], then every [period] until cancelled or the session ends:
     * as [schedule], which tells where the task runs. Runs never overlap: a run that takes longer
     * than [period] delays the next one, which then starts at once, and runs missed meanwhile are
     * not made up in a burst. A run that throws is logged and the timer keeps going (cancel it to
     * stop it, from the task itself if need be).
     * @throws IllegalArgumentException when [initialDelay] is negative or [period] is not positive.
     */
    public fun scheduleAtFixedRate(initialDelay: Duration, period: Duration, task: Runnable): SessionTimer {
        require(!initialDelay.isNegative) { "initialDelay must not be negative, got $initialDelay" }
        require(!period.isNegative && !period.isZero) { "period must be positive, got $period" }
        val initialNanos = initialDelay.toNanosSaturated()
        val periodNanos = period.toNanosSaturated()
        return startTimer {
            var next = System.nanoTime() + initialNanos
            while (true) {
                delayNanos(next - System.nanoTime())
                runTimerTask(task)
                next += periodNanos
                val now = System.nanoTime()
                if (next - now < 0) next = now
            }
        }
    }

    private fun startTimer(body: suspend () -> Unit): SessionTimer {
        val job = scope.launch(CoroutineName("session-$id-timer")) {
            try {
                body()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                logger.error(LogText.safe(e)) { "session $id: timer failed" }
            }
        }
        return JobTimer(job)
    }

    /** Runs [task] where blocking is allowed; a failure is logged, a cancellation of the timer passed on. */
    private suspend fun runTimerTask(task: Runnable) {
        try {
            runBlockingCode { task.run() }
        } catch (e: CancellationException) {
            // Ours (the timer or the session cancelled) ends the timer; one the task threw is a failure.
            currentCoroutineContext().ensureActive()
            logger.error(LogText.safe(e)) { "session $id: timer task failed" }
        } catch (e: Throwable) {
            logger.error(LogText.safe(e)) { "session $id: timer task failed" }
        }
    }

    private class JobTimer(private val job: Job) : SessionTimer {
        override fun cancel() {
            job.cancel()
        }
        override val isCancelled: Boolean get() = job.isCancelled
        override val isDone: Boolean get() = job.isCompleted
    }

    /**
     * Passes what goes through this session's terminal to [tap] (its output, what a visible read
     * takes of the input, resizes, the end) until removed: see [SessionTap] for what it sees and
     * never sees. Thread-safe; adding a tap already added adds it again. A tap added once the
     * session has ended hears [SessionTap.closed] at once.
     */
    public fun addTap(tap: SessionTap) {
        val ended = synchronized(listenerLock) {
            taps = when (val now = taps) {
                EndedTaps -> return@synchronized true
                null -> tap
                is SessionTap -> arrayOf(now, tap)
                else -> @Suppress("UNCHECKED_CAST") (now as Array<SessionTap>).plus(tap)
            }
            false
        }
        // The session has ended: the tap hears its end now, as it would have then.
        if (ended) tapSafely(tap, "closed") { it.closed() }
    }

    /** Stops passing anything to [tap] (once, if it was added more than once). */
    public fun removeTap(tap: SessionTap) {
        synchronized(listenerLock) {
            val now = taps
            if (now === tap) {
                taps = null
            } else if (now is Array<*>) {
                val index = now.indexOfFirst { it === tap }
                if (index >= 0) {
                    val left = now.filterIndexed { i, _ -> i != index }
                    @Suppress("UNCHECKED_CAST")
                    taps = if (left.size == 1) left[0] else (left as List<SessionTap>).toTypedArray()
                }
            }
        }
    }

    /** What [taps] holds once the session has ended: a tap that hears nothing. */
    private object EndedTaps : SessionTap

    /** Calls [call] for every tap; one that throws is logged and removed. */
    private inline fun eachTap(what: String, call: (SessionTap) -> Unit) {
        when (val now = taps ?: return) {
            is SessionTap -> tapSafely(now, what, call)
            else -> @Suppress("UNCHECKED_CAST") for (tap in now as Array<SessionTap>) tapSafely(tap, what, call)
        }
    }

    private inline fun tapSafely(tap: SessionTap, what: String, call: (SessionTap) -> Unit) {
        try {
            call(tap)
        } catch (e: VirtualMachineError) {
            throw e
        } catch (e: Throwable) {
            tapFailed(tap, what, e)
        }
    }

    private fun tapFailed(tap: SessionTap, what: String, e: Throwable) {
        logger.error(LogText.safe(e)) { "session $id: a session tap failed in $what; it is removed, the session goes on" }
        removeTap(tap)
    }

    /** Passes output bytes (in [encoding], before the wire encoding) to the taps, if any. */
    private fun tapOutput(bytes: ByteArray) {
        if (taps == null || bytes.isEmpty()) return
        eachTap("output") { it.output(bytes, 0, bytes.size) }
    }

    /** Passes what a visible read took of the input to the taps, if any. */
    private fun tapInput(text: String) {
        if (taps == null || text.isEmpty()) return
        eachTap("input") { it.input(text) }
    }

    /** The session has ended: the taps hear it once, and are let go. */
    internal fun tapsClosed() {
        // Swapped first: a tap added from now on is told at once (addTap), none is missed or kept.
        val ended = synchronized(listenerLock) { taps.also { taps = EndedTaps } } ?: return
        when (ended) {
            is SessionTap -> tapSafely(ended, "closed") { it.closed() }
            else -> @Suppress("UNCHECKED_CAST") for (tap in ended as Array<SessionTap>) tapSafely(tap, "closed") { it.closed() }
        }
    }

    /** Calls [listener] on every window resize until removed. */
    public fun addResizeListener(listener: ResizeListener) {
        (resizeListeners ?: synchronized(listenerLock) {
            resizeListeners ?: CopyOnWriteArrayList<ResizeListener>().also { resizeListeners = it }
        }).add(listener)
    }

    /** Stops calling [listener]. */
    public fun removeResizeListener(listener: ResizeListener) {
        resizeListeners?.remove(listener)
    }

    /**
     * Writes [text]; `\n` goes out as CR LF. Suspends while the client is slow to read; a client
     * that reads nothing for the server's `outputStallTimeout` is cut off.
     */
    @JvmSynthetic
    public suspend fun write(text: String) {
        // A cancellation point even when nothing suspends: once the client is cut off (or the session
        // is cancelled) the queue is empty and closed, so a writing loop would otherwise spin forever.
        currentCoroutineContext().ensureActive()
        if (text.isEmpty()) return
        if (!awaitRoom(text.length)) return
        synchronized(screenLock) { send(text) }
    }

    /** Writes [text] and a line break. */
    @JvmSynthetic
    public suspend fun writeLine(text: String = "") {
        // As write(text + "\n"), without making that string.
        currentCoroutineContext().ensureActive()
        if (!awaitRoom(text.length + 1)) return
        synchronized(screenLock) { sendLine(text) }
    }

    /** Waits for room for [chars] of output; false (the client cut off) when it read nothing for outputStallTimeout. */
    private suspend fun awaitRoom(chars: Int): Boolean {
        if (output.awaitRoom(chars, settings.outputStallTimeout.toKotlinDuration())) return true
        owner.cutOff("client read nothing for ${settings.outputStallTimeout.toMillis()} ms")
        return false
    }

    /** Writes [text] as a command's normal output, followed by a line break. */
    @JvmSynthetic
    public suspend fun writeResponse(text: String): Unit = writeLine(text)

    /**
     * Writes [text] as an error line, formatted by the session's [errorFormatter]. Where the
     * transport keeps errors apart (an SSH channel without a terminal: stderr) it goes there.
     */
    @JvmSynthetic
    public suspend fun writeError(text: String) {
        val line = errorFormatter.formatError(this, text)
        if (!link.separateErrors) return writeLine(line)
        currentCoroutineContext().ensureActive()
        val bytes = TextEncoder.crlfBytes(line + "\n", encoding)
        if (taps != null) synchronized(screenLock) { tapOutput(bytes) }
        if (!link.writeError(link.encode(bytes))) {
            logger.debug { "session $id: an error line was dropped, the client reads nothing" }
        }
    }

    /**
     * True when a terminal shows what the session writes (Telnet, an SSH PTY, a browser); false
     * for a pipe (`ssh -T`, `ssh host cmd`), where prompts are not written and the shell leaves out
     * its welcome and goodbye, so that the output is the commands' alone.
     */
    public val isTerminal: Boolean get() = link.showsPrompts

    /**
     * The one command line the client asked to run instead of an interactive session (`ssh host
     * echo hi`), or null. The shell runs it without a prompt and ends the session with its status.
     */
    public val command: String? get() = link.command

    /**
     * The status the session ends with, as a shell's: 0 for success. The shell sets it after each
     * command (1 when it failed, 2 for a line it could not parse, 127 for an unknown command, 130
     * when interrupted); a handler may set it too. SSH reports it to the client as `exit-status`;
     * over Telnet it is not sent.
     */
    @Volatile public var exitStatus: Int = 0
        set(value) {
            field = value
            link.exitStatusChanged(value)
        }

    /**
     * How `writeError` formats errors; the shell sets it from its settings. It runs on the caller's
     * thread (an event loop, for Kotlin handlers): see [ErrorFormatter] for what it may do there.
     */
    @Volatile public var errorFormatter: ErrorFormatter = ErrorFormatter.PLAIN

    /**
     * The name the user logged in with: set by the shell's login, or by a transport that
     * authenticated the user itself (SSH); null when there was no login.
     */
    @Volatile public var username: String? = null
        internal set

    /**
     * Whether ANSI styles are used: true unless turned off here or the terminal type is dumb,
     * unknown or not told (raw clients such as netcat).
     */
    @Volatile public var ansiEnabled: Boolean = true
        get() = field && terminalType !in AnsiStyle.PLAIN_TERMINALS

    /**
     * How much of ANSI this terminal shows: [ColorLevel.NONE] whenever [ansiEnabled] is false;
     * otherwise the level set here by a handler, or else the one [ColorLevel.detect] finds in
     * [terminalTypes] (MTTS included), [environment] and [userEnvironment] (`COLORTERM`). Setting it
     * overrides the detection (a user's choice in a settings menu); it never turns ANSI back on
     * for a dumb terminal: [ansiEnabled] does.
     */
    public var colorLevel: ColorLevel
        get() = if (!ansiEnabled) ColorLevel.NONE else colorLevelChoice ?: ColorLevel.detect(terminalTypes, environment, userEnvironment)
        set(value) {
            colorLevelChoice = value
        }

    @Volatile private var colorLevelChoice: ColorLevel? = null

    /**
     * [text] in the given [styles] as [colorLevel] shows them: plain at [ColorLevel.NONE] (and
     * whenever [ansiEnabled] is false), without the colours at [ColorLevel.ATTRIBUTES_ONLY].
     */
    public fun styled(text: String, vararg styles: AnsiStyle): String {
        val level = colorLevel
        if (!level.showsEscapes) return text
        return AnsiStyle.apply(text, *if (level.showsColor) styles else styles.filterNot { it.isColor }.toTypedArray())
    }

    /**
     * Writes [bytes] exactly as they are, not through [encoding] and with no line-break
     * translation (Telnet still doubles IAC): for text in a charset of its own, such as CP437 ANSI
     * art for a BBS terminal (`writeArt` in `SessionAnsi`). Suspends while the client is slow to
     * read, as [write] does.
     */
    @JvmSynthetic
    public suspend fun writeBytes(bytes: ByteArray) {
        currentCoroutineContext().ensureActive()
        if (bytes.isEmpty()) return
        if (!output.awaitRoom(bytes.size, settings.outputStallTimeout.toKotlinDuration())) {
            owner.cutOff("client read nothing for ${settings.outputStallTimeout.toMillis()} ms")
            return
        }
        synchronized(screenLock) {
            tapOutput(bytes)
            if (!output.offer(link.encode(bytes))) owner.cutOff("more than ${settings.outputBufferLimit} bytes of output unread")
        }
    }

    /** [writeBytes] for Java and blocking handlers. */
    @JvmName("writeBytes")
    public fun writeBytesBlocking(bytes: ByteArray): Unit = blocking { writeBytes(bytes) }

    /**
     * Shows [text] as a message of its own, from any thread, without suspending. While [readLine]
     * waits, the message appears above the prompt, and the prompt, the text typed so far and the
     * cursor are drawn again below it exactly as they were; otherwise it is printed plainly.
     * A client whose unread output exceeds the server's `outputBufferLimit` is cut off.
     */
    public fun writeMessage(text: String) {
        synchronized(screenLock) {
            if (transferring) {
                // Shown once the transfer is over; a bounded number, the oldest dropped first.
                val held = heldMessages ?: ArrayDeque<String>().also { heldMessages = it }
                if (held.size >= HELD_MESSAGES_LIMIT) held.removeFirst()
                held.addLast(text)
                return
            }
            val editor = activeEditor
            if (editor == null) {
                send(if (text.endsWith("\n")) text else text + "\n")
            } else {
                editor.render = serverEchoes
                editor.showMessage(text)
                sendOutput(editor)
                // The prompt stands alone again below the message: mark it again (EOR, GA).
                if (editor.isLineEmpty && link.showsPrompts) link.promptShown()
            }
        }
    }

    /**
     * Shows [prompt] (not where no terminal shows it: a pipe, as `ssh -T`) and reads one line
     * with the full line editor (see [LineEditor]): arrows,
     * word moves, kill and yank, history with Up/Down and Ctrl-R, Tab completion through
     * [completer]. In line mode (the client refused character mode) the client edits the line
     * itself and the server draws nothing of it. The completer is asked on the caller's thread
     * (the event loop, for a Kotlin handler) outside the session's locks, or where blocking is
     * allowed when it is a [Completer.blocking] one; see [Completer].
     *
     * With [echo] false nothing typed reaches the screen, not even its length (for passwords), and
     * the line never enters the history; with [history] false the line is not recorded and Up/Down
     * do nothing. Ctrl-C (or Telnet IP/BRK) abandons the line and prompts again, or, with
     * [interruptible] true, throws [InputInterruptedException] so the caller can abandon more
     * (the shell drops a command being continued over several lines).
     *
     * Returns null when the input has ended: the client closed it, typed Ctrl-D on an empty line,
     * or the session is ending. A line the client leaves unfinished when it closes its input is
     * returned in line mode (`printf 'cmd' | nc` sends its command that way) but never in character
     * mode, where the user saw it as not yet entered. Only one read may be active at a time.
     *
     * For form fields: with [mask] set each typed character shows as that one (`*` for a password
     * whose length may show; in line mode, where the client echoes, the input is hidden instead), and
     * the line never enters the history; [maxLength] refuses characters beyond it with a bell
     * (the server's `maxLineLength` bounds it too); [initial] is already on the line, editable.
     */
    @JvmSynthetic
    public suspend fun readLine(
        prompt: String = "",
        echo: Boolean = true,
        history: Boolean = true,
        completer: Completer? = null,
        interruptible: Boolean = false,
        mask: Char? = null,
        maxLength: Int = Int.MAX_VALUE,
        initial: String = "",
    ): String? {
        require(maxLength >= 1) { "maxLength must be positive, was $maxLength" }
        // A masked field in line mode: the client would echo the text itself, so it is hidden instead.
        val hidden = !echo || (mask != null && !serverEchoes)
        // In line mode the client echoes what is typed; for a hidden read, the wire layer asks it to
        // stop (Telnet: WILL ECHO) and gives echoing back afterwards, where it can.
        val hideLocally = hidden && !serverEchoes && link.hideTypedInput()
        val field: LineField
        val shownPrompt: String
        try {
            field = LineField.of(!hidden, history && mask == null, mask.takeUnless { hidden }, minOf(maxLength, settings.maxLineLength), initial)
            // No terminal (a pipe): no prompt, as a shell without one writes none.
            shownPrompt = if (link.showsPrompts) prompt else ""
        } catch (e: Throwable) {
            if (hideLocally) link.restoreTypedInput()
            throw e
        }
        // Tail calls only: a read waiting at its prompt keeps no suspended frame of readLine's.
        return if (hideLocally) readHiddenLine(shownPrompt, field, completer, interruptible)
        else readEditedLine(shownPrompt, field, completer, interruptible)
    }

    /** [readEditedLine] for a hidden read in line mode: the client's echo is given back afterwards. */
    private suspend fun readHiddenLine(prompt: String, field: LineField, completer: Completer?, interruptible: Boolean): String? {
        try {
            return readEditedLine(prompt, field, completer, interruptible)
        } finally {
            link.restoreTypedInput()
        }
    }

    /** How one read's line behaves: shown or hidden or masked, kept in the history, how long, what it starts with. */
    private class LineField(val echo: Boolean, val history: Boolean, val mask: Char?, val maxLength: Int, val initial: String) {
        companion object {
            // The field of a shell's command line (shown, kept in the history, nothing preset), for
            // the last maxLength asked: one for every such read rather than one per read.
            @Volatile private var plain: LineField? = null

            fun of(echo: Boolean, history: Boolean, mask: Char?, maxLength: Int, initial: String): LineField {
                if (!echo || !history || mask != null || initial.isNotEmpty()) return LineField(echo, history, mask, maxLength, initial)
                plain?.let { if (it.maxLength == maxLength) return it }
                return LineField(true, true, null, maxLength, "").also { plain = it }
            }
        }
    }

    private suspend fun readEditedLine(prompt: String, field: LineField, completer: Completer?, interruptible: Boolean): String? {
        // The locked work lives in plain functions: a synchronized block with returns inside a
        // suspend function's state machine is bytecode the JIT refuses to compile (it would run
        // interpreted, on every key of every line).
        val editor = startEditor(prompt, field, completer) ?: return null
        try {
            while (true) {
                // Waiting for input here, not inside nextKey and the queue: an idle session at its
                // prompt is parked with one suspended frame of the read, this one.
                if (keys.isEmpty() && !keyDecoder.hasPending && !ending) input.awaitAvailable()
                // Nearly always a key is there by now: taken without a suspending call (no frames made per line).
                var next = keyNow()
                if (next === NO_KEY_YET) next = nextKey()
                val key: Key = next ?: return inputEnded(editor)
                if (key === TRIGGER_FIRED) {
                    runTriggerDuringLine(editor, prompt)
                    continue
                }
                val outcome = handleKeys(editor, key, prompt, interruptible)
                if (outcome !== LineEditor.Outcome.Continue) return (outcome as? LineEditor.Outcome.Done)?.line
                if (completer != null) editor.pendingCompletion?.let { request -> complete(editor, completer, request) }
            }
        } finally {
            synchronized(screenLock) {
                if (activeEditor === editor) activeEditor = null
                if (editor === lineEditor) lineEditorBusy = false
            }
        }
    }

    /**
     * Runs the trigger found while [editor] reads: the line is left as it stands, the trigger's
     * output starts below it, and then the prompt and the text typed so far are drawn again.
     */
    private suspend fun runTriggerDuringLine(editor: LineEditor, prompt: String) {
        synchronized(screenLock) {
            editor.render = serverEchoes
            editor.leaveLine()
            sendOutput(editor)
            if (activeEditor === editor) activeEditor = null
        }
        try {
            runFiredTrigger()
        } finally {
            synchronized(screenLock) {
                if (!ending) {
                    activeEditor = editor
                    editor.render = serverEchoes
                    editor.begin(prompt)
                    sendOutput(editor)
                }
            }
        }
    }

    /**
     * Answers the Tab that asked for [request]: the candidates are found outside the screen lock,
     * so a slow completer holds up neither messages to this session nor, when it is a blocking one,
     * anything but this line; a failing one counts as having none.
     */
    private suspend fun complete(editor: LineEditor, completer: Completer, request: CompletionRequest) {
        val candidates = try {
            completer.candidates(request)
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            logger.debug { "session $id: completer failed: ${LogText.escape(e.toString())}" }
            emptyList()
        }
        finishCompletion(editor, candidates)
    }

    private fun finishCompletion(editor: LineEditor, candidates: List<String>) {
        synchronized(screenLock) {
            if (ending || activeEditor !== editor) return
            editor.render = serverEchoes
            editor.finishCompletion(candidates)
            sendOutput(editor)
        }
    }

    /** Shows the prompt with a new editor, or null if the session is ending. */
    private fun startEditor(prompt: String, field: LineField, completer: Completer?): LineEditor? {
        synchronized(screenLock) {
            check(activeEditor == null) { "another readLine is already waiting" }
            if (ending) return null
            val history = if (field.history) this.history else null
            val own = lineEditor
            val editor = if (own != null && !lineEditorBusy) {
                own.reset(field.maxLength, history, completer, field.echo, width, serverEchoes, field.mask)
                own
            } else {
                LineEditor(field.maxLength, history, completer, field.echo, width, serverEchoes, killBuffer, field.mask)
                    .also { if (own == null) lineEditor = it }
            }
            if (editor === lineEditor) lineEditorBusy = true
            if (field.initial.isNotEmpty()) editor.preset(field.initial)
            editor.deferCompletion = true
            activeEditor = editor
            editor.begin(prompt)
            sendOutput(editor)
            if (prompt.isNotEmpty() && link.showsPrompts) link.promptShown()
            return editor
        }
    }

    /**
     * The client closed its input during [editor]'s read: the line to return, if any. In line mode
     * the client sent what it had, and an unterminated last line is still a line; in character mode
     * the user had not pressed Enter, so the half-typed line is left on screen, not run.
     */
    private fun inputEnded(editor: LineEditor): String? {
        synchronized(screenLock) {
            if (activeEditor === editor) activeEditor = null
            if (ending) return null
            if (!serverEchoes) return editor.text.takeIf { it.isNotEmpty() }
            if (editor.text.isNotEmpty()) {
                // Whatever comes next (a goodbye, to a client that only half-closed) starts below it.
                editor.render = true
                editor.leaveLine()
                sendOutput(editor)
            }
            return null
        }
    }

    /**
     * Handles [first] and every key already decoded after it before sending anything (a pasted or
     * line-mode line is echoed in one write, not one write per character). Returns
     * [LineEditor.Outcome.Continue] while the line goes on, [LineEditor.Outcome.Done] with the line,
     * or [LineEditor.Outcome.EndOfInput] (also when the session is ending). A finished read stops
     * being the active one before the lock is let go: a message right after Enter must find no
     * editor, or it would draw the prompt again for a line that is over. A Tab that asks the
     * completer ends the batch: the caller finds the candidates outside the lock, and the keys after
     * it wait in [keys].
     */
    private fun handleKeys(editor: LineEditor, first: Key, prompt: String, interruptible: Boolean): LineEditor.Outcome {
        synchronized(screenLock) {
            if (ending) return LineEditor.Outcome.EndOfInput
            // What the taps see of the keys: only what a visible read takes (never a password's).
            val typed = if (taps != null && editor.textShown) StringBuilder() else null
            try {
                return handleKeysLocked(editor, first, prompt, interruptible, typed)
            } finally {
                if (!typed.isNullOrEmpty()) tapInput(typed.toString())
            }
        }
    }

    /** [handleKeys] under screenLock; the keys taken are added to [typed] when it is not null. */
    private fun handleKeysLocked(editor: LineEditor, first: Key, prompt: String, interruptible: Boolean, typed: StringBuilder?): LineEditor.Outcome {
        editor.render = serverEchoes
        var key = first
        while (true) {
            typed?.append(KeyText.of(key))
            val outcome = editor.handle(key)
            if (outcome === LineEditor.Outcome.Interrupted) {
                if (interruptible) {
                    sendOutput(editor)
                    if (activeEditor === editor) activeEditor = null
                    throw InputInterruptedException()
                }
                editor.begin(prompt)
            } else if (outcome !== LineEditor.Outcome.Continue) {
                sendOutput(editor)
                if (activeEditor === editor) activeEditor = null
                return outcome
            }
            if (editor.pendingCompletion != null) break
            key = keys.removeFirstOrNull() ?: break
        }
        sendOutput(editor)
        return LineEditor.Outcome.Continue
    }

    /**
     * The next key typed, or null once the input has ended. Keys already decoded (type-ahead)
     * come first; a lone ESC becomes [Key.Escape] after the server's `escapeTimeout` of quiet.
     */
    private suspend fun nextKey(): Key? {
        while (true) {
            keys.removeFirstOrNull()?.let { return it }
            if (ending) return null
            val event = if (keyDecoder.hasPending) {
                var ended = false
                withTimeoutOrNull(settings.escapeTimeout.toKotlinDuration()) { takeInput().also { ended = it == null } }
                    ?: run {
                        if (ended) return null
                        keyDecoder.flush(typeAhead)
                        continue
                    }
            } else {
                takeInput() ?: return null
            }
            if (handleInput(event)) return TRIGGER_FIRED
        }
    }

    /** The next input event, taken-back ones first; null once the input has ended. */
    private suspend fun takeInput(): SessionInput? = input.receive()

    /**
     * [nextKey] without waiting: the next key if one is there, null once the input has ended, or
     * [NO_KEY_YET] when [nextKey] would have to wait (for input, or for the end of an escape sequence).
     */
    private fun keyNow(): Key? {
        while (true) {
            keys.removeFirstOrNull()?.let { return it }
            if (ending) return null
            val event = input.poll() ?: return if (input.isEnded) null else NO_KEY_YET
            if (handleInput(event)) return TRIGGER_FIRED
        }
    }

    /** Decodes [event] into [keys]; true if it held a trigger (see [triggered]). */
    private fun handleInput(event: SessionInput): Boolean {
        when (event) {
            is SessionInput.Text -> if (!triggered(event.text)) keyDecoder.decode(event.text, typeAhead) else return true
            SessionInput.Interrupt -> { keyDecoder.flush {}; keys.addLast(Key.Interrupt) }
            SessionInput.EraseCharacter -> keys.addLast(Key.EraseCharacter)
            SessionInput.EraseLine -> keys.addLast(Key.EraseLine)
            // Bytes left from a binary transfer that nobody read: text again, as typed.
            is SessionInput.Bytes -> keyDecoder.decode(String(event.bytes, encoding), typeAhead)
        }
        return false
    }

    /**
     * True if [text] holds a registered trigger: then [firedTrigger] is set, and the text and any
     * key decoding under way are dropped (the trigger's owner takes over the input).
     */
    private fun triggered(text: String): Boolean {
        val triggers = inputTriggers
        if (triggers.isNullOrEmpty()) return false
        for ((trigger, action) in triggers) {
            if (text.contains(trigger)) {
                keyDecoder.flush {}
                firedTrigger = action
                return true
            }
        }
        return false
    }

    /** Runs the trigger [nextKey] found, in the reading coroutine; a failure is logged, not thrown. */
    private suspend fun runFiredTrigger() {
        val action = firedTrigger ?: return
        firedTrigger = null
        try {
            action.triggered(this)
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            logger.error(LogText.safe(e)) { "session $id: input trigger failed" }
        }
    }

    /**
     * Calls [action] whenever what the user types contains [trigger] while the session reads with
     * [readLine] or [readKey] (for instance the header a ZModem sender starts with, to start the
     * receiver): the input chunk that carries it is dropped, [action] runs in the reading coroutine
     * (so it may call [binaryTransfer]), and then the read goes on, [readLine] drawing its prompt and
     * the text typed so far again. The trigger must arrive within one read of the connection (a
     * program's header does; a user typing it by hand does not set it off). Replaces an earlier
     * action for the same [trigger].
     */
    @EngineApi
    public fun addInputTrigger(trigger: String, action: InputTrigger) {
        require(trigger.isNotEmpty()) { "an input trigger must not be empty" }
        synchronized(listenerLock) {
            val triggers = inputTriggers ?: CopyOnWriteArrayList<Pair<String, InputTrigger>>().also { inputTriggers = it }
            triggers.removeIf { it.first == trigger }
            triggers.add(trigger to action)
        }
    }

    /** Stops watching for [trigger]. */
    @EngineApi
    public fun removeInputTrigger(trigger: String) {
        synchronized(listenerLock) { inputTriggers?.removeIf { it.first == trigger } }
    }

    /**
     * The next key the user presses, with no echo and no line editing (single-key menus, paging,
     * full-screen programs); null when the input has ended. Ctrl-C arrives as [Key.Interrupt] when
     * nothing else takes it (a shell command's interrupt listener does; see [takeInterrupts]).
     * To wait a bounded time (a menu that also redraws on resize), call [awaitInput] first rather
     * than putting `withTimeoutOrNull` around this: a timeout can fire just as the read returns,
     * and the key would be lost. Only one read may be active at a time.
     */
    @JvmSynthetic
    public suspend fun readKey(): Key? {
        while (true) {
            if (keys.isEmpty() && !keyDecoder.hasPending && !ending) input.awaitAvailable()
            val key = nextKey() ?: return null
            if (key === TRIGGER_FIRED) { runFiredTrigger(); continue }
            touched()
            if (taps != null) tapInput(KeyText.of(key))
            return key
        }
    }

    /**
     * Waits at most [timeout] for input: true as soon as some is waiting (the next [readKey],
     * [readText] or [readLine] takes it) or the input has ended, false when the time ran out.
     * Nothing is consumed, and nothing is lost when it times out.
     */
    @JvmSynthetic
    public suspend fun awaitInput(timeout: kotlin.time.Duration): Boolean {
        if (keys.isNotEmpty() || input.hasTakenBack || ending) return true
        var event: SessionInput? = null
        var ended = false
        withTimeoutOrNull(timeout) {
            // Assigned inside the block: kept even when the timeout fires just after it.
            val taken = takeInput()
            if (taken == null) ended = true else event = taken
        }
        event?.let { input.putBack(it); return true }
        return ended
    }

    /** [awaitInput] for Java and blocking handlers. */
    @JvmName("awaitInput")
    public fun awaitInputBlocking(timeout: Duration): Boolean = blocking { awaitInput(timeout.toKotlinDuration()) }

    /**
     * The next piece of what the user typed, exactly as it came (escape sequences included), with no
     * echo and no editing: for programs that do their own, such as an OS shell in a pseudo-terminal.
     * Telnet IP and BRK arrive as `\u0003` (Ctrl-C). Null when the input has ended. Keys already
     * decoded by an earlier [readLine] or [readKey] come first, as the characters that make them.
     * Cancellation-safe, as [readKey].
     */
    @JvmSynthetic
    public suspend fun readText(): String? {
        if (keys.isNotEmpty() || keyDecoder.hasPending) {
            keyDecoder.flush(typeAhead)
            val text = StringBuilder()
            while (true) text.append(KeyText.of(keys.removeFirstOrNull() ?: break))
            touched()
            if (text.isNotEmpty()) return text.toString().also { if (taps != null) tapInput(it) }
        }
        if (ending) return null
        touched()
        val text = when (val event = takeInput() ?: return null) {
            is SessionInput.Text -> event.text
            is SessionInput.Bytes -> String(event.bytes, encoding)
            SessionInput.Interrupt -> "\u0003"
            SessionInput.EraseCharacter -> "\u007f"
            SessionInput.EraseLine -> "\u0015"
        }
        if (taps != null) tapInput(text)
        return text
    }

    /**
     * Runs [block] with Ctrl-C and Telnet IP/BRK handed to its reads as input ([readKey]:
     * [Key.Interrupt], [readText]: `\u0003`) instead of to the interrupt listeners, which would
     * otherwise cancel the shell command that runs it: for commands that give the terminal to
     * something with its own Ctrl-C (an OS shell, a full-screen menu, a chat).
     */
    @JvmSynthetic
    public suspend fun <T> takeInterrupts(block: suspend () -> T): T {
        interruptsAsInput++
        try {
            return block()
        } finally {
            interruptsAsInput--
        }
    }

    /**
     * Hands the connection's raw bytes to [block], for a file transfer protocol (ZModem) or any
     * 8-bit data. Over Telnet it first asks for BINARY both ways (waiting a few seconds for the
     * answers; [BinaryChannel.binaryInput] and [BinaryChannel.binaryOutput] tell what was agreed),
     * and gives BINARY back afterwards as it was; over SSH and memory the bytes pass as they are.
     * Inside [block], input arrives only through the channel; messages ([writeMessage]) wait and
     * appear once it returns, and nothing else should write to the session meanwhile. Bytes that
     * arrived but were not read stay for the next read. Only one read may be active at a time.
     */
    @JvmSynthetic
    public suspend fun <T> binaryTransfer(block: suspend (BinaryChannel) -> T): T {
        synchronized(screenLock) {
            check(!transferring) { "a binary transfer is already under way" }
            transferring = true
        }
        val channel: SessionBinaryChannel
        try {
            interruptsAsInput++
            val modes = link.beginBinary()
            channel = SessionBinaryChannel(modes)
        } catch (e: Throwable) {
            interruptsAsInput--
            endTransfer(null)
            throw e
        }
        try {
            return block(channel)
        } finally {
            interruptsAsInput--
            endTransfer(channel)
        }
    }

    private fun endTransfer(channel: SessionBinaryChannel?) {
        link.endBinary()
        channel?.leftOver()?.let { input.putBack(SessionInput.Bytes(it)) }
        val held = synchronized(screenLock) {
            transferring = false
            heldMessages?.toList().also { heldMessages = null }.orEmpty()
        }
        held.forEach(::writeMessage)
    }

    /** The session's side of [binaryTransfer]. */
    private inner class SessionBinaryChannel(modes: BinaryModes) : BinaryChannel {
        override val binaryInput: Boolean = modes.input
        override val binaryOutput: Boolean = modes.output
        private var pending: ByteArray? = null
        private var pendingAt = 0

        override suspend fun read(buffer: ByteArray, offset: Int, length: Int): Int {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.size)
            if (length == 0) return 0
            return readTaken(buffer, offset, length) ?: -1
        }

        override suspend fun readWithin(timeout: kotlin.time.Duration, buffer: ByteArray, offset: Int, length: Int): Int {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.size)
            if (length == 0) return 0
            if (pending == null && !awaitInput(timeout)) return 0
            return readTaken(buffer, offset, length) ?: -1
        }

        /** Bytes from what is pending or the next input; null at the end of the input. */
        private suspend fun readTaken(buffer: ByteArray, offset: Int, length: Int): Int? {
            while (true) {
                pending?.let { bytes ->
                    val n = minOf(length, bytes.size - pendingAt)
                    System.arraycopy(bytes, pendingAt, buffer, offset, n)
                    pendingAt += n
                    if (pendingAt == bytes.size) pending = null
                    return n
                }
                val event = takeInput() ?: return null
                val bytes = when (event) {
                    is SessionInput.Bytes -> event.bytes
                    // Typed before the wire switched to raw bytes.
                    is SessionInput.Text -> event.text.toByteArray(encoding)
                    SessionInput.Interrupt -> byteArrayOf(3)
                    SessionInput.EraseCharacter, SessionInput.EraseLine -> continue
                }
                if (bytes.isEmpty()) continue
                pending = bytes
                pendingAt = 0
            }
        }

        override suspend fun write(bytes: ByteArray, offset: Int, length: Int) {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.size)
            var at = offset
            val end = offset + length
            while (at < end) {
                currentCoroutineContext().ensureActive()
                val n = minOf(end - at, BINARY_WRITE_CHUNK)
                if (!output.awaitRoom(n, settings.outputStallTimeout.toKotlinDuration())) {
                    owner.cutOff("client read nothing for ${settings.outputStallTimeout.toMillis()} ms")
                    throw CancellationException("the client stopped reading")
                }
                val wire = link.encodeBinary(bytes.copyOfRange(at, at + n))
                synchronized(screenLock) {
                    if (!output.offer(wire)) owner.cutOff("more than ${settings.outputBufferLimit} bytes of output unread")
                }
                at += n
            }
        }

        override suspend fun flush() {
            if (!output.awaitBelow(1, settings.outputStallTimeout.toKotlinDuration())) {
                owner.cutOff("client read nothing for ${settings.outputStallTimeout.toMillis()} ms")
            }
        }

        /** Bytes read from the input but not yet handed to the reader. */
        fun leftOver(): ByteArray? = pending?.let { it.copyOfRange(pendingAt, it.size) }?.takeIf { it.isNotEmpty() }
    }

    /**
     * A last line before the session ends (idle timeout, server stop): printed below whatever the
     * user was typing, with no prompt drawn again after it. Reads return null from now on.
     */
    internal fun writeFarewell(text: String) {
        synchronized(screenLock) {
            ending = true
            activeEditor?.let { editor ->
                editor.render = serverEchoes
                editor.leaveLine()
                sendOutput(editor)
            }
            activeEditor = null
            send(if (text.endsWith("\n")) text else text + "\n")
        }
        input.close()
    }

    // ---- blocking forms, for Java and for handlers that run on their own thread ----
    // Never call these from a coroutine: they block the thread until the output is queued. On an
    // event-loop thread they would wait for work that only that thread can do, so they refuse.

    private inline fun <T> blocking(crossinline block: suspend () -> T): T {
        check(Thread.currentThread() !is NonBlockingThread) {
            "blocking session call on a TelnetKit event-loop thread: call the suspending form, or run the " +
                "code with CommandHandler.blocking or withContext(Dispatchers.IO)"
        }
        // Blocking code of a session (a Java handler) runs these with its session's context, so that
        // blocking code nested in them, and TelnetServer.stop, know their session.
        return runBlocking(blockingCallerContext()) { block() }
    }

    /** [write] for Java and blocking handlers. */
    @JvmName("write")
    public fun writeBlocking(text: String): Unit = blocking { write(text) }

    /** [writeLine] for Java and blocking handlers. */
    @JvmName("writeLine")
    @JvmOverloads
    public fun writeLineBlocking(text: String = ""): Unit = blocking { writeLine(text) }

    /** [writeResponse] for Java and blocking handlers. */
    @JvmName("writeResponse")
    public fun writeResponseBlocking(text: String): Unit = blocking { writeResponse(text) }

    /** [writeError] for Java and blocking handlers. */
    @JvmName("writeError")
    public fun writeErrorBlocking(text: String): Unit = blocking { writeError(text) }

    /** [readLine] for Java and blocking handlers: null when the input has ended. */
    @JvmName("readLine")
    @JvmOverloads
    public fun readLineBlocking(
        prompt: String = "",
        echo: Boolean = true,
        history: Boolean = true,
        completer: Completer? = null,
        interruptible: Boolean = false,
    ): String? = blocking { readLine(prompt, echo, history, completer, interruptible) }

    /**
     * A form field for Java and blocking handlers: [readLine] with [initial] on the line, at most
     * [maxLength] characters, each shown as [mask] when it is not null; never kept in the history.
     */
    @JvmName("readField")
    public fun readFieldBlocking(prompt: String, initial: String, maxLength: Int, mask: Char?): String? =
        blocking { readLine(prompt, history = false, mask = mask, maxLength = maxLength, initial = initial) }

    /** [readKey] for Java and blocking handlers: the next key, or null when the input has ended. */
    @JvmName("readKey")
    public fun readKeyBlocking(): Key? = blocking { readKey() }

    /** [readText] for Java and blocking handlers. */
    @JvmName("readText")
    public fun readTextBlocking(): String? = blocking { readText() }

    /** True once the session is ending (closed, idle, server stopping): reads return null from now on. */
    public val isClosing: Boolean get() = ending

    /** Values this session's handlers keep between commands. */
    public val attributes: SessionAttributes
        get() = attributesOrNull ?: synchronized(listenerLock) {
            attributesOrNull ?: SessionAttributes().also { attributesOrNull = it }
        }

    // Made on first use: most sessions keep no values.
    @Volatile private var attributesOrNull: SessionAttributes? = null

    /** Ends the session: the handler's reads return null and the connection closes once it returns. */
    public fun close() {
        requestEnd()
        owner.endRequested()
    }

    /** Encodes and queues text; must hold screenLock. */
    private fun send(text: CharSequence) {
        if (text.isEmpty()) return
        sendEncoded(TextEncoder.crlfBytes(text, encoding))
    }

    /** [send] of [text] and a line break. */
    private fun sendLine(text: CharSequence) {
        sendEncoded(TextEncoder.crlfLineBytes(text, encoding))
    }

    /**
     * The one way the session's text (in [encoding], CR LF line ends) reaches the wire: the taps
     * see it here, before [TerminalLink.encode] (IAC doubling); must hold screenLock.
     */
    private fun sendEncoded(bytes: ByteArray) {
        tapOutput(bytes)
        offer(link.encode(bytes))
    }

    private fun offer(wire: ByteArray) {
        if (!output.offer(wire)) owner.cutOff("more than ${settings.outputBufferLimit} bytes of output unread")
    }

    /** Sends what [editor] has drawn since the last call, without a string of it. */
    private fun sendOutput(editor: LineEditor) {
        send(editor.pendingOutput())
        editor.outputSent()
    }

    // ---- called by the connection and the wire layer ----

    internal fun resized(newSize: TerminalSize) {
        if (newSize == size) return
        size = newSize
        synchronized(screenLock) {
            activeEditor?.let { editor ->
                editor.render = serverEchoes
                editor.resize(newSize.width)
                sendOutput(editor)
            }
        }
        resizeListeners?.forEach { runCatching { it.onResize(newSize) } }
        if (taps != null) eachTap("resized") { it.resized(newSize) }
    }

    /** Tells the interrupt listeners; false if there were none (the interrupt goes to the line editor). */
    internal fun interruptRequested(): Boolean {
        val command = commandInterrupt
        val listeners = interruptListeners
        if ((command == null && listeners.isNullOrEmpty()) || interruptsAsInput > 0) return false
        command?.let { runCatching { it.onInterrupt() } }
        listeners?.forEach { runCatching { it.onInterrupt() } }
        return true
    }

    /**
     * The shell's running command, told of an interrupt before any listener: one slot, so running
     * a command makes no listener list and leaves none behind in the session.
     */
    @Volatile internal var commandInterrupt: InterruptListener? = null

    // The coroutine the connection runs the session in; set before the handler runs.
    private lateinit var runContext: CoroutineContext
    @Volatile private var backgroundScope: CoroutineScope? = null
    @Volatile private var backgroundEnded = false

    /** Called by the connection before the handler runs: background jobs become children of [context]'s job. */
    internal fun startBackground(context: CoroutineContext) {
        runContext = context
    }

    /**
     * The session's scope for background jobs (timers and the like), which end with its handler;
     * made on first use, as most sessions never start one.
     */
    internal val scope: CoroutineScope
        get() = backgroundScope ?: synchronized(listenerLock) {
            backgroundScope ?: CoroutineScope(runContext + SupervisorJob(runContext.job)).also {
                // Asked for after the handler ended: what it starts is cancelled at once, as before.
                if (backgroundEnded) it.cancel()
                backgroundScope = it
            }
        }

    /** Waits until the background jobs, once cancelled ([endBackground]), have ended. */
    internal suspend fun joinBackground() {
        backgroundScope?.coroutineContext?.job?.join()
    }

    /** The handler has returned: background jobs are cancelled, and any started later too. */
    internal fun endBackground() {
        val scope = synchronized(listenerLock) {
            backgroundEnded = true
            backgroundScope
        }
        scope?.cancel()
    }

    /** Called after the handler takes input from [input], so a reader paused on a full queue goes on. */
    internal fun inputTaken() {
        owner.inputTaken()
    }

    internal fun touched() {
        lastInputNanos = System.nanoTime()
    }

    /** Asks the handler to finish: reads return null from now on. */
    internal fun requestEnd() {
        ending = true
        input.close()
    }

    private companion object {
        // Reads waiting for the handler; small, so that input the handler has not taken yet (and the
        // echo it will cause) stays a few reads' worth: beyond it the connection holds a bounded
        // amount more, then stops reading, and TCP slows the client.
        const val INPUT_CAPACITY = 4

        /** Messages kept back during a binary transfer, at most. */
        const val HELD_MESSAGES_LIMIT = 64

        /** Binary writes are queued in pieces of at most this many bytes. */
        const val BINARY_WRITE_CHUNK = 16 * 1024

        /** What nextKey returns when the input held a trigger: never handed to an editor or a caller. */
        val TRIGGER_FIRED: Key = Key.Control('\u0000')

        /** What keyNow returns when nextKey would have to wait: never handed to an editor or a caller. */
        val NO_KEY_YET: Key = Key.Control('\u0000')
    }
}

// Timer delays are capped at about 73 years, so that deadlines in nanoTime arithmetic cannot wrap.
private const val MAX_TIMER_NANOS: Long = Long.MAX_VALUE / 4

/** This duration in nanoseconds, at most [MAX_TIMER_NANOS]. */
private fun Duration.toNanosSaturated(): Long =
    if (seconds >= MAX_TIMER_NANOS / 1_000_000_000L) MAX_TIMER_NANOS else toNanos().coerceAtMost(MAX_TIMER_NANOS)

/** Suspends for [nanos] nanoseconds; nothing when not positive. */
private suspend fun delayNanos(nanos: Long) {
    if (nanos > 0) delay(nanos.nanoseconds)
}

/** What a session asks of the connection that runs it. */
internal interface SessionOwner {
    /** Ends the session at once: the client is gone or will not read (the reason is logged). */
    fun cutOff(reason: String)

    /** The session was asked to end ([Session.close]). */
    fun endRequested()

    /** The handler took input from [Session.input]: a connection waiting for room there may go on. */
    fun inputTaken()
}
