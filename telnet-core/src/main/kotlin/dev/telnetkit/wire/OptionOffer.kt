package dev.telnetkit.wire

/** What a [TelnetOptionHandler] wants of its option on one side (server or client). */
public enum class OptionOffer {
    /** Never enabled on this side: the peer's request is refused. */
    REFUSE,

    /**
     * Enabled when the peer asks for it; the server asks only when the handler calls
     * [TelnetOptionContext.request] (later in the session, or when something happens).
     */
    ACCEPT,

    /**
     * Asked for with the server's opening offers, once the client has shown that it speaks Telnet
     * (a netcat user is never asked), and enabled when the peer asks too.
     */
    AT_CONNECT,
}
