package dev.telnetkit.recording

import dev.telnetkit.session.Session
import java.nio.file.Path

/**
 * Which sessions a recorder registered as an observer records: asked once, when the session opens
 * (before any login, so [Session.username] is set only where the transport authenticated: SSH).
 * Keep it quick; one that throws counts as "do not record" and is logged.
 */
public fun interface RecordingFilter {
    /** True to record [session]. */
    public fun shouldRecord(session: Session): Boolean

    /** The filter every recorder starts with. */
    public companion object {
        /** Records every session. */
        @JvmField
        public val ALL: RecordingFilter = RecordingFilter { true }
    }
}

/**
 * How an [AsciicastRecorder] records: where, what, and how much.
 *
 * Java:
 * ```java
 * RecordingSettings settings = RecordingSettings.builder(Path.of("/var/log/telnetkit/casts"))
 *     .recordInput(true)
 *     .maxFileBytes(8 << 20)
 *     .build();
 * TelnetServer server = TelnetServer.builder().observer(new AsciicastRecorder(settings)).build();
 * ```
 *
 * @property directory where the `.cast` files go; made when the first file is written.
 * @property recordInput also record what users type ("i" events), except in hidden and masked
 *   reads (passwords), which are never recorded. Off by default: output alone shows a session.
 * @property maxFileBytes the most one file may hold: a session that reaches it stops being recorded,
 *   with a final marker event saying so.
 * @property maxTotalBytes the most the directory's recordings may hold together: past it the oldest
 *   finished `.cast` files of this naming pattern are deleted (files being written are never deleted).
 * @property filter which sessions a recorder registered as an observer records.
 * @property maxQueuedBytes the most recorded data waiting for the disk; past it events are dropped
 *   (and a marker written once in that session's file) rather than the session waiting or memory growing.
 */
public class RecordingSettings @JvmOverloads constructor(
    public val directory: Path,
    public val recordInput: Boolean = false,
    public val maxFileBytes: Long = DEFAULT_MAX_FILE_BYTES,
    public val maxTotalBytes: Long = DEFAULT_MAX_TOTAL_BYTES,
    public val filter: RecordingFilter = RecordingFilter.ALL,
    public val maxQueuedBytes: Long = DEFAULT_MAX_QUEUED_BYTES,
) {
    init {
        require(maxFileBytes >= MIN_FILE_BYTES) { "maxFileBytes must be at least $MIN_FILE_BYTES, was $maxFileBytes" }
        require(maxTotalBytes >= maxFileBytes) { "maxTotalBytes ($maxTotalBytes) must be at least maxFileBytes ($maxFileBytes)" }
        require(maxQueuedBytes >= MIN_QUEUED_BYTES) { "maxQueuedBytes must be at least $MIN_QUEUED_BYTES, was $maxQueuedBytes" }
    }

    /** A Java builder for [RecordingSettings], starting from the defaults. */
    public class Builder internal constructor(private val directory: Path) {
        private var recordInput = false
        private var maxFileBytes = DEFAULT_MAX_FILE_BYTES
        private var maxTotalBytes = DEFAULT_MAX_TOTAL_BYTES
        private var filter = RecordingFilter.ALL
        private var maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES

        /** See [RecordingSettings.recordInput]. */
        public fun recordInput(record: Boolean): Builder = apply { recordInput = record }

        /** See [RecordingSettings.maxFileBytes]. */
        public fun maxFileBytes(bytes: Long): Builder = apply { maxFileBytes = bytes }

        /** See [RecordingSettings.maxTotalBytes]. */
        public fun maxTotalBytes(bytes: Long): Builder = apply { maxTotalBytes = bytes }

        /** See [RecordingSettings.filter]. */
        public fun filter(filter: RecordingFilter): Builder = apply { this.filter = filter }

        /** See [RecordingSettings.maxQueuedBytes]. */
        public fun maxQueuedBytes(bytes: Long): Builder = apply { maxQueuedBytes = bytes }

        /** The settings; throws [IllegalArgumentException] for values out of range. */
        public fun build(): RecordingSettings =
            RecordingSettings(directory, recordInput, maxFileBytes, maxTotalBytes, filter, maxQueuedBytes)
    }

    /** The defaults and bounds of the settings, and the Java builder. */
    public companion object {
        /** 16 MiB per file. */
        public const val DEFAULT_MAX_FILE_BYTES: Long = 16L shl 20

        /** 1 GiB for the directory. */
        public const val DEFAULT_MAX_TOTAL_BYTES: Long = 1L shl 30

        /** 8 MiB waiting for the disk, for all sessions of a recorder together. */
        public const val DEFAULT_MAX_QUEUED_BYTES: Long = 8L shl 20

        /** The smallest [maxFileBytes]: room for the header and a few events. */
        public const val MIN_FILE_BYTES: Long = 1024

        /** The smallest [maxQueuedBytes]. */
        public const val MIN_QUEUED_BYTES: Long = 64L shl 10

        /** A builder for settings that record into [directory]. */
        @JvmStatic
        public fun builder(directory: Path): Builder = Builder(directory)
    }
}
