package dev.telnetkit.wire

import dev.telnetkit.ansi.Cp437
import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.ProtocolEvent
import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetEncoder
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.protocol.TelnetProtocol
import dev.telnetkit.session.BinaryModes
import dev.telnetkit.session.LogText
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.OutputTransform
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.terminal.TextDecoder
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.time.Duration
import java.util.concurrent.atomic.AtomicLongArray
import kotlin.time.Duration.Companion.nanoseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/** How long a binary transfer waits for the client's answers to its BINARY requests. */
private val BINARY_ANSWER_WAIT = 5.seconds

/** What CP437 terminals get: the JDK's IBM437 (its control-range glyph mapping only matters for art, see [Cp437]). */
private val CP437: java.nio.charset.Charset = java.nio.charset.Charset.forName("IBM437")

/**
 * The Telnet wire discipline of one connection: the [TelnetProtocol] (decoder, RFC 1143
 * negotiation, subnegotiations), the opening wait for the client's answers, line-mode fallback
 * (a client that refuses `WILL ECHO` edits its own lines), and the Telnet encoding of output (IAC
 * doubled, BINARY honoured). It turns protocol events into the session's terminal facts and input.
 *
 * @param connectMaxWait how long the opening wait lasts after the last negotiation received (at
 *   most five times this in all); plain data never re-arms it.
 */
