package dev.telnetkit.recording

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionTap
import dev.telnetkit.session.TerminalSize
import java.nio.charset.Charset
import java.nio.file.Path
import java.time.Instant

/**
 * One session being recorded into one asciicast file, from [AsciicastRecorder.start] (or the
 * recorder's `sessionOpened`) until the session ends or [stop] is called.
 *
 * The session's threads only copy what they see into the recorder's queue; the file is written by
 * the recorder's writer thread, so a slow disk never holds a session up (see
 * [RecordingSettings.maxQueuedBytes] for what happens then).
 */
public class SessionRecording internal constructor(
    /** The session recorded. */
    public val session: Session,
    private val recorder: AsciicastRecorder,
    private val recordInput: Boolean,
) {
    /** When recording began. */
    public val startTime: Instant = Instant.now()
    internal val startNanos: Long = System.nanoTime()

    // The header's facts, as they were when recording began.
    internal val startSize: TerminalSize = session.size
    internal val startTerm: String = session.terminalType
    internal val startUser: String? = session.username

    /**
     * The file, once the writer has made it (null until then, or if it could not be made). It is
     * renamed once when the session ends if the user logged in meanwhile (the name then shows the user).
     */
    @Volatile public var path: Path? = null
        internal set

    /** True until the session ended, [stop] was called, or the file reached its size cap. */
    public val isActive: Boolean get() = !ended

    // Session side, under this object's lock: calls of the tap may overlap (a resize during output).
    @Volatile private var ended = false
    private var lost = false
    private var lossReported = false

    // Writer side: touched only by the recorder's writer thread.
    internal val file = CastFile()

    internal val tap: SessionTap = object : SessionTap {
        override fun output(bytes: ByteArray, offset: Int, length: Int) {
            val copy = bytes.copyOfRange(offset, offset + length)
            offer(RecordEvent.Output(this@SessionRecording, elapsed(), copy, session.encoding))
        }

        override fun input(text: String) {
            if (recordInput) offer(RecordEvent.Text(this@SessionRecording, elapsed(), "i", text))
        }

        override fun resized(size: TerminalSize) {
            offer(RecordEvent.Text(this@SessionRecording, elapsed(), "r", "${size.width}x${size.height}"))
        }

        override fun closed() {
            finish()
        }
    }

    /** Stops recording this session: the file is completed and closed. Safe to call more than once. */
    public fun stop() {
        session.removeTap(tap)
        finish()
    }

    private fun elapsed(): Long = System.nanoTime() - startNanos

    private fun offer(event: RecordEvent) {
        synchronized(this) {
            if (ended) return
            val markLoss = lost && !lossReported
            event.lossBefore = markLoss
            if (!recorder.enqueue(event, force = false)) {
                lost = true
            } else if (markLoss) {
                lossReported = true
            }
        }
    }

    /** Ends this recording: the writer completes and closes the file. */
    internal fun finish() {
        synchronized(this) {
            if (ended) return
            ended = true
            val close = RecordEvent.Close(this, elapsed())
            if (lost && !lossReported) {
                lossReported = true
                close.lossBefore = true
            }
            recorder.enqueue(close, force = true)
        }
    }

    /** Ended by the writer (the size cap, a failed write): the session is no longer tapped. */
    internal fun endedByWriter() {
        synchronized(this) { ended = true }
        session.removeTap(tap)
    }
}

/** What goes through the recorder's queue to its writer thread. */
internal sealed class RecordEvent(val recording: SessionRecording, val nanos: Long) {
    /** Events were dropped before this one (the queue was full): the writer marks it once. */
    @Volatile var lossBefore = false

    /** What [cost] counts against [RecordingSettings.maxQueuedBytes]. */
    abstract val cost: Long

    class Output(recording: SessionRecording, nanos: Long, val bytes: ByteArray, val charset: Charset) : RecordEvent(recording, nanos) {
        override val cost: Long get() = OVERHEAD + bytes.size
    }

    class Text(recording: SessionRecording, nanos: Long, val type: String, val text: String) : RecordEvent(recording, nanos) {
        override val cost: Long get() = OVERHEAD + 2L * text.length
    }

    class Open(recording: SessionRecording) : RecordEvent(recording, 0) {
        override val cost: Long get() = OVERHEAD
    }

    class Close(recording: SessionRecording, nanos: Long) : RecordEvent(recording, nanos) {
        override val cost: Long get() = OVERHEAD
    }

    companion object {
        /** An event's own objects and the queue's node, roughly. */
        const val OVERHEAD = 64L
    }
}
