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
            servers += measure("server", null, InetSocketAddress(target.first, target.second), probe, jvm = true, broadcast = false, crossCheckTool = tool("telnet-load"), config = configFor("nio"))
            report(servers)
            return 0
        }
        val demos = options.demos
        val known = demos.associate { (_, jar) -> jar to ServerProcesses.demoOptions(jar) }
        fun supports(jar: File, transport: String) = when (transport) {
            "nio" -> true
            "ktor" -> "--transport" in known.getValue(jar)
            else -> "--tls-cert" in known.getValue(jar) && "--tls-key" in known.getValue(jar)
        }
        val transports = options.transports ?: RunOptions.ALL_TRANSPORTS.filter { t -> demos.all { supports(it.second, t) } }
        for ((_, jar) in demos) for (t in transports) {
            require(supports(jar, t)) { "the demo $jar has no ${if (t == "ktor") "--transport" else "--tls-cert/--tls-key"} option: it cannot run the $t transport" }
        }
        val dir = options.results.absoluteFile.parentFile.also { it.mkdirs() }
        val certificate = if ("tls" in transports) TestCertificate.generate(File(dir, "tls")) else null
        val tlsClient = certificate?.let { TlsClientContext.trusting(it.first) }
        if (certificate != null) say("TLS: test certificate ${certificate.first} (key ${certificate.second}), trusted by the driver")
        val telnetLoad = tool("telnet-load")
        val limitBinary = if (options.limitServer) {
            runCatching { ServerProcesses.buildTool(File(options.tools, "limit-server"), "limit-server") }
                .onFailure { say("limit-server: not built (${it.message}); no comparison") }.getOrNull()
        } else {
            null
        }
        for (round in 1..options.rounds) {
            if (options.rounds > 1) say("== round $round of ${options.rounds}")
            for ((label, jar) in demos) {
                for (transport in transports) {
                    val name = columnName(label, transport, round)
                    val log = File(dir, "demo-server-${slug(name)}.log")
                    val extra = when (transport) {
                        "nio" -> emptyList()
                        "ktor" -> listOf("--transport", "ktor")
                        else -> listOf("--tls-cert", certificate!!.first.path, "--tls-key", certificate.second.path) + if (options.tlsOnly) listOf("--tls-only") else emptyList()
                    }
                    ServerProcesses.startDemo(jar, options.serverJvm, log, serverCpu, extra).use { demo ->
                        say("$name: ${demo.command} (pid ${demo.process.pid()}, log $log)")
                        servers += measure(
                            name, demo.command, demo.address, ServerProbe(demo.process.pid()), jvm = true, broadcast = true,
                            // telnet-load speaks no TLS
                            crossCheckTool = telnetLoad.takeIf { transport != "tls" }, config = configFor(transport),
                            tls = tlsClient.takeIf { transport == "tls" },
                        ).copy(transport = transport, jar = jar.path, jarLabel = label, round = round)
                    }
                }
            }
            if (limitBinary != null) {
                val name = "limit-server" + if (options.rounds > 1) " #$round" else ""
                ServerProcesses.startLimitServer(limitBinary, File(dir, "limit-server.log"), serverCpu).use { limit ->
                    say("$name: ${limit.command} (pid ${limit.process.pid()})")
                    servers += measure(name, limit.command, limit.address, ServerProbe(limit.process.pid()), jvm = false, broadcast = false, crossCheckTool = telnetLoad, config = configFor("nio"))
                        .copy(round = round, reference = true)
                }
            }
        }
        report(servers)
        return 0
    }

    /** The column of a demo: its transport, after its jar's label, with the round when there are several. */
    private fun columnName(label: String?, transport: String, round: Int): String {
        val name = TRANSPORT_NAMES.getValue(transport)
        val labelled = if (label != null) "$label $name" else if (options.demos.size > 1) "${options.demos.indexOfFirst { it.first == label } + 1} $name" else name
        return labelled + if (options.rounds > 1) " #$round" else ""
    }

    private fun slug(name: String): String = name.lowercase().replace(Regex("[^a-z0-9]+"), "-").trim('-')

    /** The suite for [transport]: the reduced hold steps for the transports other than NIO, if given. */
    private fun configFor(transport: String): SuiteConfig {
        var c = config
        options.holdSteps?.let { c = c.copy(holdSteps = it) }
        if (transport != "nio") options.reducedHoldSteps?.let { c = c.copy(holdSteps = it) }
        options.echoSessions?.let { c = c.copy(echoConcurrency = it) }
        options.echoSeconds?.let { c = c.copy(echoSeconds = it) }
        options.echoWarmup?.let { c = c.copy(echoWarmupSeconds = it) }
        return c
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
        config: SuiteConfig,
        tls: TlsClientContext? = null,
    ): ServerFigures {
        say("== $name at ${address.hostString}:${address.port}" + if (tls != null) " (TLS)" else "")
        val progress = { line: String -> say("  $line") }
        LoadDriver(address, options.prompt).use { driver ->
            driver.tls = tls
            val scenarios = Scenarios(driver, config, probe, jvm, progress)
            val wanted = options.scenarios
            val noise = LinkedHashMap<String, NoiseFigures>()
            // Each scenario's run is watched for other work on the machine; with --max-noise, setup
            // and echo runs that other work disturbed are run again (after a quiet moment), at most
            // --noise-retries times, and the thrown-away runs are listed.
            fun <T> watched(scenario: String, retry: Boolean, run: () -> T): T {
                val discarded = ArrayList<Double>()
                val max = options.maxNoise
                while (true) {
                    if (max != null) {
                        val (level, quiet) = MachineNoise.waitQuiet(probe?.pid, max, QUIET_WAIT_SECONDS)
                        if (!quiet) progress("  (the machine stayed busy: other processes ${"%.2f".format(level)} cores after $QUIET_WAIT_SECONDS s; running anyway)")
                    }
                    val meter = MachineNoise(probe?.pid).start()
                    val result = run()
                    val n = meter.stop()
                    progress("  (machine during $scenario: load average ${n.loadAverageAtStart ?: "-"} at start, other processes " +
                        "${n.otherCores?.let { "%.2f".format(it) } ?: "-"} cores, steal ${n.stealCores?.let { "%.2f".format(it) } ?: "-"} cores)")
                    val disturbed = max != null && retry && n.otherCores != null && n.otherCores > max
                    if (disturbed && discarded.size < options.noiseRetries) {
                        discarded += n.otherCores!!
                        progress("  ($scenario disturbed: other processes above ${options.maxNoise} cores; this run is thrown away and run again)")
                        continue
                    }
                    noise[scenario] = n.copy(discardedRuns = discarded)
                    return result
                }
            }
            val hold = if ("hold" in wanted) watched("hold", retry = false) { scenarios.hold() } else null
            val setup = if ("setup" in wanted) watched("setup", retry = true) { scenarios.setup() } else null
            val echo = if ("echo" in wanted) config.echoConcurrency.map { n -> watched("echo $n", retry = true) { scenarios.echo(n) } } else emptyList()
            val fanOut = if (broadcast && "broadcast" in wanted) watched("broadcast", retry = false) { scenarios.broadcast() } else null
            val conns = 50
            val cross = crossCheckTool?.takeIf { "cross-check" in wanted }?.let {
                watched("cross-check", retry = true) {
                    TelnetLoadCrossCheck.echo(it, address.port, conns, config.echoSeconds, config.echoWarmupSeconds, probe?.pid, DRIVER_CPU.takeIf { options.pin })
                }.also { r -> progress("telnet-load echo $conns: ${r?.rps ?: "no result"} req/s, p50 ${r?.p50Micros ?: "-"} us") }
            }
            driver.tlsFacts?.let { progress("TLS: ${it.protocol}, ${it.cipherSuite}") }
            for ((kind, count) in driver.failureKinds) progress("failures: $count x $kind")
            return ServerFigures(name, command, hold, setup, echo, fanOut, cross, conns, tls = driver.tlsFacts, noise = noise)
        }
    }

    private fun report(servers: List<ServerFigures>) {
        val reference = servers.filter { it.reference }
        val subjects = servers - reference.toSet()
        // Ratios to limit-server only when there is one limit-server column.
        val ratioTo = reference.singleOrNull()
        val rows = ResultsTable.rows(subjects + reference, ratioTo?.let { r -> subjects.map { it to r } } ?: emptyList())
        say("")
        if (subjects.any { it.command != null }) say("TelnetKit demo JVM options: ${options.serverJvm}")
        say(ResultsTable.format(rows, (subjects + reference).map { it.name }, ratioTo?.let { r -> subjects.map { "${it.name}/${r.name}" } } ?: emptyList()))
        if (ratioTo != null) say("ratios: a column divided by ${ratioTo.name}; latencies in microseconds unless the row says ms")
        servers.filter { it.tls != null }.forEach { say("${it.name}: ${it.tls!!.protocol}, ${it.tls.cipherSuite} (driver's full handshakes, no resumption)") }
        val settings = mapOf(
            "quick" to options.quick, "source" to revision, "pinned" to options.pin, "prompt" to options.prompt, "server_jvm" to options.serverJvm,
            "processors" to Runtime.getRuntime().availableProcessors(), "time" to LocalDateTime.now().withNano(0).toString(),
            "hold_steps" to configFor("nio").holdSteps, "hold_steps_other_transports" to configFor("ktor").holdSteps,
            "setup_sessions" to config.setupSessions, "setup_inflight" to config.setupInflight,
            "echo_sessions" to configFor("nio").echoConcurrency, "echo_warmup_s" to configFor("nio").echoWarmupSeconds, "echo_s" to configFor("nio").echoSeconds,
            "broadcast_receivers" to config.broadcastReceivers, "broadcast_rounds" to config.broadcastRounds,
            "rounds" to options.rounds, "tls_only" to options.tlsOnly,
        )
        options.results.absoluteFile.parentFile?.mkdirs()
        options.results.writeText(ResultsJson.render(settings, servers))
        val series = servers.withIndex().flatMap { (i, f) ->
            val color = PALETTE[i % PALETTE.size]
            MemoryChart.series(f, color, color.darker())
        }
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
        const val QUIET_WAIT_SECONDS = 900L
        val TRANSPORT_NAMES = mapOf("nio" to "nio", "ktor" to "ktor-network", "tls" to "tls")
        val PALETTE = listOf(Color(0x1F77B4), Color(0xFF7F0E), Color(0x9467BD), Color(0x2CA02C), Color(0xD62728), Color(0x8C564B), Color(0xE377C2), Color(0x7F7F7F))
    }
}
