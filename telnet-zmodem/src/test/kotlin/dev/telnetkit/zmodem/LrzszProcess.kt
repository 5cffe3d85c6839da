package dev.telnetkit.zmodem

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import java.io.IOException
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * An `sz` or `rz` process (Debian lrzsz) started in [directory], its stdin and stdout bridged to
 * [stream]: what it writes arrives in the stream's reads, what is written to the stream goes to it.
 */
internal class LrzszProcess(command: List<String>, directory: Path, scope: CoroutineScope) {
    val process: Process = ProcessBuilder(command).directory(directory.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start()
    private var streamRef: ChannelStream? = null
    private val fromProcess = ChannelStream.chunks { streamRef }
    private val toProcess = Channel<ByteArray>(4)
    val stream = ChannelStream(fromProcess, toProcess).also { streamRef = it }

    private val pumps: List<Job> = listOf(
        scope.launch(Dispatchers.IO) {
            val input = process.inputStream
            val buffer = ByteArray(64 * 1024)
            try {
                while (true) {
                    val n = input.read(buffer)
                    if (n < 0) break
                    fromProcess.send(buffer.copyOf(n))
                }
            } catch (_: IOException) {
            } finally {
                fromProcess.close()
            }
        },
        scope.launch(Dispatchers.IO) {
            val output = process.outputStream
            try {
                for (chunk in toProcess) {
                    output.write(chunk)
                    output.flush()
                }
            } catch (_: IOException) {
                for (chunk in toProcess) Unit // the process is gone: drop what comes
            } finally {
                try { output.close() } catch (_: IOException) {}
            }
        },
    )

    /** Ends the input to the process and waits for its exit code (killing it after [seconds]). */
    suspend fun finish(seconds: Long = 30): Int {
        toProcess.close()
        val code = runInterruptible(Dispatchers.IO) {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                process.waitFor()
            }
            process.exitValue()
        }
        withContext(Dispatchers.IO) { pumps.forEach { it.join() } }
        return code
    }

    /** Kills the process at once. */
    fun kill() {
        process.destroyForcibly()
    }

    companion object {
        val available: Boolean = listOf("/usr/bin/sz", "/usr/bin/rz").all { java.io.File(it).canExecute() }
    }
}
