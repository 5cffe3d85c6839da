package dev.telnetkit.testkit

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.protocol.NegotiationSink
import dev.telnetkit.protocol.OptionNegotiator
import dev.telnetkit.protocol.OptionPolicy
import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetDecoder
import dev.telnetkit.protocol.TelnetEncoder
import dev.telnetkit.protocol.TelnetEvent
import dev.telnetkit.protocol.TelnetEventSink
import dev.telnetkit.protocol.TelnetOption
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLSocket
import java.util.Collections
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * A small Telnet client for protocol tests of any Telnet server: it connects, plays a terminal
 * described by a [TerminalProfile] during negotiation, sends lines and raw bytes, and waits for
 * text, a pattern or a prompt with a timeout.
 *
 * Received text accumulates in [output] (decoded as UTF-8, `CR LF` kept as is, the `NUL` of
 * `CR NUL` dropped). The `await…` functions search from a read mark and move it past what they
 * matched, so consecutive awaits follow the conversation in order. Every negotiation message in
 * both directions is recorded in [negotiationLog], and [receivedBytes] keeps the raw wire bytes.
 *
 * ```kotlin
 * TelnetTestClient.connect("127.0.0.1", port).use { client ->
 *     client.awaitText("> ")
 *     client.sendLine("echo hi")
 *     client.awaitText("hi")
 * }
 * ```
 */
