package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import java.util.concurrent.atomic.AtomicLong

private val logger = KotlinLogging.logger {}

/**
 * MCCP3 (option 87): zlib compression of what the client sends. Offered at connect (`WILL MCCP3`);
 * once the client has agreed (`DO`) and sends `IAC SB MCCP3 IAC SE`, every byte after it is
 * inflated before Telnet decodes it, until its zlib stream ends (the bytes after the trailer are
 * plain again) or the option is turned off (TinTin++ then stops compressing without a trailer).
 *
 * The input is bounded: a read that inflates to more than
 * [CompressionSettings.maxInflatedBytesPerRead], a stream that inflates more than
 * [CompressionSettings.maxInflateRatio] times, or a corrupt stream cuts that session off (and only
 * that one). A stream that stops without its trailer because the client leaves just ends the
 * session.
 *
 * Register with `TelnetServer.builder().telnetOption(Mccp3.factory())`.
 */
public class Mccp3 internal constructor(
    private val settings: CompressionSettings,
    private val slots: CompressionSlots,
) : TelnetOptionHandler(TelnetOption.MCCP3) {
    // All on the connection's dispatcher.
    @Volatile private var current: InflateTransform? = null
    private var holdsSlot = false
    private val before = AtomicLong()
    private val after = AtomicLong()

    /** Offered at connect. */
    override val local: OptionOffer get() = OptionOffer.AT_CONNECT

    /** True while the client's input is being decompressed. */
    public val isDecompressing: Boolean get() = current != null

    /** Compressed bytes received from the client so far, over every stream of this session. */
    public val bytesBeforeDecompression: Long get() = before.get()

    /** The bytes they inflated to. */
    public val bytesAfterDecompression: Long get() = after.get()

    override fun onEnabled(side: OptionSide) {
        if (side != OptionSide.LOCAL || holdsSlot) return
        if (slots.tryAcquire()) {
            holdsSlot = true
        } else {
            logger.info { "session ${context.session.id}: all ${settings.maxCompressedSessions} decompression slots are taken; MCCP3 turned off" }
            context.request(OptionSide.LOCAL, false)
        }
    }

    override fun onSubnegotiation(payload: ByteArray) {
        // A second announcement inside a stream changes nothing; one without a slot cannot be honoured.
        if (current != null || !holdsSlot || !context.isEnabled(OptionSide.LOCAL)) return
        val transform = InflateTransform(settings, this)
        current = transform
        try {
            context.startInputTransform(transform)
        } catch (e: IllegalStateException) {
            current = null
            transform.close()
            throw e
        }
    }

    override fun onDisabled(side: OptionSide) {
        if (side != OptionSide.LOCAL) return
        current?.stopRequested = true
        releaseSlot()
    }

    override fun onClose() {
        current?.stopRequested = true
        releaseSlot()
    }

    private fun releaseSlot() {
        if (!holdsSlot) return
        holdsSlot = false
        slots.release()
    }

    internal fun counted(input: Long, output: Long) {
        if (input != 0L) before.addAndGet(input)
        if (output != 0L) after.addAndGet(output)
    }

    internal fun transformClosed(transform: InflateTransform) {
        if (current === transform) current = null
    }

    override fun toString(): String =
        "Mccp3(decompressing=$isDecompressing, before=${before.get()}, after=${after.get()})"

    /** The factory. */
    public companion object {
        /**
         * A factory of MCCP3 handlers sharing [settings] and one count of decompressing sessions:
         * register one per server. Makes no handler (MCCP3 refused) while all
         * [CompressionSettings.maxCompressedSessions] slots are taken.
         */
        @JvmStatic
        @JvmOverloads
        public fun factory(settings: CompressionSettings = CompressionSettings()): TelnetOptionFactory {
            val slots = CompressionSlots(settings.maxCompressedSessions)
            return TelnetOptionFactory { if (slots.full) null else Mccp3(settings, slots) }
        }
    }
}
