package dev.telnetkit.bench

import java.io.File

/**
 * Reads a server process's resources from /proc and, for a JVM, its live heap with jcmd.
 */
class ServerProbe(
    /** The server's process id. */
    val pid: Long,
) {
    /** Resident set size in bytes (VmRSS), or -1 when unreadable. */
    fun rssBytes(): Long {
        val line = runCatching { File("/proc/$pid/status").readLines() }.getOrNull()
            ?.firstOrNull { it.startsWith("VmRSS:") } ?: return -1
        return line.substringAfter(':').trim().substringBefore(' ').toLongOrNull()?.times(1024) ?: -1
    }

    /** User plus system CPU time in clock ticks ([CLOCK_TICKS] per second), or -1. */
    fun cpuTicks(): Long {
        val stat = runCatching { File("/proc/$pid/stat").readText() }.getOrNull() ?: return -1
        val fields = stat.substringAfterLast(')').trim().split(' ')
        // Fields after the command: state is field 3, utime 14 and stime 15 of the whole line.
        val utime = fields.getOrNull(11)?.toLongOrNull() ?: return -1
        val stime = fields.getOrNull(12)?.toLongOrNull() ?: return -1
        return utime + stime
    }

    /** [cpuTicks] plus the CPU of the children the process has waited for (cutime, cstime), or -1. */
    fun cpuTicksWithChildren(): Long {
        val stat = runCatching { File("/proc/$pid/stat").readText() }.getOrNull() ?: return -1
        val fields = stat.substringAfterLast(')').trim().split(' ')
        return (11..14).sumOf { fields.getOrNull(it)?.toLongOrNull() ?: return -1 }
    }

    /** Open file descriptors, or -1. */
    fun openFiles(): Int = File("/proc/$pid/fd").list()?.size ?: -1

    /** True while the process exists. */
    fun alive(): Boolean = File("/proc/$pid").exists()

    /**
     * Live heap bytes after a full GC: `jcmd PID GC.class_histogram` collects first and its
     * "Total" line sums every live object. Null when the process is not a JVM or jcmd fails.
     */
    fun liveHeapBytes(): Long? {
        val output = jcmd("GC.class_histogram") ?: return null
        val total = output.lineSequence().lastOrNull { it.trim().startsWith("Total") } ?: return null
        return total.trim().split(Regex("\\s+")).getOrNull(2)?.toLongOrNull()
    }

    private fun jcmd(command: String): String? {
        val jcmd = File(System.getProperty("java.home"), "bin/jcmd").takeIf { it.canExecute() }?.path ?: "jcmd"
        return runProcess(listOf(jcmd, pid.toString(), command), JCMD_TIMEOUT_SECONDS)?.takeIf { it.exitCode == 0 }?.text
    }

    companion object {
        /** Clock ticks per second of /proc/PID/stat on Linux. */
        const val CLOCK_TICKS: Double = 100.0
        private const val JCMD_TIMEOUT_SECONDS = 180L
    }
}