@OptIn(EngineApi::class)
public class TelnetTestClient private constructor(
    private val socket: Socket,
    /** The terminal this client plays. */
    public val profile: TerminalProfile,
) : TerminalClient(), AutoCloseable {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)
    private val out = socket.getOutputStream()
    private val writeLock = Any()
    private val stateLock = Any()
    private val decoder = TelnetDecoder(1 shl 20).apply { binaryInput = true }
    private val negotiator = OptionNegotiator(policyOf(profile))
    private val raw = ByteArrayOutputStream()
    private val log = Collections.synchronizedList(ArrayList<String>())
    private val pendingUtf8 = ByteArrayOutputStream()
    private var lastWasCr = false
    private var ttypeIndex = 0

    /** Every negotiation message, such as `recv DO TTYPE` or `sent SB NAWS 80x24`, in order. */
    public val negotiationLog: List<String> get() = synchronized(log) { log.toList() }

    /** All text received so far. */
    public val output: String get() = received.output

    /** Text received after the read mark (not yet matched by an await). */
    public val unread: String get() = received.unread

    /** Every byte received, as it came off the wire. */
    public val receivedBytes: ByteArray get() = synchronized(stateLock) { raw.toByteArray() }

    /**
     * What a terminal of the profile's size (80x24 when the profile has no width) would show after
     * every text received so far. It is fed under the client's lock; read it in an [awaitScreen]
     * predicate, or once the conversation is quiet.
     */
    public val screen: VirtualScreen = VirtualScreen(
        if (profile.width >= 2) profile.width else 80,
        if (profile.width >= 2 && profile.height >= 1) profile.height else 24,
    )
    internal override val received: ReceivedText = ReceivedText(screen)

    internal override suspend fun typeLine(line: String): Unit = sendLine(line)

    /** True once the server closed the connection (or [close] was called). */
    public val isClosed: Boolean get() = received.closed

    /** True if [option] is enabled on [side], seen from the client ([OptionSide.LOCAL] is the client). */
    public fun isEnabled(side: OptionSide, option: Int): Boolean = synchronized(stateLock) { negotiator.isEnabled(side, option) }

    private val negotiationSink = object : NegotiationSink {
        override fun send(verb: Int, option: Int) {
            log.add("sent ${TelnetCommand.name(verb)} ${TelnetOption.name(option)}")
            write(TelnetEncoder.negotiation(verb, option))
        }

        override fun changed(side: OptionSide, option: Int, enabled: Boolean) {
            if (side == OptionSide.LOCAL && option == TelnetOption.NAWS && enabled) sendNaws(profile.width, profile.height)
        }
    }

    private val events = TelnetEventSink { event ->
        when (event) {
            is TelnetEvent.Data -> appendText(event.bytes)
            is TelnetEvent.Command -> log.add("recv ${TelnetCommand.name(event.code)}")
            is TelnetEvent.Negotiation -> {
                log.add("recv ${TelnetCommand.name(event.verb)} ${TelnetOption.name(event.option)}")
                if (profile.negotiates) negotiator.receive(event.verb, event.option, negotiationSink)
            }
            is TelnetEvent.Subnegotiation -> {
                log.add("recv SB ${TelnetOption.name(event.option)} ${describe(event.payload)}")
                if (profile.negotiates) subnegotiation(event.option, event.payload)
            }
            is TelnetEvent.SubnegotiationError -> log.add("recv bad SB ${TelnetOption.name(event.option)}: ${event.reason}")
        }
    }

    private fun start() {
        scope.launch {
            val buffer = ByteArray(4096)
            val input = socket.getInputStream()
            try {
                while (true) {
                    val n = runInterruptible { input.read(buffer) }
                    if (n < 0) break
                    synchronized(stateLock) {
                        raw.write(buffer, 0, n)
                        decoder.decode(buffer, 0, n, events)
                    }
                }
            } catch (_: IOException) {
                // The socket was closed or reset; that ends the conversation.
            } finally {
                received.markClosed()
            }
        }
    }

    /** Sends [text] as UTF-8 data (255 bytes doubled), with no line end. */
    @JvmSynthetic
    public suspend fun send(text: String): Unit = withContext(Dispatchers.IO) {
        write(TelnetEncoder.encodeData(text.toByteArray(Charsets.UTF_8), binary = true))
    }

    /** Sends [line] followed by `CR LF`, as a Telnet client sends Enter. */
    @JvmSynthetic
    public suspend fun sendLine(line: String): Unit = send("$line\r\n")

    /** Sends [bytes] exactly as given, with no escaping: for commands and hostile input. */
    @JvmSynthetic
    public suspend fun sendBytes(bytes: ByteArray): Unit = withContext(Dispatchers.IO) { write(bytes) }

    /** Sends `IAC command`, for example [TelnetCommand.AYT] or [TelnetCommand.IP]. */
    @JvmSynthetic
    public suspend fun sendCommand(command: Int): Unit = sendBytes(TelnetEncoder.command(command))

    /**
     * Reports a new window size with NAWS, as a terminal does when resized; [screen] is resized
     * (and reflowed) first, as a terminal's screen is before it tells the server.
     */
    @JvmSynthetic
    public suspend fun resize(width: Int, height: Int): Unit = withContext(Dispatchers.IO) {
        if (width >= 2 && height >= 1) received.withScreen { it.resize(width, height) }
        sendNaws(width, height)
    }

    /**
     * Waits until [expected] appears after the read mark; returns the text up to and including
     * it, and moves the mark past it. Throws [AssertionError] with what was received on timeout.
     */
    @JvmSynthetic
    public suspend fun awaitText(expected: String, timeout: Duration = DEFAULT_TIMEOUT): String = received.awaitText(expected, timeout, ReceivedText.call("awaitText", ReceivedText.quoted(expected)))

    /** Waits until [regex] matches after the read mark; returns the match and moves the mark past it. */
    @JvmSynthetic
    public suspend fun awaitRegex(regex: Regex, timeout: Duration = DEFAULT_TIMEOUT): MatchResult = received.awaitRegex(regex, timeout, ReceivedText.call("awaitRegex", "Regex(${ReceivedText.quoted(regex.pattern)})"))

    /**
     * Waits until [prompt] is the last thing received (the server is waiting for input) and moves
     * the mark to the end. Returns the text before the prompt.
     */
    @JvmSynthetic
    public suspend fun awaitPrompt(prompt: String, timeout: Duration = DEFAULT_TIMEOUT): String = received.awaitPrompt(prompt, timeout, ReceivedText.call("awaitPrompt", ReceivedText.quoted(prompt)))

    /**
     * Waits until [predicate] holds for [screen], checking it again whenever text arrives; returns
     * the screen. Does not move the read mark. Throws [AssertionError] showing the screen on timeout.
     */
    @JvmSynthetic
    public suspend fun awaitScreen(timeout: Duration = DEFAULT_TIMEOUT, predicate: (VirtualScreen) -> Boolean): VirtualScreen =
        received.awaitScreen(timeout, ReceivedText.call("awaitScreen", "…"), predicate)

    /** Waits until the server closes the connection; true if it did within [timeout]. */
    @JvmSynthetic
    public suspend fun awaitClosed(timeout: Duration = DEFAULT_TIMEOUT): Boolean = received.awaitClosed(timeout)

    // ---- blocking forms for Java tests (the suspending ones above are hidden from Java) ----

    /** [send] for Java. */
    @JvmName("send")
    public fun sendBlocking(text: String): Unit = runBlocking { send(text) }

    /** [sendLine] for Java. */
    @JvmName("sendLine")
    public fun sendLineBlocking(line: String): Unit = runBlocking { sendLine(line) }

    /** [sendBytes] for Java. */
    @JvmName("sendBytes")
    public fun sendBytesBlocking(bytes: ByteArray): Unit = runBlocking { sendBytes(bytes) }

    /** [sendCommand] for Java. */
    @JvmName("sendCommand")
    public fun sendCommandBlocking(command: Int): Unit = runBlocking { sendCommand(command) }

    /** [resize] for Java. */
    @JvmName("resize")
    public fun resizeBlocking(width: Int, height: Int): Unit = runBlocking { resize(width, height) }

    /** [awaitText] for Java; throws [AssertionError] on timeout. */
    @JvmName("awaitText")
    @JvmOverloads
    public fun awaitTextBlocking(expected: String, timeout: java.time.Duration = DEFAULT_TIMEOUT.toJavaDuration()): String =
        runBlocking { awaitText(expected, timeout.toKotlinDuration()) }

    /** [awaitPrompt] for Java; throws [AssertionError] on timeout. */
    @JvmName("awaitPrompt")
    @JvmOverloads
    public fun awaitPromptBlocking(prompt: String, timeout: java.time.Duration = DEFAULT_TIMEOUT.toJavaDuration()): String =
        runBlocking { awaitPrompt(prompt, timeout.toKotlinDuration()) }

    /** [awaitClosed] for Java. */
    @JvmName("awaitClosed")
    @JvmOverloads
    public fun awaitClosedBlocking(timeout: java.time.Duration = DEFAULT_TIMEOUT.toJavaDuration()): Boolean =
        runBlocking { awaitClosed(timeout.toKotlinDuration()) }

    /** Closes the connection. */
    override fun close() {
        received.markClosed()
        runCatching { socket.close() }
        scope.cancel()
    }

    private fun appendText(bytes: ByteArray) {
        for (b in bytes) {
            val v = b.toInt() and 0xff
            if (lastWasCr && v == 0) { lastWasCr = false; continue }
            lastWasCr = v == 13
            pendingUtf8.write(v)
        }
        val pending = pendingUtf8.toByteArray()
        // Keep an incomplete UTF-8 sequence at the end for the next read.
        var cut = pending.size
        var back = 1
        while (back <= 3 && pending.size - back >= 0) {
            val v = pending[pending.size - back].toInt() and 0xff
            if (v and 0xC0 == 0x80) { back++; continue }
            val need = when { v >= 0xF0 -> 4; v >= 0xE0 -> 3; v >= 0xC0 -> 2; else -> 1 }
            if (need > back) cut = pending.size - back
            break
        }
        received.append(String(pending, 0, cut, Charsets.UTF_8))
        pendingUtf8.reset()
        pendingUtf8.write(pending, cut, pending.size - cut)
    }

    private fun subnegotiation(option: Int, payload: ByteArray) {
        val kind = payload.firstOrNull()?.toInt() ?: return
        when (option) {
            TelnetOption.TTYPE -> if (kind == SEND && profile.terminalTypes.isNotEmpty()) {
                val name = profile.terminalTypes[minOf(ttypeIndex++, profile.terminalTypes.size - 1)]
                sendSub(option, byteArrayOf(IS.toByte()) + name.toByteArray(Charsets.US_ASCII), "IS $name")
            }
            TelnetOption.NEW_ENVIRON -> if (kind == SEND) {
                val body = ByteArrayOutputStream().apply { write(IS) }
                for ((name, value) in profile.environment) {
                    body.write(ENV_VAR); escapeEnv(body, name)
                    body.write(ENV_VALUE); escapeEnv(body, value)
                }
                sendSub(option, body.toByteArray(), "IS ${profile.environment}")
            }
            TelnetOption.CHARSET -> if (kind == CHARSET_REQUEST) {
                val offered = String(payload, 2, maxOf(0, payload.size - 2), Charsets.US_ASCII)
                    .split(payload.getOrElse(1) { ';'.code.toByte() }.toInt().toChar())
                val pick = profile.charsets.firstOrNull { want -> offered.any { it.equals(want, ignoreCase = true) } }
                if (pick == null) sendSub(option, byteArrayOf(CHARSET_REJECTED.toByte()), "REJECTED")
                else sendSub(option, byteArrayOf(CHARSET_ACCEPTED.toByte()) + pick.toByteArray(Charsets.US_ASCII), "ACCEPTED $pick")
            }
        }
    }

    private fun sendNaws(width: Int, height: Int) {
        val payload = byteArrayOf((width shr 8).toByte(), width.toByte(), (height shr 8).toByte(), height.toByte())
        sendSub(TelnetOption.NAWS, payload, "${width}x$height")
    }

    private fun sendSub(option: Int, payload: ByteArray, description: String) {
        log.add("sent SB ${TelnetOption.name(option)} $description")
        write(TelnetEncoder.subnegotiation(option, payload))
    }

    private fun write(bytes: ByteArray) {
        synchronized(writeLock) {
            try {
                out.write(bytes)
                out.flush()
            } catch (e: IOException) {
                if (!received.closed) throw e
            }
        }
    }

    public companion object {
        /** How long the await functions wait unless told otherwise. */
        public val DEFAULT_TIMEOUT: Duration = 5.seconds

        private const val IS = 0
        private const val SEND = 1
        private const val ENV_VAR = 0
        private const val ENV_VALUE = 1
        private const val ENV_ESC = 2
        private const val ENV_USERVAR = 3
        private const val CHARSET_REQUEST = 1
        private const val CHARSET_ACCEPTED = 2
        private const val CHARSET_REJECTED = 3

        /** Connects to [host]:[port] and starts playing [profile]. */
        /** [connect] for Java: connects to [host]:[port] playing [profile] (an xterm by default). */
        @JvmStatic
        @JvmName("connect")
        @JvmOverloads
        public fun connectBlocking(host: String, port: Int, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
            runBlocking { connect(host, port, profile) }

        @JvmSynthetic
        public suspend fun connect(host: String, port: Int, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
            withContext(Dispatchers.IO) {
                val socket = Socket()
                socket.tcpNoDelay = true
                socket.connect(InetSocketAddress(host, port), 5000)
                TelnetTestClient(socket, profile).also { it.start() }
            }

        /**
         * [connectTls] for Java: connects to [host]:[port], runs a TLS handshake with [context] (a
         * client context: the authorities it trusts, and the certificate it presents if asked) and
         * plays [profile] over it.
         */
        @JvmStatic
        @JvmName("connectTls")
        @JvmOverloads
        public fun connectTlsBlocking(host: String, port: Int, context: SSLContext, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
            runBlocking { connectTls(host, port, context, profile) }

        /**
         * Connects to [host]:[port] over TLS with [context] (a client context: the authorities it
         * trusts, and the certificate it presents if asked, such as `TestCertificates.clientContext`),
         * completes the handshake, and starts playing [profile]. The server's certificate must be
         * valid for [host]. Throws the JDK's `SSLException` if the handshake fails.
         */
        @JvmSynthetic
        public suspend fun connectTls(host: String, port: Int, context: SSLContext, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
            withContext(Dispatchers.IO) {
                val plain = Socket()
                plain.tcpNoDelay = true
                try {
                    plain.connect(InetSocketAddress(host, port), 5000)
                    val socket = context.socketFactory.createSocket(plain, host, port, true) as SSLSocket
                    socket.soTimeout = 10_000
                    socket.startHandshake()
                    socket.soTimeout = 0
                    TelnetTestClient(socket, profile).also { it.start() }
                } catch (e: Exception) {
                    runCatching { plain.close() }
                    throw e
                }
            }

        private fun policyOf(profile: TerminalProfile) = OptionPolicy { side, option ->
            when (side) {
                OptionSide.LOCAL -> when (option) {
                    TelnetOption.TTYPE -> profile.terminalTypes.isNotEmpty()
                    TelnetOption.NAWS -> profile.width > 0
                    TelnetOption.NEW_ENVIRON -> profile.environment.isNotEmpty()
                    TelnetOption.CHARSET -> profile.charsets.isNotEmpty()
                    else -> false
                }
                OptionSide.REMOTE -> when (option) {
                    TelnetOption.ECHO -> profile.acceptEcho
                    TelnetOption.SGA -> profile.acceptSuppressGoAhead
                    else -> false
                }
            }
        }

        private fun escapeEnv(out: ByteArrayOutputStream, value: String) {
            for (b in value.toByteArray(Charsets.UTF_8)) {
                val v = b.toInt() and 0xff
                if (v <= ENV_USERVAR) out.write(ENV_ESC)
                out.write(v)
            }
        }

        private fun describe(payload: ByteArray): String = payload.joinToString(" ") {
            val v = it.toInt() and 0xff
            if (v in 0x21..0x7e) v.toChar().toString() else "%02X".format(v)
        }
    }
}
