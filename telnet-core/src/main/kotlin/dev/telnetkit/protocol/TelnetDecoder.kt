package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi

/**
 * The receiving half of RFC 854: a state machine with no I/O that turns received bytes into
 * [TelnetEvent]s. Input may be split across calls at any byte; state carries over.
 *
 * Line endings in NVT (non-binary) mode: `CR LF`, `CR NUL` and a lone `CR` each arrive as one `CR`
 * data byte (the `LF` or `NUL` after a `CR` is swallowed, also when it comes in a later call); a
 * lone `LF` arrives as `LF`. Consumers treat either as the end of a line, so every line ends
 * exactly once. With [binaryInput] set (the peer has BINARY enabled), data passes unchanged.
 *
 * Memory is bounded: a subnegotiation longer than [maxSubnegotiation] bytes (or the option's own
 * bound, [subnegotiationLimit]) is discarded (the decoder keeps skipping until `IAC SE`) and
 * reported as [TelnetEvent.SubnegotiationError].
 *
 * A sink may call [stop] while it handles an event: [decode] then returns right after that event,
 * telling how many bytes it used, so the caller can treat the rest differently (MCCP3: what follows
 * `IAC SB MCCP3 IAC SE` is compressed).
 * So is an `IAC SB` with an IAC where its option code belongs; that IAC then starts the next command.
 *
 * Not thread-safe: one decoder belongs to one connection and is fed from one place.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public class TelnetDecoder @JvmOverloads constructor(
    private val maxSubnegotiation: Int = DEFAULT_MAX_SUBNEGOTIATION,
) {
    init {
        require(maxSubnegotiation in 16..(1 shl 24)) { "maxSubnegotiation must be in 16..16777216, was $maxSubnegotiation" }
    }

    /** When true, data bytes pass through without line-ending translation (peer BINARY is on). */
    public var binaryInput: Boolean = false
        set(value) {
            field = value
            if (value) swallowAfterCr = false
        }

    private var state = DATA
    private var swallowAfterCr = false
    private var sbOption = 0
    private var sbBuffer = EMPTY
    private var sbLength = 0
    private var sbOverflow = false
    private var dataBuffer = EMPTY
    private var dataLength = 0

    /**
     * The payload bound of each option's subnegotiations, where it differs from `maxSubnegotiation`
     * (which applies when this is null). Values are clamped to 16..16 MiB.
     */
    public var subnegotiationLimit: SubnegotiationLimit? = null

    private var sbLimit = maxSubnegotiation
    private var stopRequested = false

    /** Bytes held for a subnegotiation in progress; bounded by `maxSubnegotiation`. */
    public val bufferedSubnegotiationBytes: Int get() = sbLength

    /**
     * Called by a sink while it handles an event: the [decode] under way returns right after it,
     * leaving the rest of its bytes undecoded.
     */
    public fun stop() {
        stopRequested = true
    }

    /**
     * Decodes [length] bytes of [bytes] from [offset], reporting events to [sink] in order. Returns
     * how many bytes it used: [length], unless the sink called [stop].
     */
    public fun decode(bytes: ByteArray, offset: Int, length: Int, sink: TelnetEventSink): Int {
        require(offset >= 0 && length >= 0 && offset + length <= bytes.size) { "offset/length outside the array" }
        stopRequested = false
        if (state == DATA) {
            // The common case, what a user types: data alone, no IAC. It goes out as one array of
            // exactly its size, with no scratch buffer to copy it from.
            val kept = plainDataLength(bytes, offset, offset + length)
            if (kept >= 0) {
                dataBuffer = if (kept == 0) EMPTY else ByteArray(kept)
                for (i in offset until offset + length) data(bytes[i].toInt() and 0xff)
                if (dataLength > 0) {
                    val run = dataBuffer
                    dataLength = 0
                    dataBuffer = EMPTY
                    sink.onEvent(TelnetEvent.Data(run))
                }
                dataBuffer = EMPTY
                return length
            }
        }
        ensureDataCapacity(length)
        for (i in offset until offset + length) {
            if (stopRequested) {
                stopRequested = false
                flushData(sink)
                dataBuffer = EMPTY
                return i - offset
            }
            val b = bytes[i].toInt() and 0xff
            when (state) {
                DATA -> if (b == TelnetCommand.IAC) state = IAC else data(b)
                IAC -> iac(b, sink)
                WILL_OPT, WONT_OPT, DO_OPT, DONT_OPT -> {
                    val verb = TelnetCommand.WILL + (state - WILL_OPT)
                    state = DATA
                    emit(TelnetEvent.Negotiation(verb, b), sink)
                }
                SB_OPT -> if (b == TelnetCommand.IAC) malformedSubnegotiation(sink) else {
                    sbOption = b
                    sbLength = 0
                    sbOverflow = false
                    sbLimit = subnegotiationLimit?.let { it.maxPayload(b).coerceIn(16, 1 shl 24) } ?: maxSubnegotiation
                    state = SB_DATA
                }
                SB_DATA -> if (b == TelnetCommand.IAC) state = SB_IAC else sbByte(b, sink)
                SB_IAC -> sbIac(b, sink)
            }
        }
        stopRequested = false
        flushData(sink)
        // Scratch for one call only: an idle connection keeps no buffer.
        dataBuffer = EMPTY
        return length
    }

    /** Decodes the whole of [bytes]; returns how many it used (see [stop]). */
    public fun decode(bytes: ByteArray, sink: TelnetEventSink): Int = decode(bytes, 0, bytes.size, sink)

    /**
     * How many data bytes [data] keeps of `bytes[from until to]` (an LF or NUL right after a CR is
     * swallowed, unless [binaryInput]), or -1 if they hold an IAC. Changes no state.
     */
    private fun plainDataLength(bytes: ByteArray, from: Int, to: Int): Int {
        var kept = 0
        var swallow = swallowAfterCr
        for (i in from until to) {
            val b = bytes[i].toInt() and 0xff
            if (b == TelnetCommand.IAC) return -1
            if (!binaryInput) {
                if (swallow) {
                    swallow = false
                    if (b == LF || b == NUL) continue
                }
                if (b == CR) swallow = true
            }
            kept++
        }
        return kept
    }

    private fun data(b: Int) {
        if (!binaryInput) {
            if (swallowAfterCr) {
                swallowAfterCr = false
                if (b == LF || b == NUL) return
            }
            if (b == CR) swallowAfterCr = true
        }
        dataBuffer[dataLength++] = b.toByte()
    }

    private fun iac(b: Int, sink: TelnetEventSink) {
        state = DATA
        when (b) {
            TelnetCommand.IAC -> data(b)
            TelnetCommand.WILL -> state = WILL_OPT
            TelnetCommand.WONT -> state = WONT_OPT
            TelnetCommand.DO -> state = DO_OPT
            TelnetCommand.DONT -> state = DONT_OPT
            TelnetCommand.SB -> state = SB_OPT
            else -> emit(TelnetEvent.Command(b), sink)
        }
    }

    /**
     * `IAC SB IAC`: an IAC where the option code belongs. Taken as option 255 (EXOPL, which nobody
     * speaks) it would swallow the user's data into a subnegotiation until the next IAC, up to
     * [maxSubnegotiation] bytes. It is a protocol error instead: the SB is dropped at once (reported
     * as a [TelnetEvent.SubnegotiationError] for option 255) and the IAC starts the next command, as
     * a command does that cuts an SB short. So `IAC SB IAC SE` costs a warning and a stray SE, and
     * the data after it is data; `IAC SB IAC IAC` leaves a 255 data byte.
     */
    private fun malformedSubnegotiation(sink: TelnetEventSink) {
        emit(TelnetEvent.SubnegotiationError(TelnetCommand.IAC, "IAC in place of the option code"), sink)
        state = IAC
    }

    private fun sbByte(b: Int, sink: TelnetEventSink) {
        if (sbOverflow) return
        if (sbLength == sbLimit) {
            sbOverflow = true
            releaseSubnegotiationBuffer()
            emit(TelnetEvent.SubnegotiationError(sbOption, "longer than $sbLimit bytes"), sink)
            return
        }
        if (sbLength == sbBuffer.size) {
            sbBuffer = sbBuffer.copyOf(minOf(sbLimit, maxOf(64, sbBuffer.size * 2)))
        }
        sbBuffer[sbLength++] = b.toByte()
    }

    private fun sbIac(b: Int, sink: TelnetEventSink) {
        when (b) {
            TelnetCommand.IAC -> {
                state = SB_DATA
                sbByte(b, sink)
            }
            TelnetCommand.SE -> {
                state = DATA
                if (!sbOverflow) emit(TelnetEvent.Subnegotiation(sbOption, sbBuffer.copyOf(sbLength)), sink)
                releaseSubnegotiationBuffer()
            }
            else -> {
                // A command inside SB: the peer never closed it. Drop what we have and obey the command.
                if (!sbOverflow) emit(TelnetEvent.SubnegotiationError(sbOption, "not terminated by IAC SE"), sink)
                releaseSubnegotiationBuffer()
                iac(b, sink)
            }
        }
    }

    private fun releaseSubnegotiationBuffer() {
        sbLength = 0
        sbBuffer = EMPTY
    }

    private fun emit(event: TelnetEvent, sink: TelnetEventSink) {
        flushData(sink)
        sink.onEvent(event)
    }

    private fun flushData(sink: TelnetEventSink) {
        if (dataLength == 0) return
        val run = dataBuffer.copyOf(dataLength)
        dataLength = 0
        sink.onEvent(TelnetEvent.Data(run))
    }

    private fun ensureDataCapacity(length: Int) {
        if (dataBuffer.size < length) dataBuffer = ByteArray(length)
    }

    public companion object {
        /** Default cap on one subnegotiation's payload, in bytes. */
        public const val DEFAULT_MAX_SUBNEGOTIATION: Int = 16 * 1024

        private val EMPTY = ByteArray(0)
        private const val CR = 13
        private const val LF = 10
        private const val NUL = 0

        private const val DATA = 0
        private const val IAC = 1
        private const val WILL_OPT = 2
        private const val WONT_OPT = 3
        private const val DO_OPT = 4
        private const val DONT_OPT = 5
        private const val SB_OPT = 6
        private const val SB_DATA = 7
        private const val SB_IAC = 8
    }
}

/** The payload bound of an option's subnegotiations, for [TelnetDecoder.subnegotiationLimit]. */
@EngineApi
public fun interface SubnegotiationLimit {
    /** The largest payload of [option]'s subnegotiations to keep, in bytes. */
    public fun maxPayload(option: Int): Int
}
