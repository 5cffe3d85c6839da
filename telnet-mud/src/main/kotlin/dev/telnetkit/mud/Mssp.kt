package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.session.LogText
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import java.io.ByteArrayOutputStream
import java.nio.charset.StandardCharsets

private val logger = KotlinLogging.logger {}

/**
 * The MUD's status for MSSP crawlers: variable names (`NAME`, `PLAYERS`, `UPTIME`, …) to their
 * values (one or more each). Asked each time a client asks, on the session's event loop: it must
 * be quick and must not block (keep live counts in a field it reads).
 */
public fun interface MsspStatus {
    /** The variables to send now. */
    public fun variables(): Map<String, List<String>>
}

/**
 * MSSP (MUD Server Status Protocol, Telnet option 70): the server offers it at connect
 * (`WILL MSSP`), and each time the client agrees (`DO MSSP`) sends one subnegotiation of
 * `MSSP_VAR name MSSP_VAL value…` pairs from its [MsspStatus].
 */
public class Mssp internal constructor(private val status: MsspStatus) : TelnetOptionHandler(TelnetOption.MSSP) {
    override val local: OptionOffer get() = OptionOffer.AT_CONNECT

    /** No user waits on MSSP (crawlers ask for it): a client that leaves WILL MSSP unanswered, as TinTin++ does, starts at once. */
    override val awaitedAtConnect: Boolean get() = false

    override fun onEnabled(side: OptionSide) {
        if (side != OptionSide.LOCAL) return
        val variables = try {
            status.variables()
        } catch (e: Exception) {
            logger.warn(LogText.safe(e)) { "session ${context.session.id}: the MSSP status failed; nothing sent" }
            return
        }
        context.sendSubnegotiation(encode(variables))
    }

    /** Makes the handlers, one per session. */
    public companion object {
        private const val MSSP_VAR = 1
        private const val MSSP_VAL = 2

        /** The factory to register with the server: each session answers from [status]. */
        @JvmStatic
        public fun factory(status: MsspStatus): TelnetOptionFactory = TelnetOptionFactory { Mssp(status) }

        /** The subnegotiation payload for [variables]; a variable with no values gets one empty value. */
        internal fun encode(variables: Map<String, List<String>>): ByteArray {
            val out = ByteArrayOutputStream()
            for ((name, values) in variables) {
                out.write(MSSP_VAR)
                text(out, name)
                for (value in values.ifEmpty { listOf("") }) {
                    out.write(MSSP_VAL)
                    text(out, value)
                }
            }
            return out.toByteArray()
        }

        /** [text] as UTF-8 without NUL, MSSP_VAR and MSSP_VAL, which it cannot hold. */
        private fun text(out: ByteArrayOutputStream, text: String) {
            out.write(text.filter { it.code > MSSP_VAL }.toByteArray(StandardCharsets.UTF_8))
        }
    }
}
