package dev.telnetkit.wire

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.session.Session

/** The settled state of a Telnet session's options, readable from any thread. */
public fun interface TelnetOptionState {
    /** True if [option] (0..255) is enabled on [side] right now. */
    public fun isEnabled(side: OptionSide, option: Int): Boolean
}

/**
 * The Telnet options of this session, or null when the session does not arrive over Telnet (SSH, a
 * browser, memory). Handlers that only need terminal facts use the session's own properties.
 */
public val Session.telnetOptions: TelnetOptionState?
    get() = link as? TelnetWire
