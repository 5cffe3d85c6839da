package dev.telnetkit.bench

import java.io.File
import java.net.InetSocketAddress
import java.time.LocalDateTime

/** Usage of `telnet-bench ssh`. */
const val SSH_USAGE: String = """Usage: java -jar telnet-bench.jar ssh [options]

SSH beside Telnet: starts the bench server (SshBenchServerKt: the demo's prompt and echo, Telnet
on NIO and SSH in one process) once per column, fresh each time, and runs against it: setup
(cold: the first batch on a server just started, then warm rounds), hold (sessions at their
prompt, live heap after a full GC and RSS per session) and echo. Then limit-server (Telnet) for
setup and hold. SSH sessions come from one MINA SshClient in this process: a ClientSession and a
ChannelShell with a PTY each.

  --columns LIST       some of telnet,ssh,limit (default all, in that order)
  --auth password|none SSH login (default password; none: username only)
  --hold-steps LIST    sessions held (default 0,2000,5000)
  --setup-sessions N   sessions per setup round (default 2000)
  --inflight N         sessions between connect and prompt at once (default 100)
  --warm-rounds N      setup rounds after the cold one (default 3)
  --kex LIST           key exchanges the SSH client offers (default: MINA's, sntrup761x25519-sha512
                       first), e.g. curve25519-sha256
  --read-buffer BYTES  the server's MINA read buffer per connection (default telnet-ssh's, 4 KiB)
  --echo-sessions LIST echo concurrencies (default 1,50; empty: none)
  --echo-seconds S     recorded seconds (default 10), after 2 s warm-up
  --server-jvm OPTS    bench server JVM options (default "-Xmx4g -XX:+UseG1GC")
  --tools DIR          limit-server's folder's parent (default ../shared/tools)
  --out DIR            server logs and host key (default telnet-bench/target/ssh)"""

/** `telnet-bench ssh`: SSH and Telnet setup, hold and echo against the bench server, limit-server beside. */
class SshBench(args: List<String>) {
    private var columns = listOf("telnet", "ssh", "limit")
    private var auth = "password"
    private var kex: List<String>? = null
    private var readBuffer: Int? = null
    private var holdSteps = listOf(0, 2000, 5000)
    private var setupSessions = 2000
    private var inflight = 100
    private var warmRounds = 3
    private var echoSessions = listOf(1, 50)
    private var echoSeconds = 10.0
    private var serverJvm = ServerProcesses.DEFAULT_DEMO_JVM_OPTIONS
    private var tools = File("../shared/tools")
    private var out = File("telnet-bench/target/ssh")
    val help: Boolean

    init {
        var i = 0
        var h = false
        fun value(): String = args.getOrNull(++i) ?: throw IllegalArgumentException("${args[i - 1]} needs a value")
        fun ints(text: String) = text.split(',').filter { it.isNotBlank() }.map { it.trim().replace("_", "").toInt() }
        while (i < args.size) {
            when (args[i]) {
                "--help", "-h" -> h = true
                "--columns" -> columns = value().split(',').map { it.trim() }
                "--auth" -> auth = value().also { require(it == "password" || it == "none") { "--auth takes password or none" } }
                "--hold-steps" -> holdSteps = ints(value())
                "--read-buffer" -> readBuffer = value().toInt()
                "--kex" -> kex = value().split(',').map { it.trim() }
                "--setup-sessions" -> setupSessions = value().toInt()
                "--inflight" -> inflight = value().toInt()
                "--warm-rounds" -> warmRounds = value().toInt()
                "--echo-sessions" -> echoSessions = ints(value())
                "--echo-seconds" -> echoSeconds = value().toDouble()
                "--server-jvm" -> serverJvm = value()
                "--tools" -> tools = File(value())
                "--out" -> out = File(value())
                else -> throw IllegalArgumentException("unknown option '${args[i]}'")
            }
            i++
        }
        help = h
    }

    private fun say(text: String) = println(text)

    private fun noise(what: String, pid: Long?, run: () -> Unit) {
        val meter = MachineNoise(pid).start()
        run()
        val n = meter.stop()
        say("    (machine during $what: load average ${n.loadAverageAtStart ?: "-"} at start, other processes " +
            "${n.otherCores?.let { "%.2f".format(it) } ?: "-"} cores, steal ${n.stealCores?.let { "%.2f".format(it) } ?: "-"} cores)")
    }

