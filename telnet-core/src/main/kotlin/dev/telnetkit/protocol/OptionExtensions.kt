package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi

/**
 * The options a [TelnetProtocol] leaves to someone else (an application's option handlers): it
 * still negotiates them by RFC 1143 itself, so no extension can cause a negotiation loop, but it
 * asks this table which of them may be enabled, which to ask for with its opening offers and how
 * long their subnegotiations may be, and it reports their changes and subnegotiations as
 * [ProtocolEvent.OptionChanged] and [ProtocolEvent.Subnegotiation].
 *
 * The options [TelnetProtocol] speaks itself (BINARY, ECHO, SGA, TIMING-MARK, TTYPE, NAWS,
 * NEW-ENVIRON, CHARSET, TSPEED, XDISPLOC) are never asked about here.
 *
 * Engine API ([EngineApi]): it may change in any release.
 */
@EngineApi
public interface OptionExtensions {
    /** True if [option] is handled by an extension. */
    public fun handles(option: Int): Boolean

    /** True if [option] (one [handles] is true for) may be enabled on [side]. */
    public fun allows(side: OptionSide, option: Int): Boolean

    /** The options to ask for on [side] with the opening offers, once the client shows it speaks Telnet. */
    public fun openingRequests(side: OptionSide): IntArray

    /** The largest payload of [option]'s subnegotiations to keep, in bytes (16..16 MiB). */
    public fun maxSubnegotiation(option: Int): Int

    /**
     * True if the opening waits for the client's answer to a request about [option] before the
     * session starts ([TelnetProtocol.isSettled]); false for an option no user waits on (MSSP), so
     * a client that never answers it (TinTin++ leaves WILL MSSP unanswered) starts at once.
     */
    public fun awaitsAnswer(option: Int): Boolean

    public companion object {
        /**
         * The options a [TelnetProtocol] speaks itself, which no extension may take over: BINARY,
         * ECHO, SGA, TIMING-MARK, TTYPE, NAWS, NEW-ENVIRON, CHARSET, TSPEED and XDISPLOC.
         */
        @JvmStatic
        public fun isBuiltIn(option: Int): Boolean = when (option) {
            TelnetOption.BINARY, TelnetOption.ECHO, TelnetOption.SGA, TelnetOption.TIMING_MARK,
            TelnetOption.TTYPE, TelnetOption.NAWS, TelnetOption.NEW_ENVIRON, TelnetOption.CHARSET,
            TelnetOption.TSPEED, TelnetOption.XDISPLOC -> true
            else -> false
        }
    }
}
