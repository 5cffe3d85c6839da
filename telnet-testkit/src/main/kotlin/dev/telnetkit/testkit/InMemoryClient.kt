package dev.telnetkit.testkit

import dev.telnetkit.session.TerminalSize
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.runBlocking
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * A user at a terminal connected through an [InMemoryTransport]: types text, resizes, interrupts,
 * and waits for what the session shows. Text arrives as the session wrote it (UTF-8, `CR LF` line
 * ends) and is also drawn on [screen]; the `await…` functions search from a read mark and move it
 * past what they matched, so consecutive awaits follow the conversation, as with [TelnetTestClient].
 */
public class InMemoryClient internal constructor(
    private val connection: InMemoryConnection,
    /** The terminal this client plays. */
    public val terminal: PlainTerminal,
) : TerminalClient(), AutoCloseable {
    /** What the terminal shows after everything received so far. */
    public val screen: VirtualScreen = VirtualScreen(terminal.size.width.coerceAtLeast(2), terminal.size.height.coerceAtLeast(1))
    internal override val received: ReceivedText = ReceivedText(screen)

    internal override suspend fun typeLine(line: String): Unit = sendLine(line)
    private val decoder = Charsets.UTF_8.newDecoder()
        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)
    private val pending = java.nio.ByteBuffer.allocate(8)

    init {
        connection.onOutput = ::receive
        connection.onOutputEnded = received::markClosed
    }

    /** All text received so far. */
    public val output: String get() = received.output

    /** Text received after the read mark (not yet matched by an await). */
    public val unread: String get() = received.unread

    /** True once the server ended the session (or [close] was called). */
    public val isClosed: Boolean get() = received.closed

    private fun receive(bytes: ByteArray) {
        // Decodes UTF-8 across chunk boundaries: an unfinished character waits for the next chunk.
        val input = if (pending.position() == 0) java.nio.ByteBuffer.wrap(bytes) else {
            pending.flip()
            java.nio.ByteBuffer.allocate(pending.remaining() + bytes.size).put(pending).put(bytes).flip()
        }
        pending.clear()
        val out = java.nio.CharBuffer.allocate(input.remaining() + 1)
        decoder.decode(input, out, false)
        if (input.remaining() in 1..pending.capacity()) pending.put(input)
        out.flip()
        if (out.hasRemaining()) received.append(out.toString())
    }

    /** Types [text] (UTF-8), with no line end. */
    @JvmName("send")
    public fun send(text: String) {
        connection.clientSent(text.toByteArray(Charsets.UTF_8))
    }

    /** Types [line] and Enter. */
    @JvmName("sendLine")
    public fun sendLine(line: String) {
        send("$line\r\n")
    }

    /** Resizes the terminal: [screen] first, then the session is told, as a terminal window does. */
    @JvmName("resize")
    public fun resize(width: Int, height: Int) {
        if (width >= 2 && height >= 1) received.withScreen { it.resize(width, height) }
        terminal.resize(TerminalSize(width, height))
    }

    /** Asks to interrupt, as an SSH `break` or a browser's interrupt button would (Ctrl-C is `send("\u0003")`). */
    @JvmName("interrupt")
    public fun interrupt() {
        terminal.interrupt()
    }

    /** Waits until [expected] appears after the read mark; returns the text up to it and moves the mark past it. */
    @JvmSynthetic
    public suspend fun awaitText(expected: String, timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT): String =
        received.awaitText(expected, timeout, ReceivedText.call("awaitText", ReceivedText.quoted(expected)))

    /** Waits until [regex] matches after the read mark; returns the match and moves the mark past it. */
    @JvmSynthetic
    public suspend fun awaitRegex(regex: Regex, timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT): MatchResult =
        received.awaitRegex(regex, timeout, ReceivedText.call("awaitRegex", "Regex(${ReceivedText.quoted(regex.pattern)})"))

    /** Waits until [prompt] is the last thing received; returns the text before it and moves the mark to the end. */
    @JvmSynthetic
    public suspend fun awaitPrompt(prompt: String, timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT): String =
        received.awaitPrompt(prompt, timeout, ReceivedText.call("awaitPrompt", ReceivedText.quoted(prompt)))

    /** Waits until [predicate] holds for [screen]; does not move the read mark. */
    @JvmSynthetic
    public suspend fun awaitScreen(timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT, predicate: (VirtualScreen) -> Boolean): VirtualScreen =
        received.awaitScreen(timeout, ReceivedText.call("awaitScreen", "…"), predicate)

    /** Waits until the session has ended; true if it did within [timeout]. */
    @JvmSynthetic
    public suspend fun awaitClosed(timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT): Boolean = received.awaitClosed(timeout)

    /** [awaitText] for Java. */
    @JvmName("awaitText")
    @JvmOverloads
    public fun awaitTextBlocking(expected: String, timeout: java.time.Duration = TelnetTestClient.DEFAULT_TIMEOUT.toJavaDuration()): String =
        runBlocking { awaitText(expected, timeout.toKotlinDuration()) }

    /** [awaitPrompt] for Java. */
    @JvmName("awaitPrompt")
    @JvmOverloads
    public fun awaitPromptBlocking(prompt: String, timeout: java.time.Duration = TelnetTestClient.DEFAULT_TIMEOUT.toJavaDuration()): String =
        runBlocking { awaitPrompt(prompt, timeout.toKotlinDuration()) }

    /** [awaitClosed] for Java. */
    @JvmName("awaitClosed")
    @JvmOverloads
    public fun awaitClosedBlocking(timeout: java.time.Duration = TelnetTestClient.DEFAULT_TIMEOUT.toJavaDuration()): Boolean =
        runBlocking { awaitClosed(timeout.toKotlinDuration()) }

    /** Ends the input, as a user closing the terminal: the session's reads return null and it ends. */
    override fun close() {
        connection.clientEndedInput()
    }
}
