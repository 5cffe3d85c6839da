package dev.telnetkit.recording

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionObserver
import io.github.oshai.kotlinlogging.KotlinLogging
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.RejectedExecutionException
import java.util.concurrent.ThreadFactory
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong

private val logger = KotlinLogging.logger {}

/**
 * Records sessions as asciicast v2 files (https://docs.asciinema.org/manual/asciicast/v2/), one
 * per session, that `asciinema play` and `asciinema cat` play back. See `docs/recording.md`.
 *
 * Per server: register it as an observer (`observer(recorder)` in the Java builder, `recording { }`
 * or `observer(recorder)` in the DSL); it records every session its [RecordingSettings.filter]
 * accepts, from the moment the session opens (the login prompt included). Per session: call
 * [start] (from a login hook, for some users only) with a recorder that is not registered.
 *
 * What is recorded: the session's terminal output ("o" events), window resizes ("r"), and what
 * the user types ("i") when [RecordingSettings.recordInput] is on. Never recorded: the keys of a
 * hidden or masked read (the shell's password prompt, `readLine(echo = false)`, a masked field),
 * even typed ahead; the bytes of a binary transfer (ZModem). See [dev.telnetkit.session.SessionTap].
 *
 * Threading: a session's threads only copy what they see into a queue bounded by
 * [RecordingSettings.maxQueuedBytes]; one writer thread per recorder writes the files (and
 * rotates the directory), so a slow disk never holds a session up: past the bound events are
 * dropped and the file gets one marker saying so. The writer thread exists only while there is
 * work (it ends a second after the last event), so an unclosed recorder keeps nothing alive;
 * [close] completes every file still open and waits for the writer. Files of sessions that end
 * (also when the server stops) are completed as they end.
 *
 * One recorder per directory: its rotation deletes the oldest finished files of its naming
 * pattern, and knows only its own open files.
 *
 * Java:
 * ```java
 * AsciicastRecorder recorder = new AsciicastRecorder(RecordingSettings.builder(dir).build());
 * TelnetServer server = TelnetServer.builder().observer(recorder).build();
 * ```
 */
public class AsciicastRecorder(
    /** How this recorder records. */
    public val settings: RecordingSettings,
) : SessionObserver, AutoCloseable {
    private val queued = AtomicLong()
    private val recordings = ConcurrentHashMap<Session, SessionRecording>()
    @Volatile private var closed = false
    internal val writer = CastWriter(settings) { recordings.remove(it.session, it) }
    private val executor = ThreadPoolExecutor(1, 1, WRITER_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, LinkedBlockingQueue(), WriterThreads)
        .apply { allowCoreThreadTimeOut(true) }

    /** Starts recording [session] when the [RecordingSettings.filter] accepts it. */
    override fun sessionOpened(session: Session) {
        if (closed) return
        val record = try {
            settings.filter.shouldRecord(session)
        } catch (e: Exception) {
            logger.error(e) { "session ${session.id}: the recording filter failed; not recording this session" }
            false
        }
        if (record) start(session)
    }

    /** Completes [session]'s file, if it is being recorded. */
    override fun sessionClosed(session: Session) {
        recordings[session]?.finish()
    }

    /**
     * Starts recording [session] now (from a login hook, say, for some users only), or returns its
     * recording if this recorder records it already. The file is made by the writer thread, in
     * [RecordingSettings.directory].
     * @throws IllegalStateException when the recorder is closed.
     */
    public fun start(session: Session): SessionRecording {
        check(!closed) { "the recorder is closed" }
        // One recording per session even when two threads start it at once.
        var created: SessionRecording? = null
        val recording = recordings.compute(session) { _, existing ->
            existing?.takeIf { it.isActive } ?: SessionRecording(session, this, settings.recordInput).also { created = it }
        }!!
        created?.let {
            enqueue(RecordEvent.Open(it), force = true)
            // A session that has ended already closes the tap at once: the file is finished, not left open.
            session.addTap(it.tap)
        }
        return recording
    }

    /** Bytes of events waiting for the writer (tests watch it). */
    internal val queuedBytes: Long get() = queued.get()

    /** The sessions being recorded now. */
    public val activeRecordings: List<SessionRecording> get() = recordings.values.filter { it.isActive }

    /**
     * Queues [event] for the writer; false (dropped) when [force] is false and the queue holds
     * [RecordingSettings.maxQueuedBytes] already, or when the recorder is closed.
     */
    internal fun enqueue(event: RecordEvent, force: Boolean): Boolean {
        val cost = event.cost
        if (force) {
            queued.addAndGet(cost)
        } else {
            while (true) {
                val now = queued.get()
                if (now + cost > settings.maxQueuedBytes) return false
                if (queued.compareAndSet(now, now + cost)) break
            }
        }
        try {
            executor.execute {
                try {
                    writer.process(event)
                } finally {
                    queued.addAndGet(-cost)
                }
                if (executor.queue.isEmpty()) writer.flush()
            }
            return true
        } catch (e: RejectedExecutionException) {
            queued.addAndGet(-cost)
            return false
        }
    }

    /**
     * Stops recording: every file still open is completed and closed, and the writer finishes
     * what was queued (waiting at most ten seconds). Sessions go on, unrecorded. Idempotent.
     */
    override fun close() {
        if (closed) return
        closed = true
        recordings.values.forEach { it.stop() }
        executor.shutdown()
        if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            logger.warn { "recording: the writer did not finish within $CLOSE_WAIT_SECONDS s; files may be incomplete" }
            executor.shutdownNow()
        }
        writer.closeAll()
    }

    private object WriterThreads : ThreadFactory {
        private val count = AtomicInteger()

        // Not a daemon: what is queued is written before the JVM exits. The thread ends once idle.
        override fun newThread(task: Runnable): Thread = Thread(task, "telnetkit-recording-${count.incrementAndGet()}")
    }

    private companion object {
        const val WRITER_KEEP_ALIVE_SECONDS = 1L
        const val CLOSE_WAIT_SECONDS = 10L
    }
}
