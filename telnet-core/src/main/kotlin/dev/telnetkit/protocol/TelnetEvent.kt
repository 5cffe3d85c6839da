package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi

/**
 * What [TelnetDecoder] finds in the received byte stream.
 *
 * Plain data arrives in runs, never byte by byte; every command, negotiation and subnegotiation is
 * its own event, in the order it appeared on the wire.
 */
@EngineApi
public sealed class TelnetEvent {
    /** A run of data bytes, with `IAC IAC` already turned into one 255 byte. */
    public class Data(public val bytes: ByteArray) : TelnetEvent() {
        override fun toString(): String = "Data(${bytes.size} bytes)"
    }

    /** A two-byte command such as [TelnetCommand.AYT], [TelnetCommand.IP] or [TelnetCommand.NOP]. */
    public data class Command(val code: Int) : TelnetEvent() {
        override fun toString(): String = "Command(${TelnetCommand.name(code)})"
    }

    /** `IAC WILL|WONT|DO|DONT option`; [verb] is one of the four [TelnetCommand] values. */
    public data class Negotiation(val verb: Int, val option: Int) : TelnetEvent() {
        override fun toString(): String = "${TelnetCommand.name(verb)} ${TelnetOption.name(option)}"
    }

    /** `IAC SB option payload IAC SE`, with `IAC IAC` inside the payload already un-doubled. */
    public class Subnegotiation(public val option: Int, public val payload: ByteArray) : TelnetEvent() {
        override fun toString(): String = "SB ${TelnetOption.name(option)} (${payload.size} bytes)"
    }

    /**
     * A subnegotiation that was dropped: it exceeded the size limit, or it was cut short by a command
     * other than `IAC SE`. The decoder recovered and goes on.
     */
    public data class SubnegotiationError(val option: Int, val reason: String) : TelnetEvent()
}

/** Receives the events of a [TelnetDecoder]. */
@EngineApi
public fun interface TelnetEventSink {
    /** Called once per event, in wire order, on the thread that called [TelnetDecoder.decode]. */
    public fun onEvent(event: TelnetEvent)
}
