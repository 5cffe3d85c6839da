package dev.telnetkit.recording

import java.io.BufferedOutputStream
import java.io.OutputStream
import java.nio.file.Path

/** The writer thread's side of one recording: its file and what has gone into it. */
internal class CastFile {
    var out: OutputStream? = null
    var path: Path? = null
    // The file name's parts, for the rename when the session ends.
    var stamp: String = ""
    var bytes: Long = 0
    var stopped = false
    var lossMarked = false
    var dirty = false
    var decoder: StreamingTextDecoder? = null

    fun open(path: Path, stream: OutputStream) {
        this.path = path
        out = BufferedOutputStream(stream, BUFFER)
    }

    private companion object {
        const val BUFFER = 8 * 1024
    }
}
