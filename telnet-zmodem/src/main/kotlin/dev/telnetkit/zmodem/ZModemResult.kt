package dev.telnetkit.zmodem

import java.nio.file.Path

/** How a ZModem transfer ended. */
public enum class ZModemOutcome {
    /** Every file was sent or received, or skipped by a decision (limits, already complete). */
    COMPLETED,

    /** The other side cancelled (five Ctrl-X), or the user did. */
    CANCELLED,

    /** The transfer stopped: a timeout, the connection ended, too many errors, a limit broken mid-file. */
    FAILED,
}

/** What happened to one file. */
public enum class ZModemFileStatus {
    /** All of it arrived (or was sent and acknowledged). */
    COMPLETE,

    /** Skipped on purpose; [ZModemFile.note] says why. */
    SKIPPED,

    /** The transfer stopped inside it; a received part stays on disk to be resumed. */
    INCOMPLETE,
}

/**
 * One file of a transfer.
 *
 * @property name the name used on this side (sanitised for uploads) or sent (downloads).
 * @property path where it is on disk; null for a skipped upload that was never placed.
 * @property size the size announced (uploads) or the file's size (downloads), when known.
 * @property resumedFrom the offset the data started at: more than 0 when an earlier transfer was resumed.
 * @property bytesTransferred data bytes moved this time.
 * @property status how it ended.
 * @property note why it was skipped or stopped, or null.
 */
public class ZModemFile internal constructor(
    public val name: String,
    public val path: Path?,
    public val size: Long?,
    public val resumedFrom: Long,
    public val bytesTransferred: Long,
    public val status: ZModemFileStatus,
    public val note: String?,
) {
    override fun toString(): String = "ZModemFile($name, $status, $bytesTransferred bytes from $resumedFrom${note?.let { ", $it" } ?: ""})"
}

/**
 * The result of a ZModem transfer: its [outcome], the [reason] when it did not complete, and the
 * [files] it handled, in order.
 */
public class ZModemResult internal constructor(
    public val outcome: ZModemOutcome,
    public val reason: String?,
    public val files: List<ZModemFile>,
) {
    /** Data bytes moved this time, over all files. */
    public val bytesTransferred: Long get() = files.sumOf { it.bytesTransferred }

    override fun toString(): String = "ZModemResult($outcome${reason?.let { ", $it" } ?: ""}, $files)"
}
