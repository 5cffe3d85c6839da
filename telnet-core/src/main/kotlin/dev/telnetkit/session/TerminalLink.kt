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
}
