package dev.telnetkit.mud

import java.util.concurrent.atomic.AtomicInteger

/**
 * How [Mccp2] compresses a session's output and [Mccp3] decompresses its input, and how many
 * sessions may do so at once.
 *
 * Memory: zlib's compressor keeps about 256 KiB of native buffers per stream (a 32 KiB window
 * twice over, a 64 KiB hash table, a 64 KiB pending buffer), of which an idle session that
 * has sent ordinary MUD text has touched about 60 KiB: measured on JDK 17, 1,000 idle sessions
 * of one server, each with a few KiB of room text sent compressed, grew the server's resident
 * memory by about 64 MB more with MCCP2 on than with it off (65 KiB per session), and by about
 * 245 MB (245 KiB per session) once each had sent 200 KiB of varied text, which touches all of
 * zlib's buffers. A decompressor costs about 50 KiB once used (a 32 KiB window and its state).
 * [maxCompressedSessions] bounds that: the default, 2,000, keeps the native memory of
 * compression under about 512 MiB for MCCP2 and 100 MiB for MCCP3 in the worst case.
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
 */
public class CompressionSettings @JvmOverloads public constructor(
    public val level: Int = 6,
    public val maxCompressedSessions: Int = DEFAULT_MAX_COMPRESSED_SESSIONS,
    public val maxInflatedBytesPerRead: Int = DEFAULT_MAX_INFLATED_BYTES_PER_READ,
    public val maxInflateRatio: Int = DEFAULT_MAX_INFLATE_RATIO,
) {
    init {
        require(level in 0..9) { "level must be in 0..9, was $level" }
        require(maxCompressedSessions >= 0) { "maxCompressedSessions must not be negative, was $maxCompressedSessions" }
        require(maxInflatedBytesPerRead >= 4096) { "maxInflatedBytesPerRead must be at least 4096, was $maxInflatedBytesPerRead" }
        require(maxInflateRatio >= 2) { "maxInflateRatio must be at least 2, was $maxInflateRatio" }
    }

    override fun toString(): String =
        "CompressionSettings(level=$level, maxCompressedSessions=$maxCompressedSessions, " +
            "maxInflatedBytesPerRead=$maxInflatedBytesPerRead, maxInflateRatio=$maxInflateRatio)"

    /** The defaults. */
    public companion object {
        /** The default of [maxCompressedSessions]: about 512 MiB of native memory at worst for MCCP2. */
        public const val DEFAULT_MAX_COMPRESSED_SESSIONS: Int = 2000

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
