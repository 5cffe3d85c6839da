package dev.telnetkit.bench

import java.nio.ByteBuffer

/**
 * The Telnet side of one load-driver session: plays an interactive terminal in the negotiation
 * and passes only the text a user would see on to a [TextMatcher].
 *
 * Answers: DO NAWS with WILL NAWS and the size 80x24, DO TTYPE with WILL TTYPE and every
 * SB TTYPE SEND with IS "XTERM", DO SGA with WILL SGA, WILL ECHO and WILL SGA with DO; every
 * other request is refused (WONT/DONT) once per option and never again, and a request for a
 * state already in force is an acknowledgement and gets no answer, so negotiation cannot loop.
 *
 * Text: IAC sequences and subnegotiations are removed (IAC IAC is the data byte 255), and so are
 * ANSI escape sequences (CSI up to its final byte, OSC up to BEL or ESC \, other two-byte ESC
 * sequences), NUL and BEL. A server that negotiates nothing is fine: text flows from the start.
 */
class TelnetClientFilter(private val matcher: TextMatcher) {
    private var state = T_DATA
    private var verb = 0
    private var ansi = A_NONE
    private var sbOption = -1
    private var sbCommand = -1
    private var sbLength = 0

    /** Per option: bit 0 we do it, bit 1 the server does it, bit 2 refused for us, bit 3 refused for the server. */
    private var options: ByteArray? = null

    /** Feeds [length] received bytes of [data] from [offset]; negotiation answers go to [replies]. */
    fun feed(data: ByteArray, offset: Int, length: Int, replies: ByteBuffer) {
        var i = offset
        val end = offset + length
        while (i < end) {
            val b = data[i++].toInt() and 0xFF
            when (state) {
                T_DATA -> if (b == IAC) state = T_IAC else text(b)
                T_IAC -> when (b) {
                    IAC -> { state = T_DATA; text(b) }
                    DO, DONT, WILL, WONT -> { verb = b; state = T_VERB }
                    SB -> { state = T_SB; sbOption = -1; sbCommand = -1; sbLength = 0 }
                    else -> state = T_DATA
                }
                T_VERB -> { negotiate(verb, b, replies); state = T_DATA }
                T_SB -> if (b == IAC) state = T_SB_IAC else subnegotiationByte(b)
                T_SB_IAC -> when (b) {
                    SE -> { endSubnegotiation(replies); state = T_DATA }
                    IAC -> { subnegotiationByte(b); state = T_SB }
                    else -> state = T_DATA // a broken subnegotiation: drop it
                }
            }
        }
    }

    private fun subnegotiationByte(b: Int) {
        when (sbLength++) {
            0 -> sbOption = b
            1 -> sbCommand = b
        }
    }

    private fun endSubnegotiation(replies: ByteBuffer) {
        if (sbOption == OPT_TTYPE && sbCommand == TTYPE_SEND && flag(OPT_TTYPE, US) && replies.remaining() >= TTYPE_IS_REPLY.size) {
            replies.put(TTYPE_IS_REPLY)
        }
    }

    private fun negotiate(verb: Int, option: Int, replies: ByteBuffer) {
        if (replies.remaining() < 16) return
        when (verb) {
            DO -> when {
                flag(option, US) -> Unit
                option == OPT_NAWS || option == OPT_TTYPE || option == OPT_SGA -> {
                    set(option, US, true)
                    reply(replies, WILL, option)
                    if (option == OPT_NAWS) replies.put(NAWS_REPLY)
                }
                !flag(option, REFUSED_US) -> { set(option, REFUSED_US, true); reply(replies, WONT, option) }
            }
            DONT -> if (flag(option, US)) { set(option, US, false); reply(replies, WONT, option) }
            WILL -> when {
                flag(option, HIM) -> Unit
                option == OPT_ECHO || option == OPT_SGA -> { set(option, HIM, true); reply(replies, DO, option) }
                !flag(option, REFUSED_HIM) -> { set(option, REFUSED_HIM, true); reply(replies, DONT, option) }
            }
            WONT -> if (flag(option, HIM)) { set(option, HIM, false); reply(replies, DONT, option) }
        }
    }

    private fun reply(replies: ByteBuffer, verb: Int, option: Int) {
        replies.put(IAC.toByte()).put(verb.toByte()).put(option.toByte())
    }

    private fun flag(option: Int, bit: Int): Boolean = ((options?.get(option)?.toInt() ?: 0) and bit) != 0

    private fun set(option: Int, bit: Int, on: Boolean) {
        val flags = options ?: ByteArray(256).also { options = it }
        val old = flags[option].toInt()
        flags[option] = (if (on) old or bit else old and bit.inv()).toByte()
    }

    /** One byte of Telnet data: ANSI sequences, NUL and BEL are dropped, the rest is text. */
    private fun text(b: Int) {
        when (ansi) {
            A_NONE -> when (b) {
                ESC -> ansi = A_ESC
                0, BEL -> Unit
                else -> matcher.accept(b)
            }
            A_ESC -> ansi = when (b) {
                '['.code -> A_CSI
                ']'.code -> A_OSC
                else -> A_NONE
            }
            A_CSI -> if (b in 0x40..0x7E) ansi = A_NONE
            A_OSC -> if (b == BEL) ansi = A_NONE else if (b == ESC) ansi = A_OSC_ESC
            A_OSC_ESC -> ansi = if (b == '\\'.code) A_NONE else A_OSC
        }
    }

    private companion object {
        const val IAC = 255
        const val DONT = 254
        const val DO = 253
        const val WONT = 252
        const val WILL = 251
        const val SB = 250
        const val SE = 240
        const val OPT_ECHO = 1
        const val OPT_SGA = 3
        const val OPT_TTYPE = 24
        const val OPT_NAWS = 31
        const val TTYPE_SEND = 1
        const val ESC = 27
        const val BEL = 7

        const val T_DATA = 0
        const val T_IAC = 1
        const val T_VERB = 2
        const val T_SB = 3
        const val T_SB_IAC = 4

        const val A_NONE = 0
        const val A_ESC = 1
        const val A_CSI = 2
        const val A_OSC = 3
        const val A_OSC_ESC = 4

        const val US = 1
        const val HIM = 2
        const val REFUSED_US = 4
        const val REFUSED_HIM = 8

        val NAWS_REPLY = byteArrayOf(IAC.toByte(), SB.toByte(), OPT_NAWS.toByte(), 0, 80, 0, 24, IAC.toByte(), SE.toByte())
        val TTYPE_IS_REPLY = byteArrayOf(IAC.toByte(), SB.toByte(), OPT_TTYPE.toByte(), 0) +
            "XTERM".toByteArray(Charsets.US_ASCII) + byteArrayOf(IAC.toByte(), SE.toByte())
    }
}
