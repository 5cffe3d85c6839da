package dev.telnetkit.bench

import java.io.File

/** The RESULT line of one telnet-load run, as key/value pairs. */
data class TelnetLoadResult(val values: Map<String, String>) {
    /** Requests per second, or null. */
    val rps: Double? get() = values["rps"]?.toDoubleOrNull()

    /** Median latency in microseconds, or null. */
    val p50Micros: Double? get() = values["p50_us"]?.toDoubleOrNull()
}

/** Runs /work/shared/tools' telnet-load in echo mode against a server, to cross-check the driver. */
object TelnetLoadCrossCheck {
    /** Runs [binary] (with payloads as long as the driver's) against [port] with [conns] sessions for [seconds] (after a warm-up); null if it produced no RESULT line. */
    fun echo(binary: File, port: Int, conns: Int, seconds: Double, warmup: Double, pid: Long?, cpu: Int?): TelnetLoadResult? {
        val command = mutableListOf(
            binary.path, "--port", port.toString(), "--mode", "echo", "--conns", conns.toString(),
            "--seconds", seconds.toString(), "--warmup", warmup.toString(),
            "--payload-bytes", EchoLoop.PAYLOAD_LENGTH.toString(), "--accept-echo", "--accept-naws", "80x24", "--ttype", "XTERM",
        )
        if (pid != null) command += listOf("--pid", pid.toString())
        if (cpu != null) command += listOf("--cpu", cpu.toString())
        val output = runProcess(command, seconds.toLong() + warmup.toLong() + 120)?.text ?: return null
        val line = output.lineSequence().lastOrNull { it.startsWith("RESULT ") } ?: return null
        return TelnetLoadResult(
            line.removePrefix("RESULT ").trim().split(Regex("\\s+"))
                .mapNotNull { kv -> kv.split('=', limit = 2).takeIf { it.size == 2 }?.let { it[0] to it[1] } }.toMap(),
        )
    }
}
