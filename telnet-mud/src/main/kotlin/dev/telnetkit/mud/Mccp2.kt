package dev.telnetkit.mud

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference

private val logger = KotlinLogging.logger {}

/**
 * MCCP2 (option 86): zlib compression of everything the server sends. Offered at connect (`WILL
 * MCCP2`); once the client agrees (`DO`), the server sends `IAC SB MCCP2 IAC SE` and every byte after
 * it is part of one zlib stream, flushed (`SYNC_FLUSH`) each time the transport writes, so nothing
 * waits in the compressor. The client's `DONT` ends the stream properly (zlib's trailer) and the
 * output goes plain again; so does [stop], and [start] begins a fresh stream.
 *
 * Measured (`telnet-bench mccp`): varied 2 KB room texts shrink 4.7 times on the wire, short
 * command echoes 3.5 times (the stream's history helps from the first line on); the cost is CPU on
 * the transport's thread (about 0.3 ms per 2 KB room on the bench machine) and 135 to 260 KiB of
 * native memory per compressing session ([CompressionSettings]).
 *
 * The client's `DONT` is answered `WONT` by the core before this handler hears of it, so the `WONT`
 * is the last thing inside the stream, followed by zlib's trailer; clients read it fine (they
 * inflate until the stream ends).
 *
 * Register with `TelnetServer.builder().telnetOption(Mccp2.factory())` (Kotlin DSL:
 * `telnetOption(Mccp2.factory())`); read a session's handler with `session.mccp2`.
 */
public class Mccp2 internal constructor(
    private val settings: CompressionSettings,
    private val slots: CompressionSlots,
) : TelnetOptionHandler(TelnetOption.MCCP2) {
    private val lock = Any()
    private val current = AtomicReference<DeflateTransform?>()
    private val before = AtomicLong()
    private val after = AtomicLong()
    @Volatile private var closed = false
    // The idle check (settings.idleFinishAfter), started with the first stream; under the lock.
    private var idleWatch: Job? = null

    /** Offered at connect. */
    override val local: OptionOffer get() = OptionOffer.AT_CONNECT

    /** True while the output is being compressed (from [start] or the client's agreement until [stop], `DONT` or the end). */
    public val isCompressing: Boolean get() = current.get() != null

    /** Bytes of output that went into the compressor so far, over every stream of this session. */
    public val bytesBeforeCompression: Long get() = before.get()

    /** Compressed bytes that came out for them (headers, flushes and trailers included). */
    public val bytesAfterCompression: Long get() = after.get()

    /**
     * Starts compressing (a fresh zlib stream) from this point of the output on. If the client has
     * not agreed to MCCP2, asks it (`WILL MCCP2`) and compression starts once it agrees. False if
     * nothing can start: the session is over, the client refused, or all of the server's
     * compression slots are taken. Any thread.
     */
    public fun start(): Boolean {
        synchronized(lock) {
            if (closed) return false
            if (current.get() != null) return true
            if (!context.isEnabled(OptionSide.LOCAL)) return context.request(OptionSide.LOCAL, true)
            if (!slots.tryAcquire()) {
                logger.info { "session ${context.session.id}: all ${settings.maxCompressedSessions} compression slots are taken; output stays plain" }
                return false
            }
            val transform = DeflateTransform(settings.level, SlotTicket(slots), this)
            current.set(transform)
            // On failure the queue closes the transform, which gives its slot back.
            if (!context.startOutputTransform(EMPTY, transform)) return false
            watchIdle()
            return true
        }
    }

    private fun watchIdle() {
        val idle = settings.idleFinishAfter
        if (idle.isZero || idleWatch != null) return
        val period = maxOf(idle.toMillis() / 2, MIN_IDLE_CHECK_MILLIS)
        idleWatch = context.session.launch {
            while (true) {
                delay(period)
                finishIfIdle(idle.toNanos())
            }
        }
    }

    /** Ends a stream that has had no output for [idleNanos] and announces the next, whose compressor comes with output. */
    internal fun finishIfIdle(idleNanos: Long): Boolean {
        synchronized(lock) {
            val old = current.get() ?: return false
            if (closed || !old.hasCompressor || System.nanoTime() - old.lastOutputNanos < idleNanos) return false
            // The new stream shares the old one's slot, which it keeps once the old one is closed.
            if (!old.slot.share()) return false
            val next = DeflateTransform(settings.level, old.slot, this, lazy = true)
            current.set(next)
            // The old stream ends first (its trailer), then IAC SB MCCP2 IAC SE goes plain and the new
            // one starts. Stopped explicitly: startOutputTransform over a stream in force would put the
            // announcement inside the old stream (the core queues it ahead of the switch).
            context.stopOutputTransform()
            if (context.startOutputTransform(EMPTY, next)) return true
            // Output closed: the queue closed the new stream; the old one goes with the session.
            return false
        }
    }

    /** True while a stream is on and has a compressor (for the specs: false after an idle finish, until output comes). */
    internal val holdsCompressor: Boolean get() = current.get()?.hasCompressor == true

    /**
     * Ends compression from this point of the output on: the zlib stream's trailer goes out and the
     * bytes after it are plain. The option stays enabled, so [start] can compress again. False if
     * nothing was being compressed. Any thread.
     */
    public fun stop(): Boolean {
        synchronized(lock) {
            if (current.getAndSet(null) == null) return false
            return context.stopOutputTransform()
        }
    }

    override fun onEnabled(side: OptionSide) {
        if (side != OptionSide.LOCAL) return
        if (!start() && !closed && !isCompressing) {
            // No slot: take the offer back rather than leave the client waiting for a stream.
            context.request(OptionSide.LOCAL, false)
        }
    }

    override fun onDisabled(side: OptionSide) {
        if (side == OptionSide.LOCAL) stop()
    }

    override fun onClose() {
        closed = true
        // The session's output queue closes the stream in force (and so gives its slot back).
        current.set(null)
    }

    internal fun counted(input: Long, output: Long) {
        before.addAndGet(input)
        after.addAndGet(output)
    }

    internal fun transformClosed(transform: DeflateTransform) {
        current.compareAndSet(transform, null)
    }

    override fun toString(): String =
        "Mccp2(compressing=$isCompressing, before=${before.get()}, after=${after.get()})"

    /** The factory. */
    public companion object {
        private val EMPTY = ByteArray(0)
        private const val MIN_IDLE_CHECK_MILLIS = 50L

        /**
         * A factory of MCCP2 handlers sharing [settings] and one count of compressing sessions:
         * register one per server. Makes no handler (MCCP2 refused) while all
         * [CompressionSettings.maxCompressedSessions] slots are taken.
         */
        @JvmStatic
        @JvmOverloads
        public fun factory(settings: CompressionSettings = CompressionSettings()): TelnetOptionFactory {
            val slots = CompressionSlots(settings.maxCompressedSessions)
            return TelnetOptionFactory { if (slots.full) null else Mccp2(settings, slots) }
        }
    }
}
