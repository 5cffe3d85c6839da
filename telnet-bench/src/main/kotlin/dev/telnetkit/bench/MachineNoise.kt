package dev.telnetkit.bench

import java.io.File

/** How busy the machine was with other work while something was measured. */
data class NoiseFigures(
    /** Seconds measured. */
    val seconds: Double,
    /** 1-minute load average at the start. */
    val loadAverageAtStart: Double?,
    /** CPU used by every process but the server and the driver, in cores (2.0 = both cores of this machine). */
    val otherCores: Double?,
    /** CPU the hypervisor gave to other guests (steal), in cores. */
    val stealCores: Double?,
    /** Earlier runs of the same scenario thrown away because the machine was busier than --max-noise. */
    val discardedRuns: List<Double> = emptyList(),
)

/**
 * Measures the machine's other work over a window: busy CPU time from /proc/stat minus the
 * server's ([serverPid], if known) and this process's with the children it waited for (jcmd,
 * telnet-load), and the steal time, over wall time.
 */
class MachineNoise(private val serverPid: Long?) {
    private val self = ServerProbe(ProcessHandle.current().pid())
    private val server = serverPid?.let(::ServerProbe)
    private var start: Sample? = null

    private data class Sample(val nanos: Long, val busy: Long, val steal: Long, val self: Long, val server: Long, val load: Double?)

    private fun sample(): Sample? {
        val fields = runCatching { File("/proc/stat").useLines { it.first() } }.getOrNull()
            ?.trim()?.split(Regex("\\s+"))?.drop(1)?.mapNotNull { it.toLongOrNull() } ?: return null
        if (fields.size < 8) return null
        // user nice system idle iowait irq softirq steal
        val busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6]
        val load = runCatching { File("/proc/loadavg").readText().trim().split(' ')[0].toDouble() }.getOrNull()
        return Sample(System.nanoTime(), busy, fields[7], self.cpuTicksWithChildren(), server?.cpuTicks() ?: 0, load)
    }

    /** Starts the window. */
    fun start(): MachineNoise {
        start = sample()
        return this
    }

    /** Ends the window: what else ran during it (null figures when /proc could not be read). */
    fun stop(): NoiseFigures {
        val a = start
        val b = sample()
        if (a == null || b == null || b.nanos <= a.nanos) return NoiseFigures(0.0, a?.load, null, null)
        val seconds = (b.nanos - a.nanos) / 1e9
        val ours = (b.self - a.self) + (b.server - a.server)
        val other = ((b.busy - a.busy) - ours).coerceAtLeast(0) / ServerProbe.CLOCK_TICKS / seconds
        val steal = (b.steal - a.steal) / ServerProbe.CLOCK_TICKS / seconds
        return NoiseFigures(seconds, a.load, other, steal)
    }

    companion object {
        /**
         * Waits until other processes use at most [maxCores] over a 2-second window (the server
         * [serverPid] and this process are not counted), at most [timeoutSeconds]. Returns the
         * last window's figure and whether it was quiet.
         */
        fun waitQuiet(serverPid: Long?, maxCores: Double, timeoutSeconds: Long): Pair<Double?, Boolean> {
            val deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L
            var last: Double?
            while (true) {
                val meter = MachineNoise(serverPid).start()
                Thread.sleep(2000)
                last = meter.stop().otherCores
                if (last == null || last <= maxCores) return last to true
                if (System.nanoTime() > deadline) return last to false
            }
        }
    }
}