internal class TelnetWire(
    private val session: Session,
    private val settings: ProtocolSettings,
    private val output: OutputQueue,
    private val connectMaxWait: Duration,
    private val areYouThereAnswer: String,
    optionFactories: List<TelnetOptionFactory>,
    private val cutOff: (String) -> Unit,
) : Wire, TelnetOptionState {
    private val protocolLock = Any()
    // The application's option handlers for this session (GMCP, MCCP...), or null: most servers have none.
    private val optionHandlers = OptionHandlers.create(session, optionFactories)
    private val protocol = TelnetProtocol(settings, ::sendReply, { collected.add(it) }, optionHandlers)
    // MCCP3 and the like: what the client's bytes pass through before they are decoded; dispatcher only.
    private var inputTransform: InputTransform? = null
    // The handler whose subnegotiation is being handled (it may start an input transform); dispatcher only.
    private var handlingSubnegotiation: TelnetOptionHandler? = null
    @Volatile private var wireClosed = false
    private val textDecoder = TextDecoder(session.encoding)
    // Settled option states, one bit per option, readable from any thread without a lock. Written
    // only on the dispatcher (one writer), so a volatile read-modify-write is enough. Options 0..63
    // (all the core speaks, and EOR) live in two longs; the rest in an array made on first use.
    @Volatile private var localLow = 0L
    @Volatile private var remoteLow = 0L
    @Volatile private var highOptions: AtomicLongArray? = null
    // Wakes the opening wait on every read that brought negotiation; dropped once the session has started.
    @Volatile private var progress: Channel<Unit>? = Channel(Channel.CONFLATED)
    // Events are collected under the protocol lock and handled after it is released: handling may
    // take the session's screen lock (never held while taking the protocol lock).
    private val collected = ArrayList<ProtocolEvent>(4)
    // Replies made while one read is decoded (under the protocol lock), queued as one chunk: a flood
    // of requests that each want a 3-byte answer (DO TIMING-MARK) must not queue an object per answer.
    // Raw transfer (Session.binaryTransfer): data goes to the session as bytes, not text.
    @Volatile private var rawInput = false
    // What BINARY was before the transfer, to give back afterwards.
    private var binaryLocalBefore = false
    private var binaryRemoteBefore = false
    private var gatheringReplies = false
    // Set once CHARSET agreed on a charset: a CP437 terminal type then no longer decides it.
    private var charsetNegotiated = false
    private var gatheredReplies: ByteArrayOutputStream? = null

    init {
        optionHandlers?.each { it.attach(OptionContext(it)) }
    }

    /** The handler of type [type] in this session, or null. */
    fun <T : TelnetOptionHandler> optionHandler(type: Class<T>): T? = optionHandlers?.find(type)

    override fun isEnabled(side: OptionSide, option: Int): Boolean {
        require(option in 0..255) { "option out of range: $option" }
        if (option < 64) return (if (side == OptionSide.LOCAL) localLow else remoteLow) and (1L shl option) != 0L
        val high = highOptions ?: return false
        val bit = side.ordinal * 256 + option
        return high.get(bit ushr 6) and (1L shl (bit and 63)) != 0L
    }

    private fun optionChanged(side: OptionSide, option: Int, enabled: Boolean) {
        if (option < 64) {
            val mask = 1L shl option
            if (side == OptionSide.LOCAL) localLow = if (enabled) localLow or mask else localLow and mask.inv()
            else remoteLow = if (enabled) remoteLow or mask else remoteLow and mask.inv()
            return
        }
        val high = highOptions ?: AtomicLongArray(8).also { highOptions = it }
        val bit = side.ordinal * 256 + option
        val mask = 1L shl (bit and 63)
        high.getAndUpdate(bit ushr 6) { if (enabled) it or mask else it and mask.inv() }
    }

    // ---- TerminalLink: called by the session from any thread ----

    override val echoes: Boolean get() = isEnabled(OptionSide.LOCAL, TelnetOption.ECHO)

    override fun encode(text: ByteArray): ByteArray {
        val binary = isEnabled(OptionSide.LOCAL, TelnetOption.BINARY)
        // A fresh array that needs no escaping goes out as it is, without another copy.
        return if (TelnetEncoder.isWireReady(text, binary)) text else TelnetEncoder.encodeData(text, binary)
    }

    override fun hideTypedInput(): Boolean = synchronized(protocolLock) {
        // A client that never negotiates (netcat) cannot be asked; one that refuses keeps echoing.
        if (!protocol.peerNegotiates) return false
        protocol.request(OptionSide.LOCAL, TelnetOption.ECHO, true)
        true
    }

    override fun restoreTypedInput() {
        synchronized(protocolLock) { protocol.request(OptionSide.LOCAL, TelnetOption.ECHO, false) }
    }

    override suspend fun beginBinary(): BinaryModes {
        val asked = synchronized(protocolLock) {
            binaryLocalBefore = isEnabled(OptionSide.LOCAL, TelnetOption.BINARY)
            binaryRemoteBefore = isEnabled(OptionSide.REMOTE, TelnetOption.BINARY)
            rawInput = true
            // A client that never negotiates (netcat) cannot be asked: its bytes pass as they come.
            if (!protocol.peerNegotiates) return@synchronized false
            if (!binaryLocalBefore) protocol.request(OptionSide.LOCAL, TelnetOption.BINARY, true)
            if (!binaryRemoteBefore) protocol.request(OptionSide.REMOTE, TelnetOption.BINARY, true)
            true
        }
        if (asked) {
            // The answers come on the dispatcher; a short poll, once per transfer, bounded.
            withTimeoutOrNull(BINARY_ANSWER_WAIT) {
                while (synchronized(protocolLock) {
                        protocol.isPending(OptionSide.LOCAL, TelnetOption.BINARY) ||
                            protocol.isPending(OptionSide.REMOTE, TelnetOption.BINARY)
                    }
                ) delay(5)
            }
        }
        return BinaryModes(
            input = isEnabled(OptionSide.REMOTE, TelnetOption.BINARY),
            output = isEnabled(OptionSide.LOCAL, TelnetOption.BINARY),
        )
    }

    override fun endBinary() {
        synchronized(protocolLock) {
            rawInput = false
            if (!protocol.peerNegotiates) return
            if (!binaryLocalBefore && isEnabled(OptionSide.LOCAL, TelnetOption.BINARY)) {
                protocol.request(OptionSide.LOCAL, TelnetOption.BINARY, false)
            }
            if (!binaryRemoteBefore && isEnabled(OptionSide.REMOTE, TelnetOption.BINARY)) {
                protocol.request(OptionSide.REMOTE, TelnetOption.BINARY, false)
            }
        }
    }

    override fun encodeBinary(bytes: ByteArray): ByteArray =
        TelnetEncoder.encodeRawData(bytes, isEnabled(OptionSide.LOCAL, TelnetOption.BINARY))

    // ---- Wire: on the connection's dispatcher ----

    override fun open() {
        synchronized(protocolLock) { protocol.open() }
    }

    override fun receive(bytes: ByteArray, offset: Int, length: Int, inputs: MutableList<SessionInput>) {
        var at = offset
        val end = offset + length
        while (at < end && !wireClosed) {
            val transform = inputTransform
            if (transform == null) {
                at += decode(bytes, at, end - at, inputs)
                continue
            }
            val used = try {
                transform.transform(bytes, at, end - at) { plain, from, n -> decodeAll(plain, from, n, inputs) }
            } catch (e: Exception) {
                endInputTransform(transform)
                logger.info { "session ${session.id}: ${LogText.escape(e.message ?: e.toString())}" }
                cutOff("unreadable compressed input: ${LogText.escape(e.message ?: e.toString())}")
                return
            }
            at += used.coerceIn(0, end - at)
            // Fewer bytes used than given: the stream ended there, and what follows is plain Telnet.
            if (at < end && inputTransform === transform) endInputTransform(transform)
        }
    }

    private fun endInputTransform(transform: InputTransform) {
        if (inputTransform === transform) inputTransform = null
        runCatching { transform.close() }
    }

    private fun decodeAll(bytes: ByteArray, offset: Int, length: Int, inputs: MutableList<SessionInput>) {
        var at = offset
        while (at < offset + length && !wireClosed) at += decode(bytes, at, offset + length - at, inputs)
    }

    /** Decodes as far as the protocol goes in one call (to the end, or just past an option handler's subnegotiation). */
    private fun decode(bytes: ByteArray, offset: Int, length: Int, inputs: MutableList<SessionInput>): Int {
        var used = length
        val negotiated = synchronized(protocolLock) {
            val before = protocol.negotiationsReceived
            gatheringReplies = true
            try {
                used = protocol.receive(bytes, offset, length)
            } finally {
                gatheringReplies = false
                gatheredReplies?.let { gatheredReplies = null; queueReply(it.toByteArray()) }
            }
            protocol.negotiationsReceived != before
        }
        try {
            // By index: no iterator per read.
            for (i in collected.indices) handle(collected[i], inputs)
        } finally {
            collected.clear()
        }
        // Only negotiation re-arms the opening wait: data typed or pasted meanwhile (netcat) must
        // not hold the prompt back.
        if (negotiated) progress?.trySend(Unit)
        return used.coerceAtLeast(1)
    }

    override fun promptShown() {
        optionHandlers?.each { it.onPrompt() }
    }

    override fun closed() {
        wireClosed = true
        inputTransform?.let { endInputTransform(it) }
        optionHandlers?.each { it.onClose() }
        output.closeTransforms()
    }

    override fun inputEnded() {
        progress?.trySend(Unit)
    }

    /**
     * Waits until the client has answered everything asked at connect, or for connectMaxWait since
     * the last negotiation it sent (at most five times that in all), whichever comes first.
     */
    override suspend fun awaitReady() {
        try {
            val maxWait = connectMaxWait.toKotlinDuration()
            val deadline = System.nanoTime() + (maxWait * 5).inWholeNanoseconds
            while (true) {
                if (synchronized(protocolLock) { protocol.isSettled }) return
                // The client already left (or half-closed): nothing more will be answered.
                if (session.input.isClosedForSend) return
                val left = (deadline - System.nanoTime()).nanoseconds
                if (!left.isPositive()) return
                val signal = progress ?: return
                withTimeoutOrNull(minOf(maxWait, left)) { signal.receive() } ?: return
            }
        } finally {
            progress = null
            reportOpening()
        }
    }

    /** Tells the server's observers, if it has any, how the opening's option requests were answered. */
    private fun reportOpening() {
        val events = session.events
        if (!events.observed) return
        // Gathered under the protocol lock, reported outside it: an observer may write to the session.
        // Packed in ints (option, side and outcome bits), not boxed: six or so per session.
        var outcomes = IntArray(OPENING_OUTCOMES)
        var count = 0
        synchronized(protocolLock) {
            protocol.openingOutcomes { side, option, enabled ->
                if (count == outcomes.size) outcomes = outcomes.copyOf(count * 2)
                outcomes[count++] = option or (if (side == OptionSide.LOCAL) LOCAL_BIT else 0) or (if (enabled) ENABLED_BIT else 0)
            }
        }
        for (i in 0 until count) {
            val o = outcomes[i]
            events.optionNegotiated(session, o and 0xff, o and LOCAL_BIT != 0, o and ENABLED_BIT != 0)
        }
    }

    private companion object {
        const val LOCAL_BIT = 0x100
        const val ENABLED_BIT = 0x200
        const val OPENING_OUTCOMES = 8
    }

    /** Negotiation replies: they survive Telnet AO, unlike text. */
    private fun sendReply(bytes: ByteArray) {
        if (gatheringReplies) {
            (gatheredReplies ?: ByteArrayOutputStream(64).also { gatheredReplies = it }).write(bytes, 0, bytes.size)
            return
        }
        queueReply(bytes)
    }

    private fun queueReply(bytes: ByteArray) {
        if (!output.offer(bytes, protocol = true)) cutOff("more than ${output.limit} bytes of output unread")
    }

    private fun handle(event: ProtocolEvent, inputs: MutableList<SessionInput>) {
        when (event) {
            is ProtocolEvent.Data -> if (rawInput) {
                session.touched()
                inputs.add(SessionInput.Bytes(event.bytes))
            } else {
                addTypedText(session, textDecoder.decode(event.bytes), inputs)
            }
            is ProtocolEvent.Interrupt -> {
                session.touched()
                if (rawInput || !session.interruptRequested()) inputs.add(SessionInput.Interrupt)
            }
            ProtocolEvent.EraseCharacter -> inputs.add(SessionInput.EraseCharacter)
            ProtocolEvent.EraseLine -> inputs.add(SessionInput.EraseLine)
            ProtocolEvent.AreYouThere -> session.writeMessage(areYouThereAnswer)
            ProtocolEvent.AbortOutput -> output.discardData()
            is ProtocolEvent.WindowSize -> if (event.width > 0 && event.height > 0) session.resized(TerminalSize(event.width, event.height))
            is ProtocolEvent.TerminalTypes -> {
                session.terminalTypes = event.all
                session.terminalType = event.chosen
                // A SyncTERM-style BBS terminal shows CP437 and never negotiates CHARSET: text (box
                // characters, accents) goes to it in CP437, unless CHARSET agreed on something.
                if (!charsetNegotiated && Cp437.isCp437Terminal(event.all, session.encoding)) switchCharset(CP437)
            }
            is ProtocolEvent.Environment -> applyEnvironment(event)
            is ProtocolEvent.CharsetChanged -> {
                charsetNegotiated = true
                switchCharset(event.charset)
            }
            is ProtocolEvent.TerminalSpeed -> session.terminalSpeed = "${event.transmit},${event.receive}"
            is ProtocolEvent.DisplayLocation -> session.displayLocation = event.location
            is ProtocolEvent.OptionChanged -> {
                optionChanged(event.side, event.option, event.enabled)
                optionHandlers?.get(event.option)?.let { h ->
                    optionHandlers.guarded(h) { if (event.enabled) h.onEnabled(event.side) else h.onDisabled(event.side) }
                }
            }
            is ProtocolEvent.Subnegotiation -> optionHandlers?.get(event.option)?.let { h ->
                handlingSubnegotiation = h
                try {
                    optionHandlers.guarded(h) { h.onSubnegotiation(event.payload) }
                } finally {
                    handlingSubnegotiation = null
                }
            }
            is ProtocolEvent.Warning -> logger.debug { "session ${session.id}: ${LogText.escape(event.message)}" }
        }
    }

    private fun switchCharset(charset: java.nio.charset.Charset) {
        session.encoding = charset
        textDecoder.switchTo(charset)
    }

    /**
     * Applies NEW-ENVIRON variables to the session: `IS` replaces, `INFO` updates, a null value
     * removes. Well-known and user variables stay in their own maps; together they hold at most
     * maxEnvironmentVariables names.
     */
    private fun applyEnvironment(event: ProtocolEvent.Environment) {
        val vars = if (event.replace) LinkedHashMap() else LinkedHashMap(session.environment)
        val userVars = if (event.replace) LinkedHashMap() else LinkedHashMap(session.userEnvironment)
        val limit = settings.maxEnvironmentVariables
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

    /** What one option handler of this session can do: [TelnetOptionContext]. */
    private inner class OptionContext(private val handler: TelnetOptionHandler) : TelnetOptionContext {
        override val session: Session get() = this@TelnetWire.session
        override val option: Int get() = handler.option
        override val options: TelnetOptionState get() = this@TelnetWire

        override fun isEnabled(side: OptionSide): Boolean = this@TelnetWire.isEnabled(side, option)

        override fun request(side: OptionSide, enable: Boolean): Boolean {
            val asked = synchronized(protocolLock) {
                if (wireClosed || !protocol.peerNegotiates) return false
                protocol.requestForExtension(side, option, enable)
            }
            if (!asked) logger.debug { "session ${session.id}: request for option $option on $side not made (refused side or request budget spent)" }
            return asked
        }

        override fun sendSubnegotiation(payload: ByteArray): Boolean {
            if (wireClosed) return false
            if (!isEnabled(OptionSide.LOCAL, option) && !isEnabled(OptionSide.REMOTE, option)) return false
            return offer(TelnetEncoder.subnegotiation(option, payload))
        }

        override fun sendCommand(command: Int): Boolean {
            require(command in 0..255) { "command out of range: $command" }
            if (wireClosed) return false
            return offer(TelnetEncoder.command(command))
        }

        private fun offer(bytes: ByteArray): Boolean {
            if (output.offer(bytes, protocol = true)) return true
            cutOff("more than ${output.limit} bytes of output unread")
            return false
        }

        override fun startOutputTransform(announcement: ByteArray, transform: OutputTransform): Boolean {
            if (wireClosed) { runCatching { transform.close() }; return false }
            return output.startTransform(TelnetEncoder.subnegotiation(option, announcement), transform)
        }

        override fun stopOutputTransform(): Boolean = !wireClosed && output.stopTransform()

        override fun startInputTransform(transform: InputTransform) {
            check(handlingSubnegotiation === handler) { "an input transform starts only while the option's subnegotiation is handled" }
            check(inputTransform == null) { "another input transform is in force" }
            inputTransform = transform
        }
    }
}
