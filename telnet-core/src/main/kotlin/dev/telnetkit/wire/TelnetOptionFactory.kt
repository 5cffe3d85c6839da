package dev.telnetkit.wire

import dev.telnetkit.session.Session

/**
 * Makes the handler of one Telnet option for each new Telnet session (register it with the server
 * builder's `telnetOption`, or the DSL's). Called once per session, on the connection's
 * dispatcher, before the opening negotiation; it must not block.
 */
public fun interface TelnetOptionFactory {
    /** The handler for [session], or null to leave the option refused for this session. */
    public fun create(session: Session): TelnetOptionHandler?
}
