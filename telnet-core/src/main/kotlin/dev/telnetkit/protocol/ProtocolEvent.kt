package dev.telnetkit.protocol

import dev.telnetkit.annotations.EngineApi
import java.nio.charset.Charset

/**
 * What a [TelnetProtocol] tells the session above it: data, commands the user gave, and facts the
 * client reported through option negotiation. Negotiation replies never appear here; the protocol
 * answers them itself.
 */
@EngineApi
public sealed class ProtocolEvent {
    /** Data bytes for the terminal layer, line endings normalised as [TelnetDecoder] describes. */
    public class Data(public val bytes: ByteArray) : ProtocolEvent() {
        override fun toString(): String = "Data(${bytes.size} bytes)"
    }

    /** The user asked to interrupt: `IAC IP`, or `IAC BRK` (the break key). */
    public data class Interrupt(val command: Int) : ProtocolEvent()

    /** `IAC AYT`: the client asks whether the server is still there; the session should answer. */
    public data object AreYouThere : ProtocolEvent()

    /** `IAC EC`: erase the last character of the line being typed (line mode). */
    public data object EraseCharacter : ProtocolEvent()

    /** `IAC EL`: erase the whole line being typed (line mode). */
    public data object EraseLine : ProtocolEvent()

    /** `IAC AO`: the client asks to discard output that has not been sent yet. */
    public data object AbortOutput : ProtocolEvent()

    /** NAWS: the client's window is [width] columns by [height] rows (0 means unknown). */
    public data class WindowSize(val width: Int, val height: Int) : ProtocolEvent()

    /** TTYPE: the cycle ended; [chosen] is the terminal type, [all] every name the client gave. */
    public data class TerminalTypes(val chosen: String, val all: List<String>) : ProtocolEvent()

    /**
     * NEW-ENVIRON: variables reported with `IS` (the answer to our request, [replace] = true) or
     * `INFO` (an update). [variables] are the well-known ones (`VAR`, such as `USER`, `DISPLAY`),
     * [userVariables] the client's own (`USERVAR`); the two never mix, so a `USERVAR USER` cannot
     * stand in for `VAR USER`. A null value means the client has the variable undefined.
     */
    public data class Environment @JvmOverloads constructor(
        val variables: Map<String, String?>,
        val replace: Boolean,
        val userVariables: Map<String, String?> = emptyMap(),
    ) : ProtocolEvent()

    /** CHARSET: both sides agreed on [charset]; text in both directions now uses it. */
    public data class CharsetChanged(val charset: Charset) : ProtocolEvent()

    /** TSPEED: the client's transmit and receive speeds, in bits per second. */
    public data class TerminalSpeed(val transmit: Int, val receive: Int) : ProtocolEvent()

    /** XDISPLOC: the client's X display location, such as `host:0.0`. */
    public data class DisplayLocation(val location: String) : ProtocolEvent()

    /**
     * A subnegotiation of an option left to [OptionExtensions], received while the option is
     * enabled on either side; [payload] is what came between `IAC SB option` and `IAC SE`.
     */
    public class Subnegotiation(public val option: Int, public val payload: ByteArray) : ProtocolEvent() {
        override fun toString(): String = "Subnegotiation(${TelnetOption.name(option)}, ${payload.size} bytes)"
    }

    /** An option settled as [enabled] on [side]. */
    public data class OptionChanged(val side: OptionSide, val option: Int, val enabled: Boolean) : ProtocolEvent()

    /** Something the peer sent was malformed and ignored; the protocol went on. */
    public data class Warning(val message: String) : ProtocolEvent()
}
