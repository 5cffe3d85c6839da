package dev.telnetkit.mud

import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger

/**
 * How [Mccp2] compresses a session's output and [Mccp3] decompresses its input, and how many
 * sessions may do so at once.
 *
 * Memory, measured with `telnet-bench mccp` (JDK 17, glibc, BENCHMARKS.md "MCCP2: bytes and CPU"):
 * a compressing session costs native memory, not heap (about 5 KiB of heap for the handler and
 * its `Deflater`). zlib allocates about 263 KiB per MCCP2 stream (window, hash chains, hash head,
 * pending buffer); what becomes resident depends on the text sent. 1,000 idle sessions that had
 * each received one 2 KB room raised the server's RSS by 135 KiB per session more than with
 * MCCP off; after 50 rooms each (100 KB), by 177 KiB. MCCP3 adds about 45 KiB per session once
 * the client compresses (zlib's 32 KiB window and its state); measured: 45 KiB with 50 rooms.
 * [maxCompressedSessions] bounds that: the default, 1,000, keeps MCCP2 under about 260 MiB of
 * native memory at worst (about 135 to 180 MiB as measured), and MCCP3 under 45 MiB.
 *
 * ```java
 * CompressionSettings settings = new CompressionSettings(6, 500);
 * TelnetServer.builder().telnetOption(Mccp2.factory(settings)).telnetOption(Mccp3.factory(settings));
 * ```
 *
 * @property level zlib's compression level for MCCP2, 0 (stored, no compression) to 9 (smallest);
 *   6, zlib's default, costs little CPU for nearly the best ratio on text.
 * @property maxCompressedSessions how many sessions of one factory (so, of one server, when each
 *   server gets its own factory) may compress at once. Beyond it the factory makes no handler (the
 *   option is refused: the client talks plain), and a session that is asked to compress while all
 *   slots are taken turns the option off (`WONT`). MCCP2 and MCCP3 count separately.
 * @property maxInflatedBytesPerRead MCCP3: the most bytes one read of the client's compressed input
 *   may stand for; more cuts the session off. A read is at most 64 KiB, and typed or pasted text
 *   compresses far less than this allows.
 * @property maxInflateRatio MCCP3: the most bytes of input one byte of the client's compressed
 *   stream may stand for on average, checked once the stream has given [RATIO_CHECK_AFTER] bytes;
 *   more cuts the session off (a decompression bomb). Text compresses 3 to 20 times; zeros 1,000.
 * @property idleFinishAfter MCCP2: after this long without output, the session's stream is ended
 *   (zlib's trailer) and a new one announced at once, whose compressor is made only when output
 *   comes: an idle session then holds no zlib memory (its slot stays taken). The next output
 *   compresses without the old stream's history, and each idle period costs about 13 bytes on the
 *   wire. Zero (the default) never ends a stream for being idle. With glibc, the freed buffers go
 *   back to the OS only if allocations of 64 KiB are mmapped (`MALLOC_MMAP_THRESHOLD_=65536` in the
 *   server's environment): measured, 1,000 idle MCCP2 sessions then cost 10 KiB each instead of
 *   121 KiB; without it, 111 KiB instead of 135 KiB.
 */
public class CompressionSettings @JvmOverloads public constructor(
    public val level: Int = 6,
    public val maxCompressedSessions: Int = DEFAULT_MAX_COMPRESSED_SESSIONS,
    public val maxInflatedBytesPerRead: Int = DEFAULT_MAX_INFLATED_BYTES_PER_READ,
    public val maxInflateRatio: Int = DEFAULT_MAX_INFLATE_RATIO,
    public val idleFinishAfter: Duration = Duration.ZERO,
) {
    init {
        require(level in 0..9) { "level must be in 0..9, was $level" }
        require(maxCompressedSessions >= 0) { "maxCompressedSessions must not be negative, was $maxCompressedSessions" }
        require(maxInflatedBytesPerRead >= 4096) { "maxInflatedBytesPerRead must be at least 4096, was $maxInflatedBytesPerRead" }
        require(maxInflateRatio >= 2) { "maxInflateRatio must be at least 2, was $maxInflateRatio" }
        require(!idleFinishAfter.isNegative) { "idleFinishAfter must not be negative, was $idleFinishAfter" }
    }

    override fun toString(): String =
        "CompressionSettings(level=$level, maxCompressedSessions=$maxCompressedSessions, " +
            "maxInflatedBytesPerRead=$maxInflatedBytesPerRead, maxInflateRatio=$maxInflateRatio, idleFinishAfter=$idleFinishAfter)"

    /** The defaults. */
    public companion object {
        /** The default of [maxCompressedSessions]: about 260 MiB of native memory at worst for MCCP2. */
        public const val DEFAULT_MAX_COMPRESSED_SESSIONS: Int = 1000

        /** The default of [maxInflatedBytesPerRead]: 1 MiB. */
        public const val DEFAULT_MAX_INFLATED_BYTES_PER_READ: Int = 1 shl 20

        /** The default of [maxInflateRatio]. */
        public const val DEFAULT_MAX_INFLATE_RATIO: Int = 100

        /** The bytes a compressed input stream gives before [maxInflateRatio] applies: 64 KiB. */
        public const val RATIO_CHECK_AFTER: Long = 64L * 1024
    }
}

/** The compression slots of one factory: at most [max] taken at once. */
internal class CompressionSlots(private val max: Int) {
    private val taken = AtomicInteger()

    val inUse: Int get() = taken.get()

    val full: Boolean get() = taken.get() >= max

    fun tryAcquire(): Boolean {
        while (true) {
            val now = taken.get()
            if (now >= max) return false
            if (taken.compareAndSet(now, now + 1)) return true
        }
    }

    fun release() {
        taken.decrementAndGet()
    }
}

/** One taken slot, held by one MCCP2 stream or shared by two across an idle finish; given back when the last lets go. */
internal class SlotTicket(private val slots: CompressionSlots) {
    private val holders = AtomicInteger(1)

    /** One more holder; false if the slot was given back already. */
    fun share(): Boolean {
        while (true) {
            val now = holders.get()
            if (now == 0) return false
            if (holders.compareAndSet(now, now + 1)) return true
        }
    }

    fun drop() {
        if (holders.decrementAndGet() == 0) slots.release()
    }
}
