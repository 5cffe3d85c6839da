package dev.telnetkit.wire

import dev.telnetkit.session.BinaryModes
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionInput
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.terminal.TextDecoder

/**
 * The plain terminal stream discipline: no negotiation and no escaping. Bytes are UTF-8 text the
 * user typed; output goes out as it is. What Telnet would negotiate ([PlainTerminal]: terminal
 * type, size, environment, an authenticated user) is handed in by the transport, which also passes
 * on resizes and interrupts as they happen.
 */
internal class PlainTerminalWire(
    private val session: Session,
    private val terminal: PlainTerminal,
) : Wire, PlainTerminal.Listener {
    private val textDecoder = TextDecoder(session.encoding)
    @Volatile private var rawInput = false

    override val echoes: Boolean get() = terminal.characterMode

    // A pipe (no terminal) takes Unix line ends: `ssh host cmd > file` must not get CRs.
    override fun encode(text: ByteArray): ByteArray = if (terminal.tty) text else withoutCarriageReturns(text)

    override val command: String? get() = terminal.command

    override val showsPrompts: Boolean get() = terminal.tty

    override val separateErrors: Boolean get() = terminal.errorOutput != null

    override fun writeError(line: ByteArray): Boolean = terminal.errorOutput?.write(line) ?: false

    override fun exitStatusChanged(status: Int) {
        terminal.exitStatus = status
    }

    // Line-by-line input (ssh -T) has no echo to hide.
    override fun hideTypedInput(): Boolean = false

    override fun restoreTypedInput() {}

    override fun open() {
        session.terminalType = terminal.terminalType.lowercase()
        session.terminalTypes = listOf(session.terminalType)
        // As over Telnet: the six well-known names in environment, every other in userEnvironment.
        val (wellKnown, user) = terminal.environment.entries.partition { it.key in WELL_KNOWN_VARIABLES }
        session.environment = wellKnown.associate { it.key to it.value }
        session.userEnvironment = user.associate { it.key to it.value }
        terminal.user?.let { session.username = it }
        if (!terminal.tty) session.ansiEnabled = false
        session.resized(terminal.size)
        terminal.listen(this)
    }

    override fun receive(bytes: ByteArray, offset: Int, length: Int, inputs: MutableList<SessionInput>) {
        val received = bytes.copyOfRange(offset, offset + length)
        if (rawInput) {
            session.touched()
            inputs.add(SessionInput.Bytes(received))
        } else {
            addTypedText(session, textDecoder.decode(received), inputs)
        }
    }

    // The stream is 8-bit clean already (an SSH channel, memory): nothing to negotiate or escape.
    override suspend fun beginBinary(): BinaryModes {
        rawInput = true
        return BinaryModes(input = true, output = true)
    }

    override fun endBinary() {
        rawInput = false
    }

    override fun encodeBinary(bytes: ByteArray): ByteArray = bytes

    override fun inputEnded() {}

    override suspend fun awaitReady() {}

    override fun resized(size: TerminalSize) {
        session.resized(size)
    }

    override fun interrupted() {
        session.touched()
        // From the transport's thread: straight to the session's input, ahead of any type-ahead.
        if (rawInput || !session.interruptRequested()) session.input.trySend(SessionInput.Interrupt)
    }

    private companion object {
        /** [text] with every CR that comes before an LF removed. */
        fun withoutCarriageReturns(text: ByteArray): ByteArray {
            var crs = 0
            for (i in 0 until text.size - 1) if (text[i] == CR && text[i + 1] == LF) crs++
            if (crs == 0) return text
            val out = ByteArray(text.size - crs)
            var o = 0
            for (i in text.indices) {
                if (text[i] == CR && i + 1 < text.size && text[i + 1] == LF) continue
                out[o++] = text[i]
            }
            return out
        }

        const val CR: Byte = 13
        const val LF: Byte = 10

        /** RFC 1572's well-known variables (Telnet NEW-ENVIRON `VAR`). */
        val WELL_KNOWN_VARIABLES = setOf("USER", "JOB", "ACCT", "PRINTER", "SYSTEMTYPE", "DISPLAY")
    }
}
