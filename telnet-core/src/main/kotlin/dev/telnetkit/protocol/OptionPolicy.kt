package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi

/**
 * Which options may be enabled on each side. The negotiator answers the peer from this table
 * alone; it never asks the application.
 */
@EngineApi
public fun interface OptionPolicy {
    /** True if [option] may be enabled on [side]; a request for anything else is refused. */
    public fun allows(side: OptionSide, option: Int): Boolean

    public companion object {
        /** The policy of a TelnetKit server. */
        @JvmField
        public val SERVER: OptionPolicy = OptionPolicy { side, option ->
            when (side) {
                // What the server performs itself: echo, suppress go-ahead, binary output, charset.
                OptionSide.LOCAL -> option == TelnetOption.ECHO || option == TelnetOption.SGA ||
                    option == TelnetOption.BINARY || option == TelnetOption.CHARSET
                // What the client may perform. LINEMODE and everything else is refused.
                OptionSide.REMOTE -> when (option) {
                    TelnetOption.BINARY, TelnetOption.SGA, TelnetOption.NAWS, TelnetOption.TTYPE,
                    TelnetOption.NEW_ENVIRON, TelnetOption.CHARSET, TelnetOption.TSPEED, TelnetOption.XDISPLOC -> true
                    else -> false
                }
            }
        }

        /** Refuses everything. */
        @JvmField
        public val NONE: OptionPolicy = OptionPolicy { _, _ -> false }
    }
}
