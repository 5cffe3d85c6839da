package dev.telnetkit.zmodem

import java.nio.file.Path
import java.time.Duration

/**
 * How a session receives files (uploads): where they go and the limits.
 *
 * ```java
 * ZModemReceiveSettings settings = ZModemReceiveSettings.builder(Path.of("uploads"))
 *     .maxFileSize(10L << 20)
 *     .maxFiles(5)
 *     .build();
 * ```
 *
 * @property folder the upload folder; it must exist. Names are sanitised so that no file lands outside it.
 * @property maxFileSize bytes one file may have: a larger announced size is skipped (ZSKIP), and a
 *   file whose data grows past it stops the transfer and is deleted.
 * @property maxFiles files accepted per transfer; later ones are skipped.
 * @property allowResume whether a file of the same name shorter than the announced size is resumed
 *   (appended from its length; the data is written to the final name as it comes, so an interrupted
 *   transfer leaves a resumable part). Off: an existing name gets a `-1`, `-2`… suffix instead.
 * @property timeout how long the sender may stay silent before the transfer fails.
 * @property crc32 whether CRC-32 is offered to the sender (CANFC32); off, the sender uses CRC-16.
 * @property maxErrors bad frames in a row (bad CRC, bad escape) before the transfer fails.
 */
public class ZModemReceiveSettings internal constructor(
    public val folder: Path,
    public val maxFileSize: Long,
    public val maxFiles: Int,
    public val allowResume: Boolean,
    public val timeout: Duration,
    public val crc32: Boolean,
    public val maxErrors: Int,
) {
    /** Builds [ZModemReceiveSettings]; every setting has a default but the folder. */
    public class Builder internal constructor(private val folder: Path) {
        private var maxFileSize: Long = 100L shl 20
        private var maxFiles: Int = 100
        private var allowResume: Boolean = true
        private var timeout: Duration = Duration.ofSeconds(30)
        private var crc32: Boolean = true
        private var maxErrors: Int = 10

        /** Bytes one file may have (default 100 MiB). */
        public fun maxFileSize(bytes: Long): Builder = apply { maxFileSize = bytes }

        /** Files accepted per transfer (default 100). */
        public fun maxFiles(count: Int): Builder = apply { maxFiles = count }

        /** Resume a shorter file of the same name (default true). */
        public fun allowResume(allow: Boolean): Builder = apply { allowResume = allow }

        /** The longest silence of the sender (default 30 s). */
        public fun timeout(timeout: Duration): Builder = apply { this.timeout = timeout }

        /** Offer CRC-32 (default true). */
        public fun crc32(offer: Boolean): Builder = apply { crc32 = offer }

        /** Bad frames in a row before failing (default 10). */
        public fun maxErrors(count: Int): Builder = apply { maxErrors = count }

        /** The settings; checks every value. */
        public fun build(): ZModemReceiveSettings {
            require(maxFileSize >= 0) { "maxFileSize must not be negative: $maxFileSize" }
            require(maxFiles >= 0) { "maxFiles must not be negative: $maxFiles" }
            require(!timeout.isNegative && !timeout.isZero) { "timeout must be positive: $timeout" }
            require(maxErrors >= 1) { "maxErrors must be at least 1: $maxErrors" }
            return ZModemReceiveSettings(folder, maxFileSize, maxFiles, allowResume, timeout, crc32, maxErrors)
        }
    }

    internal val timeoutMillis: Long get() = timeout.toMillis().coerceAtLeast(1)

    public companion object {
        /** A builder for uploads into [folder]. */
        @JvmStatic
        public fun builder(folder: Path): Builder = Builder(folder)
    }
}

/** Kotlin: `ZModemReceiveSettings(Path.of("uploads")) { maxFiles(5) }`. */
@JvmSynthetic
public fun ZModemReceiveSettings(folder: Path, configure: ZModemReceiveSettings.Builder.() -> Unit = {}): ZModemReceiveSettings =
    ZModemReceiveSettings.builder(folder).apply(configure).build()
