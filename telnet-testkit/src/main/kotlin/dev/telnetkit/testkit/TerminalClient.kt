package dev.telnetkit.testkit

/**
 * A test client that receives what a server shows: a [TelnetTestClient] (over a socket) or an
 * [InMemoryClient] (through an [InMemoryTransport]). The matchers ([shouldShow], [shouldShowPrompt],
 * [shouldShowOnScreen], [shouldBeClosed]) take either.
 */
public sealed class TerminalClient {
    internal abstract val received: ReceivedText

    /** Types [line] and Enter, whichever way this client sends it. */
    internal abstract suspend fun typeLine(line: String)
}
