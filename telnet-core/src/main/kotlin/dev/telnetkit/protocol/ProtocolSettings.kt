package dev.telnetkit.protocol

import java.nio.charset.Charset

/**
 * Limits and preferences of one [TelnetProtocol].
 *
 * @property charsets the charsets offered with CHARSET, most preferred first; the first is also
 *   the session's encoding until the client agrees to another one.
 * @property maxSubnegotiation the largest subnegotiation payload kept, in bytes.
 * @property maxTerminalTypes how many TTYPE replies to ask for before giving up on the cycle.
 * @property maxEnvironmentVariables how many NEW-ENVIRON variables to keep.
 * @property maxNegotiationsPerOption unsolicited WILL/WONT/DO/DONT messages accepted per option from
 *   one client; beyond it the option's unsolicited messages are ignored (a guard against negotiation
 *   loops and storms). Answers to the server's own pending requests and `DO`/`DONT TIMING-MARK` are
 *   never counted and always handled.
 */
public class ProtocolSettings @JvmOverloads constructor(
    public val charsets: List<Charset> = DEFAULT_CHARSETS,
    public val maxSubnegotiation: Int = TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION,
    public val maxTerminalTypes: Int = 8,
    public val maxEnvironmentVariables: Int = 64,
    public val maxNegotiationsPerOption: Int = 50,
) {
    init {
        require(charsets.isNotEmpty()) { "at least one charset is needed" }
        require(charsets.all { CharsetCodec.usable(it.name()) != null }) {
            "charsets must be ASCII-compatible, got ${charsets.filter { CharsetCodec.usable(it.name()) == null }}"
        }
        require(maxTerminalTypes in 1..64) { "maxTerminalTypes must be in 1..64, was $maxTerminalTypes" }
        require(maxNegotiationsPerOption in 4..250) { "maxNegotiationsPerOption must be in 4..250, was $maxNegotiationsPerOption" }
        require(maxEnvironmentVariables in 0..4096) { "maxEnvironmentVariables must be in 0..4096, was $maxEnvironmentVariables" }
    }

    public companion object {
        /** The charsets offered by default, most preferred first. */
        @JvmField
        public val DEFAULT_CHARSETS: List<Charset> = listOf(Charsets.UTF_8, Charsets.ISO_8859_1, Charsets.US_ASCII)

        /** [encoding] first, then the defaults: the list to offer when a preferred encoding is set. */
        @JvmStatic
        public fun charsetsPreferring(encoding: Charset): List<Charset> = (listOf(encoding) + DEFAULT_CHARSETS).distinct()
    }
}