    private fun rate(r: OpenResult, serverCpu: Double?, driverCpu: Double?) =
        "${r.reached}/${r.wanted} at ${"%.0f".format(r.rate)}/s, first prompt p50 ${r.ttfpP50Micros} us p99 ${r.ttfpP99Micros} us max ${r.ttfpMaxMicros} us, " +
            "failed ${r.failures.total}, CPU per session: server ${serverCpu?.let { "%.0f".format(it) } ?: "-"} us, driver ${driverCpu?.let { "%.0f".format(it) } ?: "-"} us"

    private fun startServer(name: String): StartedServer {
        out.mkdirs()
        val jar = File(SshBench::class.java.protectionDomain.codeSource.location.toURI()).absolutePath
        val javaBin = File(System.getProperty("java.home"), "bin/java").path
        val port = ServerProcesses.freePort()
        val sshPort = ServerProcesses.freePort()
        val key = File(out, "host.key").absolutePath
        val command = "$javaBin $serverJvm -cp $jar dev.telnetkit.bench.SshBenchServerKt --port $port --ssh-port $sshPort --host-key $key --auth $auth" + (readBuffer?.let { " --read-buffer $it" } ?: "")
        val server = ServerProcesses.startCommand("bench server", command, port, File(out, "server-$name.log"), 60)
        // The SSH port is bound right after the Telnet one.
        val ssh = InetSocketAddress("127.0.0.1", sshPort)
        val deadline = System.nanoTime() + 30_000_000_000L
        while (System.nanoTime() < deadline && runCatching { java.net.Socket().use { it.connect(ssh, 500) } }.isFailure) Thread.sleep(100)
        say("$name: $command (pid ${server.process.pid()})")
        return server
    }

    fun run(): Int {
        val revision = runProcess(listOf("git", "describe", "--always", "--dirty"), 10)?.text?.trim()
        say("telnet-bench ssh, ${LocalDateTime.now().withNano(0)}, source ${revision ?: "unknown"}, ${Runtime.getRuntime().availableProcessors()} processors, " +
            "auth $auth, kex ${kex ?: "MINA's default"}, server read buffer ${readBuffer ?: "telnet-ssh's default (4 KiB)"}, setup $setupSessions sessions at in-flight $inflight (1 cold + $warmRounds warm rounds), hold steps $holdSteps, echo $echoSessions")
        say("uptime: ${runProcess(listOf("uptime"), 5)?.text?.trim()}")
        for (column in columns) {
            when (column) {
                "telnet" -> startServer("telnet").use { telnet(it.address, ServerProbe(it.process.pid()), jvm = true, echo = true) }
                "ssh" -> startServer("ssh").use { ssh(InetSocketAddress("127.0.0.1", sshPortOf(it)), ServerProbe(it.process.pid())) }
                "limit" -> {
                    val binary = ServerProcesses.buildTool(File(tools, "limit-server"), "limit-server")
                    ServerProcesses.startLimitServer(binary, File(out, "limit-server.log"), null).use {
                        say("limit-server: ${it.command} (pid ${it.process.pid()})")
                        telnet(it.address, ServerProbe(it.process.pid()), jvm = false, echo = false)
                    }
                }
                else -> throw IllegalArgumentException("--columns takes some of telnet,ssh,limit")
            }
        }
        return 0
    }

    private fun sshPortOf(server: StartedServer): Int =
        Regex("--ssh-port (\\d+)").find(server.command)!!.groupValues[1].toInt()

    /** Telnet (the existing driver) against [address]: setup rounds, hold, echo. */
    private fun telnet(address: InetSocketAddress, probe: ServerProbe, jvm: Boolean, echo: Boolean) {
        say("== telnet at ${address.hostString}:${address.port}")
        val config = SuiteConfig.FULL.copy(holdSteps = holdSteps, setupSessions = setupSessions, setupInflight = listOf(inflight), echoConcurrency = echoSessions, echoSeconds = echoSeconds)
        LoadDriver(address, BENCH_PROMPT).use { driver ->
            val scenarios = Scenarios(driver, config, probe, jvm) { say("  $it") }
            for (round in 0..warmRounds) {
                say("  setup round ${round + 1} (${if (round == 0) "cold" else "warm"}):")
                noise("setup", probe.pid) { scenarios.setup() }
            }
            noise("hold", probe.pid) { scenarios.hold() }
            if (echo) for (n in echoSessions) noise("echo $n", probe.pid) { scenarios.echo(n) }
            for ((kind, count) in driver.failureKinds) say("  failures: $count x $kind")
        }
    }

