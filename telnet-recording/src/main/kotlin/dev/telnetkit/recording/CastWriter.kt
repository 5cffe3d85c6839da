package dev.telnetkit.recording

import io.github.oshai.kotlinlogging.KotlinLogging
import java.io.IOException
import java.nio.file.FileAlreadyExistsException
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.nio.file.attribute.BasicFileAttributes

private val logger = KotlinLogging.logger {}

/**
 * The writer thread's work: files made, events written, the size caps kept and the directory
 * rotated. Only the recorder's writer thread calls it (and [closeAll] after that thread ended);
 * the lock only makes that certain.
 */
internal class CastWriter(private val settings: RecordingSettings, private val ended: (SessionRecording) -> Unit) {
    private val directory: Path = settings.directory
    // Files written now, never deleted by the rotation.
    private val open = LinkedHashMap<Path, SessionRecording>()
    private val dirty = LinkedHashSet<CastFile>()
    private var writtenSinceRotation = 0L
    private val rotateEvery = maxOf(ROTATE_EVERY_MIN, settings.maxTotalBytes / ROTATE_EVERY_DIVISOR)

    /** Tests only: runs on the writer thread before each event (to hold the writer up, as a slow disk would). */
    @Volatile var beforeEvent: Runnable? = null

    fun process(event: RecordEvent) {
        beforeEvent?.run()
        processLocked(event)
    }

    @Synchronized
    private fun processLocked(event: RecordEvent) {
        val recording = event.recording
        val file = recording.file
        when (event) {
            is RecordEvent.Open -> open(recording)
            is RecordEvent.Output -> {
                if (file.out == null || file.stopped) return
                val decoder = file.decoder?.takeIf { it.charset == event.charset }
                    ?: StreamingTextDecoder(event.charset).also { fresh ->
                        file.decoder?.finish()?.let { rest -> if (rest.isNotEmpty()) write(recording, event, Asciicast.event(event.nanos, "o", rest)) }
                        file.decoder = fresh
                    }
                val text = decoder.decode(event.bytes)
                if (text.isNotEmpty()) write(recording, event, Asciicast.event(event.nanos, "o", text))
            }
            is RecordEvent.Text -> if (file.out != null && !file.stopped) write(recording, event, Asciicast.event(event.nanos, event.type, event.text))
            is RecordEvent.Close -> {
                if (file.out != null && !file.stopped) {
                    val rest = file.decoder?.finish().orEmpty()
                    if (rest.isNotEmpty()) write(recording, event, Asciicast.event(event.nanos, "o", rest))
                    else if (event.lossBefore) write(recording, event, null)
                }
                close(recording)
                ended(recording)
            }
        }
    }

    /** Flushes what was written since the last flush (the queue is empty: the writer has time). */
    @Synchronized
    fun flush() {
        for (file in dirty) {
            try {
                file.out?.flush()
            } catch (e: IOException) {
                logger.warn { "recording: flushing ${file.path} failed: ${e.message}" }
            }
        }
        dirty.clear()
    }

    /** Closes every file still open (the recorder is closing and its writer has finished). */
    @Synchronized
    fun closeAll() {
        open.values.toList().forEach { close(it) }
    }

