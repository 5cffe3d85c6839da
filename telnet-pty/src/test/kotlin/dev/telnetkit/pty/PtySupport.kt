package dev.telnetkit.pty

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Test helpers for the OS shell specs: who the shell runs as, and which processes are running. */
internal object PtySupport {
    /** True when the tests run as root (CI does): the OS shell must then switch user or be allowed root. */
    val asRoot: Boolean get() = ServerProcess.effectiveUid == 0L

    /** The user the test shells run as: `nobody` when the tests run as root, else the tests' own user. */
    val testUser: String? get() = if (asRoot) "nobody" else null

    /** A bash with no start files and a prompt of its own, so tests can wait for it. */
    val bash: List<String> = listOf("/bin/bash", "--norc", "--noprofile", "-i")
    const val BASH_PROMPT: String = "pty$ "
    val bashEnvironment: Map<String, String> = mapOf("PS1" to BASH_PROMPT)

    /** The pids of processes whose command line contains [marker] (`pgrep -f`). */
    suspend fun pgrep(marker: String): List<Long> = withContext(Dispatchers.IO) {
        val process = ProcessBuilder("pgrep", "-f", marker).redirectErrorStream(true).start()
        val out = process.inputStream.bufferedReader().readText()
        process.waitFor(10, TimeUnit.SECONDS)
        // pgrep never lists itself; the lines are pids.
        out.lines().mapNotNull { it.trim().toLongOrNull() }
    }

    /** Waits until [condition] holds; false if it did not within [timeout]. */
    suspend fun eventually(timeout: Duration = 15.seconds, condition: suspend () -> Boolean): Boolean =
        withTimeoutOrNull(timeout) {
            while (!condition()) delay(50.milliseconds)
            true
        } ?: false
}
