@file:JvmName("TelnetOptions")

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

/**
 * This session's handler of type [type] (made by a factory given to the server's `telnetOption`),
 * or null when the session has none: not over Telnet, or the factory made none for it.
 */
public fun <T : TelnetOptionHandler> Session.telnetOption(type: Class<T>): T? = (link as? TelnetWire)?.optionHandler(type)

/** This session's option handler of type [T], or null; see [telnetOption]. */
public inline fun <reified T : TelnetOptionHandler> Session.telnetOption(): T? = telnetOption(T::class.java)
