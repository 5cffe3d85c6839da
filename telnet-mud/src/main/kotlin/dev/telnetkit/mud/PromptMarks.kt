package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler

/**
 * Marks the end of each prompt for MUD clients, which otherwise cannot tell a prompt from a line
 * still arriving: `IAC EOR` when the client agreed to END-OF-RECORD (Telnet option 25, offered at
 * connect); otherwise, with `goAhead`, `IAC GA` if the server does not suppress go-ahead (the
 * client refused SGA). A client that never negotiates (netcat) gets neither.
 */
public class PromptMarks internal constructor(private val goAhead: Boolean) : TelnetOptionHandler(TelnetOption.EOR) {
    // Whether the client answered the offer of EOR: only a Telnet client is sent GA.
    @Volatile private var answered = false

    override val local: OptionOffer get() = OptionOffer.AT_CONNECT

    override fun onEnabled(side: OptionSide) {
        answered = true
    }

    override fun onDisabled(side: OptionSide) {
        answered = true
    }

    override fun onPrompt() {
        when {
            context.isEnabled(OptionSide.LOCAL) -> context.sendCommand(TelnetCommand.EOR)
            goAhead && answered && !context.options.isEnabled(OptionSide.LOCAL, TelnetOption.SGA) -> context.sendCommand(TelnetCommand.GA)
        }
    }

    /** Makes the handlers, one per session. */
    public companion object {
        /** The factory to register with the server; [goAhead] false sends no GA, only EOR. */
        @JvmStatic
        @JvmOverloads
        public fun factory(goAhead: Boolean = true): TelnetOptionFactory = TelnetOptionFactory { PromptMarks(goAhead) }
    }
}
