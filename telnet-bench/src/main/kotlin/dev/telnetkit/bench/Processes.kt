package dev.telnetkit.bench

import java.io.File
import java.util.concurrent.TimeUnit

/** What a finished helper process printed, and its exit status. */
data class ProcessOutput(val exitCode: Int, val text: String)

/**
 * Runs [command] with stdout and stderr into a temporary file, waiting at most [timeoutSeconds]
 * (then it is killed and null returned, as when it cannot be started). Never hangs on a pipe.
 */
fun runProcess(command: List<String>, timeoutSeconds: Long): ProcessOutput? {
    val out = File.createTempFile("telnet-bench-", ".out")
    try {
        val process = try {
            ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out).start()
        } catch (e: java.io.IOException) {
            return null
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            process.waitFor(5, TimeUnit.SECONDS)
            return null
        }
        return ProcessOutput(process.exitValue(), out.readText())
    } finally {
        out.delete()
    }
}
