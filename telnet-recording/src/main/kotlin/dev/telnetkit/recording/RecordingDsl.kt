package dev.telnetkit.recording

import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.session.Session
import java.nio.file.Path

/**
 * Records this server's sessions as asciicast files; see [RecordingSettings] for every setting and
 * `docs/recording.md`. Returns the recorder (to [AsciicastRecorder.close] it, or to ask for its
 * [AsciicastRecorder.activeRecordings]).
 *
 * ```kotlin
 * telnetServer {
 *     recording {
 *         directory = Path.of("/var/log/telnetkit/casts")
 *         recordInput = true
 *     }
 * }
 * ```
 */
public fun TelnetServerScope.recording(configure: RecordingScope.() -> Unit): AsciicastRecorder {
    val recorder = AsciicastRecorder(RecordingScope().apply(configure).build())
    observer(recorder)
    return recorder
}

/** The settings of the DSL's `recording { }` block: the names of [RecordingSettings]. */
@TelnetDsl
public class RecordingScope internal constructor() {
    /** Where the `.cast` files go (required). */
    public var directory: Path? = null

    /** Also record what users type, except hidden and masked input (off by default). */
    public var recordInput: Boolean = false

    /** The most one file may hold (default 16 MiB). */
    public var maxFileBytes: Long = RecordingSettings.DEFAULT_MAX_FILE_BYTES

    /** The most the directory's recordings may hold together (default 1 GiB). */
    public var maxTotalBytes: Long = RecordingSettings.DEFAULT_MAX_TOTAL_BYTES

    /** The most recorded data waiting for the disk (default 8 MiB). */
    public var maxQueuedBytes: Long = RecordingSettings.DEFAULT_MAX_QUEUED_BYTES

    private var filter: RecordingFilter = RecordingFilter.ALL

    /** Records only the sessions [accept] says yes to (asked when a session opens). */
    public fun filter(accept: (Session) -> Boolean) {
        filter = RecordingFilter(accept)
    }

    internal fun build(): RecordingSettings = RecordingSettings(
        directory = requireNotNull(directory) { "recording { }: set directory" },
        recordInput = recordInput, maxFileBytes = maxFileBytes, maxTotalBytes = maxTotalBytes,
        filter = filter, maxQueuedBytes = maxQueuedBytes,
    )
}
