package dev.telnetkit.session

/**
 * What a [Session] needs from the wire layer below it (Telnet, or a plain terminal stream): how its
 * text goes out and how the terminal echoes. The session never sees the wire protocol itself.
 */
internal interface TerminalLink {
    /** True when the server echoes and edits what is typed (character mode). */
    val echoes: Boolean

    /** [text], already charset-encoded with CR LF line ends, as the bytes to send (Telnet doubles IAC). */
    fun encode(text: ByteArray): ByteArray

    /**
     * Line mode: asks the client to stop echoing what is typed, for a hidden read. True if asked
     * (then [restoreTypedInput] follows); false where the wire cannot ask.
     */
    fun hideTypedInput(): Boolean

    /** Gives echoing back to the client after [hideTypedInput]. */
    fun restoreTypedInput()

    /**
     * False when no terminal shows the output (a pipe: `ssh -T`, `ssh host cmd`): prompts are then
     * not written, as a shell without a terminal writes none, so the output is the commands' alone.
     */
    val showsPrompts: Boolean get() = true

    /** The one command line the client asked to run (SSH `exec`), or null for an interactive session. */
    val command: String? get() = null

    /** True when error lines go out apart from the output, through [writeError] (SSH's stderr). */
    val separateErrors: Boolean get() = false

    /** Sends one error line, already through [encode], apart from the output; false if it was dropped. */
    fun writeError(line: ByteArray): Boolean = false

    /** A prompt was drawn and the session waits for a line (Telnet option handlers may mark it: EOR, GA). */
    fun promptShown() {}

    /** The session's exit status changed: the transport reports the last one when the session ends. */
    fun exitStatusChanged(status: Int) {}

    /**
     * Enters raw 8-bit transfer: from now on the wire hands the session's input as
     * [SessionInput.Bytes] (Telnet: asks BINARY both ways and waits a while for the answers).
     * Returns which way BINARY holds.
     */
    suspend fun beginBinary(): BinaryModes

    /** Leaves raw transfer: input is text again, and what [beginBinary] turned on is turned off. */
    fun endBinary()

    /** Raw bytes as they go on the wire (Telnet: IAC doubled, and CR NUL where BINARY is off). */
    fun encodeBinary(bytes: ByteArray): ByteArray
}

/** Which way an 8-bit-clean path holds during a binary transfer. */
internal class BinaryModes(val input: Boolean, val output: Boolean)
