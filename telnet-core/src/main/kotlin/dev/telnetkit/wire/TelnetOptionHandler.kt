package dev.telnetkit.wire

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetDecoder

/**
 * One Telnet option of one session, handled by the application: GMCP, MSDP, MSSP, compression,
 * or an option of its own. A [TelnetOptionFactory] registered with the server makes one per session.
 *
 * The core keeps the negotiation (RFC 1143, with the same budgets as for its own options), so a
 * handler only says which sides it wants ([local], [remote]) and acts on the callbacks. It may not
 * take an option the core speaks itself (BINARY, ECHO, SGA, TIMING-MARK, TTYPE, NAWS, NEW-ENVIRON,
 * CHARSET, TSPEED, XDISPLOC): such a handler is left out, with an error in the log, as is a
 * second handler for one option.
 *
 * The callbacks run on the connection's dispatcher (an event-loop thread), one at a time and in
 * wire order: they must be quick and must not block; hand long work to the session's scope. An
 * exception they throw is logged and the session goes on. Sending ([context]) works from any thread.
 *
 * @property option the option's number, 0..255.
 */
public abstract class TelnetOptionHandler(public val option: Int) {
    init {
        require(option in 0..255) { "option must be in 0..255, was $option" }
    }

    @Volatile private var attached: TelnetOptionContext? = null

    /** The option's link to its session; set before any callback. */
    protected val context: TelnetOptionContext
        get() = attached ?: throw IllegalStateException("the handler of option $option is not attached to a session yet")

    internal fun attach(context: TelnetOptionContext) {
        attached = context
    }

    /** Whether the server performs the option (`WILL`), and whether it asks at connect. Read once per session. */
    public open val local: OptionOffer get() = OptionOffer.REFUSE

    /** Whether the client may perform the option (`DO`), and whether the server asks at connect. Read once per session. */
    public open val remote: OptionOffer get() = OptionOffer.REFUSE

    /**
     * True (the default) if the opening waits for the client's answer to this option's
     * [OptionOffer.AT_CONNECT] request before the session starts, as it does for the core's own
     * offers; false for an option no user waits on (MSSP, which crawlers ask for), so a client
     * that never answers it starts without the connect wait. Read once per session.
     */
    public open val awaitedAtConnect: Boolean get() = true

    /**
     * The largest subnegotiation payload kept for this option, in bytes (16..16 MiB); a longer one
     * is dropped whole, with a warning in the log, and the session goes on. Read once per session.
     */
    public open val maxSubnegotiation: Int get() = TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION

    /** The option is now enabled on [side]. */
    public open fun onEnabled(side: OptionSide) {}

    /** The option is now disabled on [side] (refused, or turned off by either end). */
    public open fun onDisabled(side: OptionSide) {}

    /**
     * A subnegotiation arrived while the option is enabled on either side: [payload] is what came
     * between `IAC SB option` and `IAC SE`, with doubled IACs made single.
     */
    public open fun onSubnegotiation(payload: ByteArray) {}

    /** The session drew a prompt and now waits for a line (the place for `IAC EOR` or `IAC GA`). */
    public open fun onPrompt() {}

    /** The session ended; release what the handler holds. Nothing can be sent any more. */
    public open fun onClose() {}
}
