package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi
import java.nio.charset.Charset

/** Takes the bytes a [TelnetProtocol] wants sent to the client, in order. */
@EngineApi
public fun interface ProtocolOutput {
    /** Queues [bytes] (already encoded for the wire) for the client. */
    public fun send(bytes: ByteArray)
}

/** Receives the [ProtocolEvent]s of a [TelnetProtocol], in order, on the thread that fed it. */
@EngineApi
public fun interface ProtocolEventSink {
    /** Called once per event. */
    public fun onEvent(event: ProtocolEvent)
}

/**
 * The whole server side of the Telnet protocol for one connection, with no I/O: received bytes go
 * in through [receive]; bytes to send come out through [output] and everything the session needs
 * to know comes out as [ProtocolEvent]s through [events].
 *
 * It decodes ([TelnetDecoder]), negotiates ([OptionNegotiator] with [OptionPolicy.SERVER]), runs
 * the subnegotiations of NAWS, TTYPE, NEW-ENVIRON, CHARSET, TSPEED and XDISPLOC, answers
 * TIMING-MARK and refuses LINEMODE and every other option.
 *
 * The opening follows what real clients handle best: [open] asks only `DO TTYPE`, so a client that
 * speaks no Telnet (netcat) sees three stray bytes rather than a screenful; as soon as the client
 * answers anything, the server offers `WILL SGA`, `WILL ECHO` and asks `DO NAWS`, `DO NEW-ENVIRON`
 * and `DO CHARSET`. [isSettled] tells when nothing asked for is still awaited.
 *
 * The TTYPE cycle is asked two `SEND`s at a time, so a client that repeats its only name (xterm,
 * PuTTY, inetutils) has answered everything in two round trips: `DO TTYPE`, then the two `SEND`s
 * together with the offers. Sending the offers with `DO TTYPE` too would not shorten that (the
 * `SEND`s must wait for `WILL TTYPE`); it would spare a round trip only to clients that accept
 * NEW-ENVIRON or CHARSET, at the price of six requests of noise on a netcat user's screen.
 *
 * `DO TIMING-MARK` is answered as soon as it is decoded, so the `WILL TIMING-MARK` goes out behind
 * the output already queued but ahead of output the handler has yet to produce for input that came
 * before the mark (RFC 860 asks for it after that). Holding it back would tie it to the handler:
 * a running command could delay it without bound, and line-mode clients that discard output until
 * the answer (inetutils on Ctrl-C) would lose the prompt drawn meanwhile.
 *
 * Options it does not speak itself may be left to [extensions] (an application's option handlers):
 * they are negotiated here all the same, asked for with the opening offers where the extensions
 * say so, and reported as [ProtocolEvent.OptionChanged] and [ProtocolEvent.Subnegotiation]; after
 * such a subnegotiation [receive] returns at once (see its doc). Requests on their behalf go through
 * [requestForExtension], which bounds them per option, so an extension answering every change with
 * the opposite request cannot start a loop with the client.
 *
 * Not thread-safe: the owner serialises calls.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public class TelnetProtocol @JvmOverloads constructor(
    private val settings: ProtocolSettings,
    private val output: ProtocolOutput,
    private val events: ProtocolEventSink,
    private val extensions: OptionExtensions? = null,
) {
    private val decoder = TelnetDecoder(settings.maxSubnegotiation).also { decoder ->
        if (extensions != null) decoder.subnegotiationLimit = SubnegotiationLimit { option ->
            if (extensions.handles(option)) extensions.maxSubnegotiation(option) else settings.maxSubnegotiation
        }
    }
    private val negotiator = OptionNegotiator(
        if (extensions == null) OptionPolicy.SERVER
        else OptionPolicy { side, option ->
            if (!OptionExtensions.isBuiltIn(option) && extensions.handles(option)) extensions.allows(side, option)
            else OptionPolicy.SERVER.allows(side, option)
        },
    )
    // Which pending requests hold the opening: all, except extension options that say no one waits on them.
    private val awaitedOptions: java.util.function.IntPredicate? = extensions?.let { ext ->
        java.util.function.IntPredicate { option -> !isExtension(option) || ext.awaitsAnswer(option) }
    }
    // Requests made for extensions, per option, saturating; made on first use.
    private var extensionRequests: ByteArray? = null
    private var ttype: TerminalTypeCycle? = null
    // TTYPE SENDs asked and not yet answered (the cycle is pipelined, two at a time).
    private var ttypeAsked = 0
    // The client has sent a negotiation: it speaks Telnet.
    private var answered = false
    private var opened = false
    private var offered = false
    private var awaitingEnvironment = false
    private var awaitingCharset = false
    private var charsetAgreed = false
    private var awaitingSpeed = false
    private var awaitingDisplay = false

    /** The session's charset: the first of [ProtocolSettings.charsets] until CHARSET agrees another. */
    public var charset: Charset = settings.charsets.first()
        private set

    private val negotiationSink = object : NegotiationSink {
        override fun send(verb: Int, option: Int) = output.send(TelnetEncoder.negotiation(verb, option))
        override fun changed(side: OptionSide, option: Int, enabled: Boolean) = optionChanged(side, option, enabled)

        // An extension's handler is told of a refusal too (onDisabled), as TelnetOptionHandler says:
        // PromptMarks sends GA only to a client that answered its offer.
        override fun refused(side: OptionSide, option: Int) {
            if (isExtension(option)) events.onEvent(ProtocolEvent.OptionChanged(side, option, false))
        }
    }

    /**
     * Negotiations and subnegotiations received so far, well-formed or not. The connection re-arms
     * its opening wait only when this grows: data a user types or pastes meanwhile must not delay
     * the prompt.
     */
    internal var negotiationsReceived: Long = 0
        private set

    private val eventSink = TelnetEventSink { event ->
        if (event !is TelnetEvent.Data && event !is TelnetEvent.Command) negotiationsReceived++
        when (event) {
            is TelnetEvent.Data -> events.onEvent(ProtocolEvent.Data(event.bytes))
            is TelnetEvent.Command -> command(event.code)
            is TelnetEvent.Negotiation -> if (isExempt(event.verb, event.option) || withinBudget(event.option)) {
                answered = true
                negotiator.receive(event.verb, event.option, negotiationSink)
                if (!offered) offerCharacterMode()
            }
            is TelnetEvent.Subnegotiation -> if (isExtension(event.option)) extensionSubnegotiation(event.option, event.payload)
                else subnegotiation(event.option, event.payload)
            is TelnetEvent.SubnegotiationError ->
                events.onEvent(ProtocolEvent.Warning("subnegotiation ${TelnetOption.name(event.option)} dropped: ${event.reason}"))
        }
    }

    /** True if [option] is enabled on [side]. */
    public fun isEnabled(side: OptionSide, option: Int): Boolean = negotiator.isEnabled(side, option)

    /** True while a request of ours to change [option] on [side] awaits the peer's answer. */
    public fun isPending(side: OptionSide, option: Int): Boolean = negotiator.isPending(side, option)

    /** True once the opening has been answered and no request or subnegotiation reply is awaited. */
    public val isSettled: Boolean
        get() = offered && !negotiator.hasPending(awaitedOptions) && (ttype?.finished ?: true) &&
            !awaitingEnvironment && !awaitingCharset && !awaitingSpeed && !awaitingDisplay

    /** True once the client has sent any negotiation, so it speaks Telnet. */
    public val peerNegotiates: Boolean get() = answered

    /**
     * The outcome of every request the opening made ([open], and the offer of character mode once
     * the client negotiated) that has been answered: [report] gets its side, option and whether it
     * is enabled now. Requests still unanswered are left out. Call once the opening is over.
     */
    internal fun openingOutcomes(report: (OptionSide, Int, Boolean) -> Unit) {
        fun outcome(side: OptionSide, option: Int) {
            if (!negotiator.isPending(side, option)) report(side, option, negotiator.isEnabled(side, option))
        }
        // A client that never answered DO TTYPE (netcat) refused nothing.
        if (!answered) return
        outcome(OptionSide.REMOTE, TelnetOption.TTYPE)
        if (!offered) return
        outcome(OptionSide.LOCAL, TelnetOption.SGA)
        outcome(OptionSide.LOCAL, TelnetOption.ECHO)
        outcome(OptionSide.REMOTE, TelnetOption.NAWS)
        outcome(OptionSide.REMOTE, TelnetOption.NEW_ENVIRON)
        outcome(OptionSide.REMOTE, TelnetOption.CHARSET)
        extensions?.let { ext ->
            for (option in ext.openingRequests(OptionSide.LOCAL)) if (isExtension(option)) outcome(OptionSide.LOCAL, option)
            for (option in ext.openingRequests(OptionSide.REMOTE)) if (isExtension(option)) outcome(OptionSide.REMOTE, option)
        }
    }

    /** Sends the opening request (`DO TTYPE`). Call once, right after the connection opens. */
    public fun open() {
        check(!opened) { "already opened" }
        opened = true
        negotiator.request(OptionSide.REMOTE, TelnetOption.TTYPE, true, negotiationSink)
    }

    /**
     * Feeds received bytes; replies go to `output` and events to `events` before this returns.
     * Returns how many bytes were used: all of them, except after a subnegotiation of an extension's
     * option, where it returns right after it so its handler can act before the next byte is read
     * (MCCP3 compresses what follows); feed the rest again afterwards.
     */
    @JvmOverloads
    public fun receive(bytes: ByteArray, offset: Int = 0, length: Int = bytes.size): Int =
        decoder.decode(bytes, offset, length, eventSink)

    /** Asks for [option] to be enabled or disabled on [side] (see [OptionNegotiator.request]). */
    public fun request(side: OptionSide, option: Int, enable: Boolean) {
        negotiator.request(side, option, enable, negotiationSink)
    }

    /**
     * [request] on behalf of an extension: at most `maxNegotiationsPerOption` requests per option
     * in a session, so an extension that answers each change with the opposite request cannot keep
     * a loop going with the client. False once that many were made; also false for
     * an option no extension handles, or one the extensions do not allow on [side].
     */
    public fun requestForExtension(side: OptionSide, option: Int, enable: Boolean): Boolean {
        if (!isExtension(option)) return false
        if (enable && !negotiator.isEnabled(side, option) && extensions?.allows(side, option) != true) return false
        val counts = extensionRequests ?: ByteArray(256).also { extensionRequests = it }
        val n = counts[option].toInt() and 0xff
        // No event for the refusal: this may be called from any thread, and events belong to receive's caller.
        if (n >= settings.maxNegotiationsPerOption) return false
        counts[option] = (n + 1).toByte()
        negotiator.request(side, option, enable, negotiationSink)
        return true
    }

    private fun isExtension(option: Int): Boolean =
        extensions != null && !OptionExtensions.isBuiltIn(option) && extensions.handles(option)

    /** An extension's subnegotiation, taken only while its option is enabled on either side. */
    private fun extensionSubnegotiation(option: Int, payload: ByteArray) {
        if (!negotiator.isEnabled(OptionSide.LOCAL, option) && !negotiator.isEnabled(OptionSide.REMOTE, option)) return
        events.onEvent(ProtocolEvent.Subnegotiation(option, payload))
        decoder.stop()
    }

    // Unsolicited negotiation messages received per option, saturating, allocated on first use: the
    // options real clients negotiate all lie below COMMON_OPTIONS, so a full table is made only for others.
    private var negotiationCounts: ByteArray? = null

    /**
     * True for messages the budget must never stop: the answer to a request of ours still pending
     * (ignoring it would leave the option stuck half-way, such as ECHO in WANTNO after a hidden
     * password read, with the password then echoed), and `DO`/`DONT TIMING-MARK`, which is answered
     * every time (a line-mode client sends `IAC IP IAC DO TM` for every Ctrl-C and freezes until
     * the answer comes). Neither can loop: the first is bounded by our own requests, and a flood of
     * `DO TM` costs its sender as many bytes as it gets back, bounded by the session's byte budgets.
     */
    private fun isExempt(verb: Int, option: Int): Boolean = when (verb) {
        TelnetCommand.DO, TelnetCommand.DONT ->
            option == TelnetOption.TIMING_MARK || negotiator.isPending(OptionSide.LOCAL, option)
        else -> negotiator.isPending(OptionSide.REMOTE, option)
    }

    /**
     * False once a client has sent more than the allowed unsolicited messages about [option]:
     * ignore them. Only messages not [isExempt] are counted.
     */
    private fun withinBudget(option: Int): Boolean {
        val current = negotiationCounts
        val counts = when {
            current != null && option < current.size -> current
            option < COMMON_OPTIONS && current == null -> ByteArray(COMMON_OPTIONS).also { negotiationCounts = it }
            else -> ByteArray(256).also { full -> current?.copyInto(full); negotiationCounts = full }
        }
        val n = counts[option].toInt() and 0xff
        if (n >= settings.maxNegotiationsPerOption) {
            if (n == settings.maxNegotiationsPerOption) {
                counts[option] = (n + 1).toByte()
                events.onEvent(ProtocolEvent.Warning("more than ${settings.maxNegotiationsPerOption} negotiations of ${TelnetOption.name(option)}: ignoring them"))
            }
            return false
        }
        counts[option] = (n + 1).toByte()
        return true
    }

    private fun offerCharacterMode() {
        offered = true
        negotiator.request(OptionSide.LOCAL, TelnetOption.SGA, true, negotiationSink)
        negotiator.request(OptionSide.LOCAL, TelnetOption.ECHO, true, negotiationSink)
        negotiator.request(OptionSide.REMOTE, TelnetOption.NAWS, true, negotiationSink)
        negotiator.request(OptionSide.REMOTE, TelnetOption.NEW_ENVIRON, true, negotiationSink)
        negotiator.request(OptionSide.REMOTE, TelnetOption.CHARSET, true, negotiationSink)
        extensions?.let { ext ->
            for (option in ext.openingRequests(OptionSide.LOCAL)) if (isExtension(option)) negotiator.request(OptionSide.LOCAL, option, true, negotiationSink)
            for (option in ext.openingRequests(OptionSide.REMOTE)) if (isExtension(option)) negotiator.request(OptionSide.REMOTE, option, true, negotiationSink)
        }
    }

    private fun command(code: Int) {
        when (code) {
            TelnetCommand.IP, TelnetCommand.BRK -> events.onEvent(ProtocolEvent.Interrupt(code))
            TelnetCommand.AYT -> events.onEvent(ProtocolEvent.AreYouThere)
            TelnetCommand.EC -> events.onEvent(ProtocolEvent.EraseCharacter)
            TelnetCommand.EL -> events.onEvent(ProtocolEvent.EraseLine)
            TelnetCommand.AO -> events.onEvent(ProtocolEvent.AbortOutput)
            else -> Unit // NOP, DM, GA, a stray SE and unknown codes need no answer.
        }
    }

    private fun optionChanged(side: OptionSide, option: Int, enabled: Boolean) {
        if (side == OptionSide.REMOTE && enabled) {
            when (option) {
                TelnetOption.TTYPE -> {
                    ttype = TerminalTypeCycle(settings.maxTerminalTypes)
                    ttypeAsked = 0
                    askTerminalTypes()
                }
                TelnetOption.NEW_ENVIRON -> {
                    awaitingEnvironment = true
                    EnvironmentCodec.sendFrames(emptyList(), emptyList()).forEach { sendSub(option, it) }
                }
                // Unless the client's own REQUEST already settled the charset.
                TelnetOption.CHARSET -> if (!charsetAgreed) {
                    awaitingCharset = true
                    sendSub(option, CharsetCodec.request(settings.charsets.map { it.name() }))
                }
                TelnetOption.TSPEED -> { awaitingSpeed = true; sendSub(option, byteArrayOf(SEND)) }
                TelnetOption.XDISPLOC -> { awaitingDisplay = true; sendSub(option, byteArrayOf(SEND)) }
            }
        }
        if (side == OptionSide.REMOTE && option == TelnetOption.BINARY) decoder.binaryInput = enabled
        if (side == OptionSide.REMOTE && !enabled) {
            when (option) {
                TelnetOption.TTYPE -> ttype?.let { if (!it.finished) { it.accept(""); announceTerminalType(it) } }
                TelnetOption.NEW_ENVIRON -> awaitingEnvironment = false
                TelnetOption.CHARSET -> awaitingCharset = false
                TelnetOption.TSPEED -> awaitingSpeed = false
                TelnetOption.XDISPLOC -> awaitingDisplay = false
            }
        }
        events.onEvent(ProtocolEvent.OptionChanged(side, option, enabled))
    }

    /**
     * Acts on a subnegotiation only for an option both sides agreed to: enabled on the client's side
     * for what the client reports (TTYPE, NEW-ENVIRON, TSPEED, XDISPLOC), on either side for CHARSET
     * (RFC 2066 lets either side send REQUEST). Anything else is ignored by rule, quietly: an
     * unsolicited CHARSET REQUEST must not switch the encoding, nor an unsolicited IS set facts.
     * NAWS alone is taken without agreement: busybox sends it before, or without, `WILL NAWS`.
     */
    private fun subnegotiation(option: Int, payload: ByteArray) {
        val agreed = when (option) {
            TelnetOption.NAWS -> true
            TelnetOption.CHARSET -> negotiator.isEnabled(OptionSide.LOCAL, option) || negotiator.isEnabled(OptionSide.REMOTE, option)
            else -> negotiator.isEnabled(OptionSide.REMOTE, option)
        }
        if (!agreed) return
        when (option) {
            // Some clients (busybox) send NAWS without agreeing to it first: accept it quietly.
            TelnetOption.NAWS -> if (payload.size == 4) {
                val width = ((payload[0].toInt() and 0xff) shl 8) or (payload[1].toInt() and 0xff)
                val height = ((payload[2].toInt() and 0xff) shl 8) or (payload[3].toInt() and 0xff)
                events.onEvent(ProtocolEvent.WindowSize(width, height))
            } else {
                malformed(option, payload)
            }
            TelnetOption.TTYPE -> terminalType(payload)
            TelnetOption.NEW_ENVIRON -> environment(payload)
            TelnetOption.CHARSET -> charsetReply(payload)
            TelnetOption.TSPEED -> if (payload.firstOrNull()?.toInt() == IS) {
                awaitingSpeed = false
                val parts = ascii(payload).split(',')
                val tx = parts.getOrNull(0)?.trim()?.toIntOrNull()
                val rx = parts.getOrNull(1)?.trim()?.toIntOrNull()
                if (tx != null && rx != null && tx >= 0 && rx >= 0) events.onEvent(ProtocolEvent.TerminalSpeed(tx, rx))
                else malformed(option, payload)
            }
            TelnetOption.XDISPLOC -> if (payload.firstOrNull()?.toInt() == IS) {
                awaitingDisplay = false
                events.onEvent(ProtocolEvent.DisplayLocation(ascii(payload)))
            }
            else -> Unit // No other option has a subnegotiation we speak.
        }
    }

    private fun terminalType(payload: ByteArray) {
        val cycle = ttype ?: return
        if (payload.firstOrNull()?.toInt() != IS || cycle.finished) return
        if (ttypeAsked > 0) ttypeAsked--
        if (!cycle.accept(ascii(payload))) announceTerminalType(cycle)
        else if (ttypeAsked == 0) askTerminalTypes()
    }

    /**
     * Asks the next TTYPE replies: two SENDs at once (one round trip tells a client that repeats
     * its only name, the common case), never more than the cycle still takes. Each SEND gets its own
     * IS, in order; replies to SENDs past the end of the cycle are ignored.
     */
    private fun askTerminalTypes() {
        val cycle = ttype ?: return
        val n = minOf(2, maxOf(1, settings.maxTerminalTypes - cycle.names.size))
        repeat(n) { sendSub(TelnetOption.TTYPE, byteArrayOf(SEND)) }
        ttypeAsked += n
    }

    private fun announceTerminalType(cycle: TerminalTypeCycle) {
        cycle.chosen?.let { events.onEvent(ProtocolEvent.TerminalTypes(it, cycle.names.toList())) }
        // The cycle is over: an idle session keeps none of it (late IS replies are ignored).
        if (ttype === cycle) ttype = null
    }

    private fun environment(payload: ByteArray) {
        val kind = payload.firstOrNull()?.toInt() ?: return
        if (kind != EnvironmentCodec.IS && kind != EnvironmentCodec.INFO) return
        if (kind == EnvironmentCodec.IS) awaitingEnvironment = false
        val parsed = EnvironmentCodec.parse(payload, settings.maxEnvironmentVariables)
        events.onEvent(ProtocolEvent.Environment(parsed.variables, replace = kind == EnvironmentCodec.IS, userVariables = parsed.userVariables))
    }

    private fun charsetReply(payload: ByteArray) {
        when (payload.firstOrNull()?.toInt()) {
            CharsetCodec.ACCEPTED -> {
                if (!awaitingCharset) return
                awaitingCharset = false
                val name = CharsetCodec.parseAccepted(payload)
                val chosen = settings.charsets.firstOrNull { it.name().equals(name, true) || it.aliases().any { a -> a.equals(name, true) } }
                if (chosen == null) {
                    events.onEvent(ProtocolEvent.Warning("client accepted charset '$name' that was not offered"))
                } else {
                    switchCharset(chosen)
                }
            }
            CharsetCodec.REJECTED -> awaitingCharset = false
            CharsetCodec.REQUEST -> {
                // RFC 2066: a REQUEST received while ours is outstanding means both were sent at once;
                // the server side (we did not open the connection) MUST answer it REJECTED, and the
                // client MUST answer ours, which we keep waiting for.
                if (awaitingCharset) { sendSub(TelnetOption.CHARSET, CharsetCodec.rejected()); return }
                val offered = CharsetCodec.parseRequest(payload)
                val pick = offered.firstNotNullOfOrNull { name ->
                    settings.charsets.firstOrNull { it.name().equals(name, true) || it.aliases().any { a -> a.equals(name, true) } }?.let { name to it }
                }
                if (pick == null) {
                    sendSub(TelnetOption.CHARSET, CharsetCodec.rejected())
                } else {
                    sendSub(TelnetOption.CHARSET, CharsetCodec.accepted(pick.first))
                    switchCharset(pick.second)
                }
            }
            CharsetCodec.TTABLE_IS -> sendSub(TelnetOption.CHARSET, CharsetCodec.tableRejected())
            else -> malformed(TelnetOption.CHARSET, payload)
        }
    }

    private fun switchCharset(chosen: Charset) {
        charsetAgreed = true
        if (chosen == charset) return
        charset = chosen
        events.onEvent(ProtocolEvent.CharsetChanged(chosen))
    }

    private fun malformed(option: Int, payload: ByteArray) {
        events.onEvent(ProtocolEvent.Warning("malformed ${TelnetOption.name(option)} subnegotiation (${payload.size} bytes) ignored"))
    }

    private fun sendSub(option: Int, payload: ByteArray) = output.send(TelnetEncoder.subnegotiation(option, payload))

    private fun ascii(payload: ByteArray): String =
        String(payload, 1, payload.size - 1, Charsets.ISO_8859_1).filter { it in ' '..'~' }

    private companion object {
        const val IS = 0
        const val SEND: Byte = 1
        const val COMMON_OPTIONS = 48
    }
}
