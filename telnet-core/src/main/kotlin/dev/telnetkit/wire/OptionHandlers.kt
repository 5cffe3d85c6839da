package dev.telnetkit.wire

import dev.telnetkit.protocol.OptionExtensions
import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetDecoder
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
    // Sorted by option; a server has a handful, so lookups walk the array.
    private val handlers: Array<TelnetOptionHandler>,
) : OptionExtensions {
    // Per handler: bit 0 local allowed, bit 1 remote allowed, bit 2 local at connect, bit 3 remote
    // at connect, bit 4 the opening does not wait for its answer.
    private val offers = ByteArray(handlers.size)
    private val limits = IntArray(handlers.size)

    init {
        for ((i, h) in handlers.withIndex()) {
            var bits = 0
            when (h.local) { OptionOffer.REFUSE -> Unit; OptionOffer.ACCEPT -> bits = bits or 1; OptionOffer.AT_CONNECT -> bits = bits or 5 }
            when (h.remote) { OptionOffer.REFUSE -> Unit; OptionOffer.ACCEPT -> bits = bits or 2; OptionOffer.AT_CONNECT -> bits = bits or 10 }
            if (!h.awaitedAtConnect) bits = bits or 16
            offers[i] = bits.toByte()
            limits[i] = h.maxSubnegotiation.coerceIn(16, 1 shl 24)
        }
    }

    private fun indexOf(option: Int): Int {
        for (i in handlers.indices) if (handlers[i].option == option) return i
        return -1
    }

    private fun bits(option: Int): Int = indexOf(option).let { if (it < 0) 0 else offers[it].toInt() }

    override fun handles(option: Int): Boolean = indexOf(option) >= 0

    override fun allows(side: OptionSide, option: Int): Boolean =
        bits(option) and (if (side == OptionSide.LOCAL) 1 else 2) != 0

    override fun openingRequests(side: OptionSide): IntArray {
        val atConnect = if (side == OptionSide.LOCAL) 4 else 8
        return handlers.indices.filter { offers[it].toInt() and atConnect != 0 }.map { handlers[it].option }.toIntArray()
    }

    override fun maxSubnegotiation(option: Int): Int = indexOf(option).let { if (it < 0) TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION else limits[it] }

    override fun awaitsAnswer(option: Int): Boolean = bits(option) and 16 == 0

    operator fun get(option: Int): TelnetOptionHandler? = indexOf(option).let { if (it < 0) null else handlers[it] }

    fun <T : TelnetOptionHandler> find(type: Class<T>): T? = handlers.firstOrNull { type.isInstance(it) }?.let(type::cast)

    /** Runs [call] on each handler, logging (not throwing) what a handler throws. */
    inline fun each(call: (TelnetOptionHandler) -> Unit) {
        for (h in handlers) guarded(h) { call(h) }
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
            val made = ArrayList<TelnetOptionHandler>(factories.size)
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
                if (made.any { it.option == handler.option }) {
                    logger.error { "two handlers for option ${handler.option}: ${handler.javaClass.name} left out" }
                    continue
                }
                made += handler
            }
            if (made.isEmpty()) return null
            // In option order: the opening asks for them in that order.
            return OptionHandlers(session, made.sortedBy { it.option }.toTypedArray())
        }
    }
}
