package dev.telnetkit.pty

import com.pty4j.PtyProcess
import com.pty4j.PtyProcessBuilder
import com.pty4j.WinSize
import dev.telnetkit.session.TerminalSize
import io.github.oshai.kotlinlogging.KotlinLogging
import java.io.IOException
import java.time.Duration
import java.util.concurrent.TimeUnit

private val logger = KotlinLogging.logger {}

/**
 * One program running in a pseudo-terminal (pty4j), with the few operations the OS shell needs.
 * Every call here may block (process and PTY I/O): make them on Dispatchers.IO, except [resize]
 * (one ioctl).
 */
internal class PtyProgram private constructor(private val process: PtyProcess) {
    val pid: Long get() = process.pid()

    /** Reads output into [buffer]; -1 when the program's side of the PTY is closed. Blocks. */
    fun read(buffer: ByteArray): Int = try {
        process.inputStream.read(buffer)
    } catch (e: IOException) {
        // Linux answers EIO once the last holder of the PTY's slave side has gone: the output has ended.
        -1
    }

    /** Writes what the user typed to the PTY (the line discipline sees it as keyboard input). Blocks. */
    fun write(bytes: ByteArray) {
        process.outputStream.write(bytes)
        process.outputStream.flush()
    }

    /** Tells the PTY its new window size; the kernel sends SIGWINCH to the program. */
    fun resize(size: TerminalSize) {
        process.setWinSize(WinSize(size.width.coerceIn(1, 0xffff), size.height.coerceIn(1, 0xffff)))
    }

    /** The window size the PTY has now. */
    fun size(): TerminalSize = process.winSize.let { TerminalSize(it.columns, it.rows) }

    /** Waits for the program to exit; its exit status. Blocks; interruptible. */
    fun waitFor(): Int = process.waitFor()

    val isAlive: Boolean get() = process.isAlive

    /**
     * Ends the program and everything it started: SIGHUP to its process group and the PTY closed
     * (the kernel then hangs up the foreground job too), [grace] to exit, then SIGKILL to the group
     * and to every descendant seen before (jobs in process groups of their own included). Blocks
     * for at most about [grace].
     */
    fun terminate(grace: Duration) {
        // pty4j's process does not implement toHandle(): look the process up by its pid.
        val root = ProcessHandle.of(pid).orElse(null)
        val tree = listOfNotNull(root) + (root?.descendants()?.toList() ?: emptyList())
        if (process.isAlive) {
            logger.debug { "OS shell pid $pid: sending SIGHUP" }
            (process as? com.pty4j.unix.UnixPtyProcess)?.hangup() ?: process.destroy()
        }
        closeStreams()
        val deadline = System.nanoTime() + grace.toNanos()
        for (handle in tree) {
            val left = deadline - System.nanoTime()
            if (left > 0) runCatching { handle.onExit().get(left, TimeUnit.NANOSECONDS) }
        }
        val survivors = tree.filter { it.isAlive }
        if (survivors.isNotEmpty()) {
            logger.info { "OS shell pid $pid: ${survivors.size} process(es) still running after SIGHUP; sending SIGKILL" }
            if (process.isAlive) process.destroyForcibly()
            survivors.forEach { it.destroyForcibly() }
        }
    }

    /** Closes our side of the PTY, which also ends a read blocked on it. */
    fun closeStreams() {
        runCatching { process.outputStream.close() }
        runCatching { process.inputStream.close() }
        runCatching { process.errorStream.close() }
    }

    companion object {
        /** Starts [argv] in a new PTY of [size], in [directory], with exactly [environment]. Blocks; throws IOException. */
        fun start(argv: List<String>, environment: Map<String, String>, directory: String, size: TerminalSize): PtyProgram {
            val process = PtyProcessBuilder(argv.toTypedArray())
                .setEnvironment(environment)
                .setDirectory(directory)
                .setInitialColumns(size.width.coerceIn(1, 0xffff))
                .setInitialRows(size.height.coerceIn(1, 0xffff))
                .setRedirectErrorStream(true)
                .start()
            return PtyProgram(process)
        }
    }
}