    /** SSH (MINA's client) against [address]: setup rounds, hold, echo. */
    private fun ssh(address: InetSocketAddress, probe: ServerProbe) {
        say("== ssh at ${address.hostString}:${address.port}")
        val self = ServerProbe(ProcessHandle.current().pid())
        SshLoad(address, BENCH_PROMPT, password = if (auth == "password") "bench" else null, kex = kex).use { load ->
            for (round in 0..warmRounds) {
                say("  setup round ${round + 1} (${if (round == 0) "cold" else "warm"}):")
                noise("setup", probe.pid) {
                    settle(probe)
                    val c0 = probe.cpuTicks()
                    val s0 = self.cpuTicks()
                    val r = load.openShells(setupSessions, inflight, 120)
                    val c1 = probe.cpuTicks()
                    val s1 = self.cpuTicks()
                    say("  setup: " + rate(r, perSession(c1 - c0, r.reached), perSession(s1 - s0, r.reached)))
                    load.closeAll()
                }
            }
            say("  negotiated (kex, host key, cipher, mac): ${load.negotiated}")
            noise("hold", probe.pid) {
                settle(probe)
                var baseHeap: Long? = null
                var baseRss: Long? = null
                for (step in holdSteps.sorted()) {
                    val have = load.open.size
                    val opened = if (step > have) load.openShells(step - have, inflight, 300) else null
                    Thread.sleep(1000)
                    val heap = probe.liveHeapBytes()
                    val rss = probe.rssBytes()
                    // The class histogram at each step, for what a session is made of (after the GC the heap figure made).
                    val jcmd = File(System.getProperty("java.home"), "bin/jcmd").path
                    runProcess(listOf(jcmd, probe.pid.toString(), "GC.class_histogram"), 180)?.text
                        ?.let { File(out, "ssh-histogram-$step.txt").writeText(it) }
                    val held = load.open.count { it.session?.isOpen == true }
                    if (held == 0) { baseHeap = heap; baseRss = rss }
                    val per = if (held > 0 && baseHeap != null && heap != null) " (${(heap - baseHeap!!) / held} B heap, ${(rss - baseRss!!) / held} B RSS per session)" else ""
                    say("  hold: $held/$step sessions, live heap ${heap?.let(::mib) ?: "-"}, RSS ${mib(rss)}, server threads ${threads(probe.pid)}, server files ${probe.openFiles()}$per" +
                        (opened?.let { ", opened at ${"%.0f".format(it.rate)}/s, failed ${it.failures.total}" } ?: ""))
                }
                load.closeAll()
                settle(probe)
                Thread.sleep(1000)
                // A leak would show here: the heap after every session closed, against the 0 step.
                runProcess(listOf(File(System.getProperty("java.home"), "bin/jcmd").path, probe.pid.toString(), "GC.class_histogram"), 180)?.text
                    ?.let { File(out, "ssh-histogram-after-closing.txt").writeText(it) }
                say("  after closing: live heap ${probe.liveHeapBytes()?.let(::mib) ?: "-"}, RSS ${mib(probe.rssBytes())}, server threads ${threads(probe.pid)}, server files ${probe.openFiles()}")
            }
            for (n in echoSessions) {
                settle(probe)
                val r = load.openShells(n, minOf(n, inflight), 120)
                noise("echo $n", probe.pid) {
                    val e = load.echo(n, 2.0, echoSeconds, probe)
                    say("  echo $n: ${"%.0f".format(e.rps)} req/s, p50 ${e.p50Micros} us, p99 ${e.p99Micros} us, p99.9 ${e.p999Micros} us, " +
                        "server CPU per request ${e.serverCpuMicrosPerRequest?.let { "%.1f".format(it) } ?: "-"} us, driver CPU ${e.driverCpuPercent?.let { "%.0f%%".format(it) } ?: "-"}, " +
                        "bad replies ${e.badReplies}, sessions ${e.sessions} (opened ${r.reached}/${r.wanted})")
                }
                load.closeAll()
            }
            for ((kind, count) in load.failureKinds) say("  failures: $count x $kind")
        }
    }

    private fun perSession(ticks: Long, n: Int): Double? = if (ticks >= 0 && n > 0) ticks * 1e6 / ServerProbe.CLOCK_TICKS / n else null

    private fun threads(pid: Long): Int = File("/proc/$pid/task").list()?.size ?: -1

    /** Waits until the server's open files stop changing (closes processed), at most 20 s. */
    private fun settle(probe: ServerProbe) {
        val deadline = System.nanoTime() + 20_000_000_000L
        var last = probe.openFiles()
        while (System.nanoTime() < deadline) {
            Thread.sleep(500)
            val now = probe.openFiles()
            if (now < 0 || now == last) break
            last = now
        }
    }
}
