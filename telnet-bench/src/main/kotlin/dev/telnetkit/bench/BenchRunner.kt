package dev.telnetkit.bench

import java.awt.Color
import java.io.File
import java.net.InetSocketAddress
import java.time.LocalDateTime

/** `telnet-bench run`: the scenarios against the demo and limit-server (or one --target), one table, raw figures, a chart. */
class BenchRunner(private val options: RunOptions) {
    private val config = if (options.quick) SuiteConfig.QUICK else SuiteConfig.FULL
    private val serverCpu = SERVER_CPU.takeIf { options.pin }
    private val revision: String? = runProcess(listOf("git", "describe", "--always", "--dirty"), 10)
        ?.takeIf { it.exitCode == 0 }?.text?.trim()
    private fun say(text: String) = println(text)

    /** Runs everything; returns the process exit status. */
    fun run(): Int {
        say("telnet-bench run, ${LocalDateTime.now().withNano(0)}, source ${revision ?: "unknown"}, ${Runtime.getRuntime().availableProcessors()} processors, " +
            "driver: one selector thread, ${if (options.quick) "quick" else "full"} sizes, " +
            if (options.pin) "server on CPU 0, driver and telnet-load on CPU 1" else "server and driver not pinned")
        if (options.pin && !ServerProcesses.pinSelf(DRIVER_CPU)) say("--pin: taskset failed, the driver is not pinned")
        val target = options.target
        val servers = ArrayList<ServerFigures>()
        if (target != null) {
            val probe = options.pid?.let(::ServerProbe)
            servers += measure("server", null, InetSocketAddress(target.first, target.second), probe, jvm = true, broadcast = false, crossCheckTool = tool("telnet-load"))
            report(servers.first(), null)
            return 0
        }
        val log = File(options.results.absoluteFile.parentFile, "demo-server.log")
        val telnetLoad = tool("telnet-load")
        ServerProcesses.startDemo(options.samplesJar, options.serverJvm, log, serverCpu).use { demo ->
            say("TelnetKit demo: ${demo.command} (pid ${demo.process.pid()}, log $log)")
            servers += measure("TelnetKit", demo.command, demo.address, ServerProbe(demo.process.pid()), jvm = true, broadcast = true, crossCheckTool = telnetLoad)
        }
        if (options.limitServer) {
            val binary = runCatching { ServerProcesses.buildTool(File(options.tools, "limit-server"), "limit-server") }
                .onFailure { say("limit-server: not built (${it.message}); no comparison") }.getOrNull()
            if (binary != null) {
                ServerProcesses.startLimitServer(binary, File(log.parentFile, "limit-server.log"), serverCpu).use { limit ->
                    say("limit-server: ${limit.command} (pid ${limit.process.pid()})")
                    servers += measure("limit-server", limit.command, limit.address, ServerProbe(limit.process.pid()), jvm = false, broadcast = false, crossCheckTool = telnetLoad)
                }
            }
        }
        report(servers[0], servers.getOrNull(1))
        return 0
    }

    private fun tool(name: String): File? {
        if (!options.crossCheck) return null
        return runCatching { ServerProcesses.buildTool(File(options.tools, name), name) }
            .onFailure { say("$name: not built (${it.message}); no cross-check") }.getOrNull()
    }

    private fun measure(
        name: String,
        command: String?,
        address: InetSocketAddress,
        probe: ServerProbe?,
        jvm: Boolean,
        broadcast: Boolean,
        crossCheckTool: File?,
    ): ServerFigures {
        say("== $name at ${address.hostString}:${address.port}")
        val progress = { line: String -> say("  $line") }
        LoadDriver(address, options.prompt).use { driver ->
            val scenarios = Scenarios(driver, config, probe, jvm, progress)
            val wanted = options.scenarios
            val hold = if ("hold" in wanted) scenarios.hold() else null
            val setup = if ("setup" in wanted) scenarios.setup() else null
            val echo = if ("echo" in wanted) config.echoConcurrency.map { scenarios.echo(it) } else emptyList()
            val fanOut = if (broadcast && "broadcast" in wanted) scenarios.broadcast() else null
            val conns = 50
            val cross = crossCheckTool?.takeIf { "cross-check" in wanted }?.let {
                TelnetLoadCrossCheck.echo(it, address.port, conns, config.echoSeconds, config.echoWarmupSeconds, probe?.pid, DRIVER_CPU.takeIf { options.pin })
                    .also { r -> progress("telnet-load echo $conns: ${r?.rps ?: "no result"} req/s, p50 ${r?.p50Micros ?: "-"} us") }
            }
            return ServerFigures(name, command, hold, setup, echo, fanOut, cross, conns)
        }
    }

    private fun report(subject: ServerFigures, reference: ServerFigures?) {
        val rows = ResultsTable.rows(subject, reference)
        say("")
        if (subject.command != null) say("TelnetKit demo JVM options: ${options.serverJvm}")
        say(ResultsTable.format(rows, subject.name, reference?.name ?: "-"))
        if (reference != null) say("ratio = ${subject.name} / ${reference.name}; latencies in microseconds unless the row says ms")
        val settings = mapOf(
            "quick" to options.quick, "source" to revision, "pinned" to options.pin, "prompt" to options.prompt, "server_jvm" to options.serverJvm,
            "processors" to Runtime.getRuntime().availableProcessors(), "time" to LocalDateTime.now().withNano(0).toString(),
            "hold_steps" to config.holdSteps, "setup_sessions" to config.setupSessions, "setup_inflight" to config.setupInflight,
            "echo_warmup_s" to config.echoWarmupSeconds, "echo_s" to config.echoSeconds,
            "broadcast_receivers" to config.broadcastReceivers, "broadcast_rounds" to config.broadcastRounds,
        )
        options.results.absoluteFile.parentFile?.mkdirs()
        options.results.writeText(ResultsJson.render(settings, listOfNotNull(subject, reference)))
        val series = MemoryChart.series(subject, Color(0x1F77B4), Color(0xFF7F0E)) +
            (reference?.let { MemoryChart.series(it, Color(0x2CA02C), Color(0x2CA02C)) } ?: emptyList())
        if (series.isNotEmpty()) {
            MemoryChart.write(series, "Server memory against idle sessions held", options.chart)
            say("raw figures: ${options.results}, chart: ${options.chart}")
        } else {
            say("raw figures: ${options.results} (no memory figures, no chart)")
        }
    }

    private companion object {
        const val SERVER_CPU = 0
        const val DRIVER_CPU = 1
    }
}
