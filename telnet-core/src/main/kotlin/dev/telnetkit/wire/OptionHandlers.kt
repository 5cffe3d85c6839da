package dev.telnetkit.wire

import dev.telnetkit.protocol.OptionExtensions
import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.session.LogText
import dev.telnetkit.session.Session
import io.github.oshai.kotlinlogging.KotlinLogging

private val logger = KotlinLogging.logger {}

/**
 * The application's option handlers of one Telnet session, made by the server's factories, and
 * the table [dev.telnetkit.protocol.TelnetProtocol] asks about them. What each handler said about
 * its sides and bound is read once, here.
 */
internal class OptionHandlers private constructor(
    private val session: Session,
    private val handlers: Array<TelnetOptionHandler?>,
) : OptionExtensions {
    // Per option: bit 0 local allowed, bit 1 remote allowed, bit 2 local at connect, bit 3 remote at
    // connect, bit 4 the opening does not wait for its answer.
    private val offers = ByteArray(256)
    private val limits = IntArray(256)
    private val opening = HashMap<OptionSide, IntArray>(2)

    init {
        val local = ArrayList<Int>()
        val remote = ArrayList<Int>()
        for (h in handlers) {
            if (h == null) continue
            val o = h.option
            var bits = 0
            when (h.local) { OptionOffer.REFUSE -> Unit; OptionOffer.ACCEPT -> bits = bits or 1; OptionOffer.AT_CONNECT -> { bits = bits or 5; local += o } }
            when (h.remote) { OptionOffer.REFUSE -> Unit; OptionOffer.ACCEPT -> bits = bits or 2; OptionOffer.AT_CONNECT -> { bits = bits or 10; remote += o } }
            if (!h.awaitedAtConnect) bits = bits or 16
            offers[o] = bits.toByte()
            limits[o] = h.maxSubnegotiation.coerceIn(16, 1 shl 24)
        }
        opening[OptionSide.LOCAL] = local.toIntArray()
        opening[OptionSide.REMOTE] = remote.toIntArray()
    }

    override fun handles(option: Int): Boolean = option in 0..255 && handlers[option] != null

    override fun allows(side: OptionSide, option: Int): Boolean =
        offers[option].toInt() and (if (side == OptionSide.LOCAL) 1 else 2) != 0

    override fun openingRequests(side: OptionSide): IntArray = opening.getValue(side)

    override fun maxSubnegotiation(option: Int): Int = limits[option]

    override fun awaitsAnswer(option: Int): Boolean = offers[option].toInt() and 16 == 0

    operator fun get(option: Int): TelnetOptionHandler? = handlers[option]

    fun <T : TelnetOptionHandler> find(type: Class<T>): T? = handlers.firstNotNullOfOrNull { h -> h?.takeIf { type.isInstance(it) }?.let(type::cast) }

    /** Runs [call] on each handler, logging (not throwing) what a handler throws. */
    inline fun each(call: (TelnetOptionHandler) -> Unit) {
        for (h in handlers) if (h != null) guarded(h) { call(h) }
    }

    inline fun guarded(handler: TelnetOptionHandler, call: () -> Unit) {
        try {
            call()
        } catch (e: Exception) {
            logger.warn(LogText.safe(e)) { "session ${session.id}: handler of option ${handler.option} failed" }
        }
    }

    companion object {
        /** The handlers [factories] make for [session], or null if none makes one. */
        fun create(session: Session, factories: List<TelnetOptionFactory>): OptionHandlers? {
            if (factories.isEmpty()) return null
            var handlers: Array<TelnetOptionHandler?>? = null
            for (factory in factories) {
                val handler = try {
                    factory.create(session)
                } catch (e: Exception) {
                    logger.warn(LogText.safe(e)) { "session ${session.id}: a Telnet option factory failed; its option stays refused" }
                    null
                } ?: continue
                if (OptionExtensions.isBuiltIn(handler.option)) {
                    logger.error { "option ${handler.option} is spoken by the core and cannot have a handler: ${handler.javaClass.name} left out" }
                    continue
                }
                val table = handlers ?: arrayOfNulls<TelnetOptionHandler>(256).also { handlers = it }
                if (table[handler.option] != null) {
                    logger.error { "two handlers for option ${handler.option}: ${handler.javaClass.name} left out" }
                    continue
                }
                table[handler.option] = handler
            }
            return handlers?.let { OptionHandlers(session, it) }
        }
    }
}
