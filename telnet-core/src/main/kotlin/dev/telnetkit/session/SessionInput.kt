package dev.telnetkit.session

/** What the connection hands the session's reader, in arrival order. */
internal sealed class SessionInput {
    class Text(val text: String) : SessionInput()
    data object Interrupt : SessionInput()
    data object EraseCharacter : SessionInput()
    data object EraseLine : SessionInput()
    /** Raw data bytes, during a binary transfer (Telnet layer removed, no charset decoding). */
    class Bytes(val bytes: ByteArray) : SessionInput()
}