    private fun open(recording: SessionRecording) {
        val file = recording.file
        val session = recording.session
        try {
            Files.createDirectories(directory)
            file.stamp = Asciicast.FILE_TIME.format(recording.startTime)
            val base = "${file.stamp}-session-${session.id}-${Asciicast.safeUser(recording.startUser)}"
            var attempt = 1
            while (true) {
                val path = directory.resolve(if (attempt == 1) "$base.cast" else "$base-$attempt.cast")
                try {
                    file.open(path, Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
                    break
                } catch (e: FileAlreadyExistsException) {
                    if (++attempt > MAX_NAME_ATTEMPTS) throw e
                }
            }
            val path = file.path!!
            open[path] = recording
            recording.path = path
            val user = recording.startUser?.let { if (it.length > MAX_TITLE_USER) it.take(MAX_TITLE_USER) + "…" else it } ?: "anonymous"
            val title = "session ${session.id} $user@${session.remoteAddress} via ${session.transport}"
            val size = recording.startSize
            writeRaw(file, Asciicast.header(size.width, size.height, recording.startTime.epochSecond, recording.startTerm, title).toByteArray())
            rotate()
        } catch (e: IOException) {
            logger.error { "recording: session ${session.id} is not recorded: ${e.message}" }
            stopWriting(recording)
        }
    }

    /**
     * Writes [line] (null: only a pending loss marker) to [recording]'s file, with the loss marker
     * first if [event] follows dropped events, and stops the file with a marker at the size cap.
     */
    private fun write(recording: SessionRecording, event: RecordEvent, line: String?) {
        val file = recording.file
        try {
            if (event.lossBefore && !file.lossMarked) {
                file.lossMarked = true
                writeRaw(file, Asciicast.event(event.nanos, "m", LOSS_MARKER).toByteArray())
            }
            if (line == null) return
            val bytes = line.toByteArray()
            if (file.bytes + bytes.size > settings.maxFileBytes - MARKER_RESERVE) {
                writeRaw(file, Asciicast.event(event.nanos, "m", "recording stopped: the file reached its size cap of ${settings.maxFileBytes} bytes").toByteArray())
                logger.info { "recording: session ${recording.session.id} reached the size cap of ${settings.maxFileBytes} bytes; recording stopped" }
                stopWriting(recording)
                return
            }
            writeRaw(file, bytes)
        } catch (e: IOException) {
            logger.error { "recording: writing ${file.path} failed, recording of session ${recording.session.id} stopped: ${e.message}" }
            stopWriting(recording)
        }
    }

    private fun writeRaw(file: CastFile, bytes: ByteArray) {
        val out = file.out ?: return
        out.write(bytes)
        file.bytes += bytes.size
        dirty += file
        writtenSinceRotation += bytes.size
        if (writtenSinceRotation >= rotateEvery) rotate()
    }

    /** The writer stops this recording early: its file is closed and its session no longer tapped. */
    private fun stopWriting(recording: SessionRecording) {
        recording.file.stopped = true
        close(recording)
        recording.endedByWriter()
        ended(recording)
    }

    /** Closes [recording]'s file, renamed if the user logged in meanwhile. */
    private fun close(recording: SessionRecording) {
        val file = recording.file
        val out = file.out ?: return
        file.out = null
        file.stopped = true
        dirty -= file
        val path = file.path ?: return
        open.remove(path)
        try {
            out.close()
        } catch (e: IOException) {
            logger.warn { "recording: closing $path failed: ${e.message}" }
        }
        renameForUser(recording, path)
        rotate()
    }

    private fun renameForUser(recording: SessionRecording, path: Path) {
        val user = recording.session.username ?: return
        val safe = Asciicast.safeUser(user)
        if (safe == Asciicast.safeUser(recording.startUser)) return
        val target = directory.resolve("${recording.file.stamp}-session-${recording.session.id}-$safe.cast")
        try {
            Files.move(path, target)
            recording.file.path = target
            recording.path = target
        } catch (e: IOException) {
            logger.debug { "recording: $path kept its name (${e.message})" }
        }
    }

    /** Deletes the oldest finished recordings of the directory while they hold more than maxTotalBytes. */
    private fun rotate() {
        writtenSinceRotation = 0
        val files = try {
            Files.newDirectoryStream(directory).use { stream ->
                stream.mapNotNull { path ->
                    if (!Asciicast.FILE_NAME.matches(path.fileName.toString())) return@mapNotNull null
                    val attributes = try {
                        Files.readAttributes(path, BasicFileAttributes::class.java)
                    } catch (e: IOException) {
                        return@mapNotNull null
                    }
                    if (attributes.isRegularFile) Triple(path, attributes.size(), attributes.lastModifiedTime().toMillis()) else null
                }
            }
        } catch (e: IOException) {
            logger.warn { "recording: listing $directory failed: ${e.message}" }
            return
        }
        var total = files.sumOf { it.second }
        if (total <= settings.maxTotalBytes) return
        for ((path, size, _) in files.sortedWith(compareBy({ it.third }, { it.first.fileName.toString() }))) {
            if (total <= settings.maxTotalBytes) break
            if (path in open) continue
            try {
                Files.deleteIfExists(path)
                total -= size
                logger.info { "recording: deleted $path (the directory holds more than ${settings.maxTotalBytes} bytes)" }
            } catch (e: IOException) {
                logger.warn { "recording: deleting $path failed: ${e.message}" }
            }
        }
    }

    private companion object {
        const val LOSS_MARKER = "events dropped here: the disk was slower than the session"
        // Room kept at the end of a file for the marker that stops it.
        const val MARKER_RESERVE = 160L
        const val MAX_NAME_ATTEMPTS = 100
        const val MAX_TITLE_USER = 64
        const val ROTATE_EVERY_MIN = 1L shl 20
        const val ROTATE_EVERY_DIVISOR = 16L
    }
}
