package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi

/**
 * Option negotiation by the Q method of RFC 1143, for both sides of all 256 options.
 *
 * Pure state: received WILL/WONT/DO/DONT and local requests go in; replies and settled state
 * changes come out through a [NegotiationSink]. The Q method guarantees the properties servers
 * keep getting wrong: a request for the state an option is already in gets no answer, an answer is
 * never answered, no new request is sent while one is pending (it is queued instead), and a refused
 * option stays refused until someone asks again. A peer that repeats a refused request is answered
 * every time: flood protection belongs to the session, not here.
 *
 * TIMING-MARK (RFC 860) is special: `DO TIMING-MARK` is answered `WILL TIMING-MARK` every time and
 * the option is never kept enabled.
 *
 * State for us and for him is packed into one byte per option (a nibble per side). Not thread-safe.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public class OptionNegotiator(private val policy: OptionPolicy) {
    // Per option, one nibble per side (low: us, high: him): bits 0-1 the state (NO, YES, WANTNO,
    // WANTYES), bit 2 the queue (OPPOSITE), bit 3 the enabled state last reported to a sink.
    // Sized for the options real clients use; grown to all 256 when another one leaves state NO.
    private var states = ByteArray(COMMON_OPTIONS)

    /** True if [option] is enabled on [side]. */
    public fun isEnabled(side: OptionSide, option: Int): Boolean = state(side, option) == YES

    /** True while a request of ours for [option] on [side] awaits its answer. */
    public fun isPending(side: OptionSide, option: Int): Boolean = state(side, option) >= WANTNO

    /** True while any request of ours awaits its answer. */
    public fun hasPending(): Boolean = hasPending(null)

    /** True while a request of ours about an option [counted] accepts (null: any) awaits its answer. */
    public fun hasPending(counted: java.util.function.IntPredicate?): Boolean {
        for (i in states.indices) {
            val v = states[i].toInt()
            if (((v and 3) >= WANTNO || ((v shr 4) and 3) >= WANTNO) && (counted == null || counted.test(i))) return true
        }
        return false
    }

    /**
     * Asks for [option] to be enabled (or disabled) on [side]: `WILL`/`WONT` for [OptionSide.LOCAL],
     * `DO`/`DONT` for [OptionSide.REMOTE]. Asking for the state already in force, or one already
     * being negotiated, sends nothing; asking for the opposite of a pending request queues it.
     * Enabling an option the policy does not allow is refused with an [IllegalArgumentException].
     */
    public fun request(side: OptionSide, option: Int, enable: Boolean, sink: NegotiationSink) {
        require(option in 0..255) { "option out of range: $option" }
        require(!enable || policy.allows(side, option)) { "the policy does not allow ${TelnetOption.name(option)} on $side" }
        val v = get(side, option)
        val st = v and 3
        val queued = v and OPPOSITE != 0
        val (yesVerb, noVerb) = verbs(side)
        if (enable) {
            when (st) {
                NO -> { set(side, option, WANTYES, false); sink.send(yesVerb, option) }
                WANTNO -> if (!queued) set(side, option, WANTNO, true)
                WANTYES -> if (queued) set(side, option, WANTYES, false)
            }
        } else {
            when (st) {
                YES -> { set(side, option, WANTNO, false); sink.send(noVerb, option) }
                WANTNO -> if (queued) set(side, option, WANTNO, false)
                WANTYES -> if (!queued) set(side, option, WANTYES, true)
            }
        }
    }

    /** Handles a received `IAC verb option`, where [verb] is WILL, WONT, DO or DONT. */
    public fun receive(verb: Int, option: Int, sink: NegotiationSink) {
        require(option in 0..255) { "option out of range: $option" }
        when (verb) {
            TelnetCommand.WILL -> positive(OptionSide.REMOTE, option, sink)
            TelnetCommand.WONT -> negative(OptionSide.REMOTE, option, sink)
            TelnetCommand.DO ->
                if (option == TelnetOption.TIMING_MARK) sink.send(TelnetCommand.WILL, option)
                else positive(OptionSide.LOCAL, option, sink)
            TelnetCommand.DONT ->
                if (option != TelnetOption.TIMING_MARK) negative(OptionSide.LOCAL, option, sink)
            else -> throw IllegalArgumentException("not a negotiation verb: $verb")
        }
    }

    /** The peer says it will (side REMOTE) or asks us to (side LOCAL). */
    private fun positive(side: OptionSide, option: Int, sink: NegotiationSink) {
        val v = get(side, option)
        val queued = v and OPPOSITE != 0
        val (yesVerb, noVerb) = verbs(side)
        when (v and 3) {
            NO -> if (policy.allows(side, option)) {
                set(side, option, YES, false)
                sink.send(yesVerb, option)
                settle(side, option, true, sink)
            } else {
                sink.send(noVerb, option)
            }
            YES -> Unit
            WANTNO -> if (queued) {
                set(side, option, YES, false)
                settle(side, option, true, sink)
            } else {
                // Our disable was answered with an enable: RFC 1143 says take it as disabled.
                set(side, option, NO, false)
                settle(side, option, false, sink)
            }
            WANTYES -> if (queued) {
                set(side, option, WANTNO, false)
                sink.send(noVerb, option)
            } else {
                set(side, option, YES, false)
                settle(side, option, true, sink)
            }
        }
    }

    /** The peer says it won't (side REMOTE) or asks us not to (side LOCAL). */
    private fun negative(side: OptionSide, option: Int, sink: NegotiationSink) {
        val v = get(side, option)
        val queued = v and OPPOSITE != 0
        val (yesVerb, noVerb) = verbs(side)
        when (v and 3) {
            NO -> Unit
            YES -> {
                set(side, option, NO, false)
                sink.send(noVerb, option)
                settle(side, option, false, sink)
            }
            WANTNO -> if (queued) {
                set(side, option, WANTYES, false)
                settle(side, option, false, sink)
                sink.send(yesVerb, option)
            } else {
                set(side, option, NO, false)
                settle(side, option, false, sink)
            }
            WANTYES -> {
                set(side, option, NO, false)
                settle(side, option, false, sink)
                sink.refused(side, option)
            }
        }
    }

    /** Reports a settled state to the sink only when it differs from the last one reported. */
    private fun settle(side: OptionSide, option: Int, enabled: Boolean, sink: NegotiationSink) {
        val v = get(side, option)
        if ((v and REPORTED != 0) == enabled) return
        put(side, option, if (enabled) v or REPORTED else v and REPORTED.inv())
        sink.changed(side, option, enabled)
    }

    private fun state(side: OptionSide, option: Int): Int = get(side, option and 0xff) and 3

    private fun get(side: OptionSide, option: Int): Int {
        if (option >= states.size) return 0
        val v = states[option].toInt()
        return if (side == OptionSide.LOCAL) v and 0xf else (v shr 4) and 0xf
    }

    private fun put(side: OptionSide, option: Int, nibble: Int) {
        if (option >= states.size) {
            if (nibble == 0) return
            states = states.copyOf(256)
        }
        val v = states[option].toInt()
        states[option] = (if (side == OptionSide.LOCAL) (v and 0xf0) or nibble else (v and 0x0f) or (nibble shl 4)).toByte()
    }

    private fun verbs(side: OptionSide): Pair<Int, Int> =
        if (side == OptionSide.LOCAL) WILL_WONT else DO_DONT

    private fun set(side: OptionSide, option: Int, state: Int, opposite: Boolean) {
        val reported = get(side, option) and REPORTED
        put(side, option, state or reported or (if (opposite) OPPOSITE else 0))
    }

    private companion object {
        const val NO = 0
        const val YES = 1
        const val WANTNO = 2
        const val WANTYES = 3
        const val OPPOSITE = 4
        const val REPORTED = 8
        const val COMMON_OPTIONS = 48
        val WILL_WONT = TelnetCommand.WILL to TelnetCommand.WONT
        val DO_DONT = TelnetCommand.DO to TelnetCommand.DONT
    }
}

/** Receives what an [OptionNegotiator] decides. */
@EngineApi
public interface NegotiationSink {
    /** Send `IAC verb option` to the peer. */
    public fun send(verb: Int, option: Int)

    /** [option] on [side] is now settled as [enabled] (reported only on a real change). */
    public fun changed(side: OptionSide, option: Int, enabled: Boolean)

    /** Our request to enable [option] on [side] was refused; the option stays disabled. */
    public fun refused(side: OptionSide, option: Int) {}
}
