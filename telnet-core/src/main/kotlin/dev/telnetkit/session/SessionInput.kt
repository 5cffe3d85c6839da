package dev.telnetkit.session

/** What the connection hands the session's reader, in arrival order. */
internal sealed class SessionInput {
    class Text(val text: String) : SessionInput()
    data object Interrupt : SessionInput()
    data object EraseCharacter : SessionInput()
    data object EraseLine : SessionInput()
}
