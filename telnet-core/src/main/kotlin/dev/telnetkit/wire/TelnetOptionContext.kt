package dev.telnetkit.wire

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.session.OutputTransform
import dev.telnetkit.session.Session

/**
 * What a [TelnetOptionHandler] can do with its option in its session. Every method may be called
 * from any thread unless it says otherwise; what it sends is queued in order with the rest of the
 * session's output.
 */
public interface TelnetOptionContext {
    /** The session the option belongs to. */
    public val session: Session

    /** The option's number. */
    public val option: Int

    /** True if the option is enabled on [side] right now. */
    public fun isEnabled(side: OptionSide): Boolean

    /** The settled state of any option of this session, such as SGA for prompt marking. */
    public val options: TelnetOptionState

    /**
     * Asks for the option to be enabled or disabled on [side] (`WILL`/`WONT` for the server's side,
     * `DO`/`DONT` for the client's). The RFC 1143 negotiation in the core decides what is sent:
     * asking for the state in force or one being negotiated sends nothing. At most
     * `maxNegotiationsPerOption` requests per session are made, so no handler can keep a
     * negotiation loop going. False if nothing was asked (refused side, budget spent, or the
     * client never negotiates).
     */
    public fun request(side: OptionSide, enable: Boolean): Boolean

    /**
     * Sends `IAC SB option payload IAC SE` (IAC in [payload] doubled here). Sent only while the
     * option is enabled on either side; false (nothing sent) otherwise, or if the session's output
     * is closed or full.
     */
    public fun sendSubnegotiation(payload: ByteArray): Boolean

    /** Sends `IAC command`, such as [dev.telnetkit.protocol.TelnetCommand.EOR] or `GA`; false if output is closed or full. */
    public fun sendCommand(command: Int): Boolean

    /**
     * Sends `IAC SB option announcement IAC SE` and, right behind it with nothing between, starts
     * [transform] on the output: every byte queued after this goes through it (MCCP2). A transform
     * already in force ends first. False if the session's output is closed (the transform is then
     * closed at once).
     */
    public fun startOutputTransform(announcement: ByteArray, transform: OutputTransform): Boolean

    /** Ends the output transform in force (its trailer goes out); the bytes after it go as they are. */
    public fun stopOutputTransform(): Boolean

    /**
     * Starts [transform] on the client's bytes, from the byte right after the subnegotiation being
     * handled (MCCP3). Only from [TelnetOptionHandler.onSubnegotiation]; throws
     * [IllegalStateException] elsewhere or while another input transform is in force.
     */
    public fun startInputTransform(transform: InputTransform)
}
