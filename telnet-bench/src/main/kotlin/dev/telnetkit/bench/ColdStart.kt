package dev.telnetkit.bench

import java.io.File
import java.io.InputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.time.LocalDateTime

/** Usage of `telnet-bench cold`. */
const val COLD_USAGE: String = """usage: java -jar telnet-bench.jar cold [options]

A server just started, as after a restart or a deploy: for each launch of the demo (and for
limit-server, the floor), a fresh server process is started, left alone for --delay seconds once it listens, asked
one command by one client (the first command's latency), then sent --rounds reconnect storms of
--sessions negotiating sessions each with telnet-load (hold mode, 256 connecting at once, an 80x24
xterm that accepts ECHO, SGA, NAWS and TTYPE). Per round: sessions set up per second, time to
prompt p50/p99/max, and the server's CPU for the round. Pinned: the server on CPU 0, telnet-load
on CPU 1; unpinned: both free.

  --jar FILE           the samples jar (default samples/target/telnetkit-samples.jar)
  --launch FILE        the start-up training's launch file (default: the jar's folder,
                       telnetkit-samples.launch): the java and option of the "archive" launch
  --launches LIST      some of plain,archive (default both; archive only if trained)
  --pin LIST           some of pinned,unpinned (default both)
  --sessions N         sessions per round (default 10000)
  --rounds N           storms per server (default 3)
  --delay S            seconds between the start and the first client (default 3)
  --server-jvm OPTS    JVM options of the demo (default "-Xmx4g -XX:+UseG1GC")
  --tools DIR          telnet-load and limit-server sources (default ../shared/tools)
  --no-limit-server    leave the limit-server rows out
  --help               this text"""

/** One storm of a cold run: what telnet-load reported. */
data class ColdRound(val round: Int, val rate: Double?, val ttpP50Micros: Long?, val ttpP99Micros: Long?, val ttpMaxMicros: Long?, val cpuSeconds: Double?, val failed: Int?)

/** One server launch of a cold run. */
data class ColdSeries(val launch: String, val pinned: Boolean, val command: String, val firstCommandMicros: Long?, val firstPromptMicros: Long?, val rounds: List<ColdRound>)

/** `telnet-bench cold`: reconnect storms against servers just started. */
class ColdStart(args: List<String>) {
    /** True when --help was asked. */
    var help: Boolean = false
        private set
    private var jar = File("samples/target/telnetkit-samples.jar")
    private var launchFile: File? = null
    private var launches = listOf("plain", "archive")
    private var pins = listOf(true, false)
    private var sessions = 10_000
    private var rounds = 3
    private var delaySeconds = 3.0
    private var serverJvm = ServerProcesses.DEFAULT_DEMO_JVM_OPTIONS
    private var tools = File("../shared/tools")
    private var limitServer = true

    init {
        var i = 0
        fun value(): String = args.getOrNull(++i) ?: throw IllegalArgumentException("${args[i - 1]} needs a value")
        while (i < args.size) {
            when (val a = args[i]) {
                "--help", "-h" -> help = true
                "--jar" -> jar = File(value())
                "--launch" -> launchFile = File(value())
                "--launches" -> launches = value().split(',').map { it.trim() }.also { l ->
                    require(l.isNotEmpty() && l.all { it in setOf("plain", "archive") }) { "--launches takes some of plain,archive" }
                }
                "--pin" -> pins = value().split(',').map { it.trim() }.map {
                    when (it) { "pinned" -> true; "unpinned" -> false; else -> throw IllegalArgumentException("--pin takes some of pinned,unpinned") }
                }
                "--sessions" -> sessions = value().toIntOrNull()?.takeIf { it in 1..19_000 } ?: throw IllegalArgumentException("--sessions takes 1..19000")
                "--rounds" -> rounds = value().toIntOrNull()?.takeIf { it in 1..20 } ?: throw IllegalArgumentException("--rounds takes 1..20")
                "--delay" -> delaySeconds = value().toDoubleOrNull()?.takeIf { it >= 0 } ?: throw IllegalArgumentException("--delay takes seconds")
                "--server-jvm" -> serverJvm = value()
                "--tools" -> tools = File(value())
                "--no-limit-server" -> limitServer = false
                else -> throw IllegalArgumentException("unknown option $a")
            }
            i++
        }
    }

    private fun say(text: String) = println(text)

    /** Runs the storms; the process exit status. */
    fun run(): Int {
        require(jar.isFile) { "no samples jar at $jar (build it with: mvn -B -q -DskipTests package)" }
        val telnetLoad = ServerProcesses.buildTool(File(tools, "telnet-load"), "telnet-load")
        val limit = if (limitServer) ServerProcesses.buildTool(File(tools, "limit-server"), "limit-server") else null
        val archive = archiveLaunch()
        say("telnet-bench cold, ${LocalDateTime.now().withNano(0)}, ${Runtime.getRuntime().availableProcessors()} processors, $sessions sessions a round, $rounds rounds, first client ${delaySeconds}s after the start")
        if ("archive" in launches && archive == null) say("archive launch: no start-up training for this java (${launchFile()} missing, older than the jar, or made by another java); left out")
        val series = ArrayList<ColdSeries>()
        for (pinned in pins) {
            for (launch in launches) {
                val option = when (launch) {
                    "plain" -> ""
                    else -> archive ?: continue
                }
                val java = File(System.getProperty("java.home"), "bin/java").path
                series += storm(launch, pinned, "$java $option $serverJvm -jar ${jar.absolutePath} --idle-timeout 0 --log-level warn --max-sessions 20000 --max-sessions-per-address 20000", telnetLoad)
            }
            if (limit != null) series += storm("limit-server", pinned, limit.absolutePath, telnetLoad, jvm = false)
        }
        say("")
        say(table(series))
        return 0
    }

    private fun launchFile(): File = launchFile ?: File(jar.absoluteFile.parentFile, "telnetkit-samples.launch")

    /** The JVM option of the trained archive, when it was made by this java for this jar. */
    private fun archiveLaunch(): String? {
        val file = launchFile()
        if (!file.isFile || file.lastModified() < jar.lastModified()) return null
        val lines = file.readLines()
        if (lines.size < 3) return null
        val java = File(System.getProperty("java.home"), "bin/java").canonicalPath
        if (File(lines[0]).canonicalPath != java) return null
        val archive = File(file.parentFile, lines[2])
        return if (archive.isFile) lines[1] + archive.absolutePath else null
    }

    private fun storm(launch: String, pinned: Boolean, command: String, telnetLoad: File, jvm: Boolean = true): ColdSeries {
        val port = ServerProcesses.freePort()
        val full = (if (pinned) "taskset -c 0 " else "") + command + (if (jvm) " --port $port" else " $port")
        val log = File.createTempFile("telnet-bench-cold-", ".log")
        // Started without the runner's readiness probe: a connection made to see it listen would be
        // its first client. Its port is polled with connects only after the delay.
        val process = ProcessBuilder("sh", "-c", "ulimit -n \"\$(ulimit -Hn)\"; exec $full").redirectErrorStream(true).redirectOutput(log).start()
        try {
            awaitListening(port, process)
            Thread.sleep((delaySeconds * 1000).toLong())
            val (firstPrompt, firstCommand) = firstCommand(port)
            say("${label(launch, pinned)}: first prompt ${firstPrompt?.let { "${it / 1000.0} ms" } ?: "-"} after connecting, first command answered ${firstCommand?.let { "${it / 1000.0} ms" } ?: "-"} after its prompt")
            val results = (1..rounds).map { round ->
                val args = mutableListOf(
                    telnetLoad.path, "--port", port.toString(), "--mode", "hold", "--conns", sessions.toString(), "--seconds", "0.5",
                    "--accept-echo", "--naws", "80x24", "--ttype", "xterm", "--pid", process.pid().toString(),
                )
                if (pinned) args += listOf("--cpu", "1")
                val values = runProcess(args, 600)?.text?.lineSequence()?.lastOrNull { it.startsWith("RESULT ") }
                    ?.removePrefix("RESULT ")?.trim()?.split(Regex("\\s+"))
                    ?.mapNotNull { kv -> kv.split('=', limit = 2).takeIf { it.size == 2 }?.let { it[0] to it[1] } }?.toMap() ?: emptyMap()
                ColdRound(
                    round, values["setup_rate"]?.toDoubleOrNull(), values["ttp_p50_us"]?.toLongOrNull(), values["ttp_p99_us"]?.toLongOrNull(),
                    values["ttp_max_us"]?.toLongOrNull(), values["server_cpu_setup_s"]?.toDoubleOrNull()?.takeIf { it >= 0 }, values["failed"]?.toIntOrNull(),
                ).also { r ->
                    say("  round $round: ${r.rate?.let { "%,.0f".format(it) } ?: "-"} sessions/s, time to prompt p50 ${ms(r.ttpP50Micros)} p99 ${ms(r.ttpP99Micros)} max ${ms(r.ttpMaxMicros)}, server CPU ${r.cpuSeconds ?: "-"} s, failed ${r.failed ?: "-"}")
                    Thread.sleep(1000) // the closed sessions' ends are not part of the next round
                }
            }
            return ColdSeries(launch, pinned, full, firstCommand, firstPrompt, results)
        } finally {
            process.destroy()
            if (!process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly()
            log.delete()
        }
    }

    /**
     * One client on the server just started: microseconds from connecting to the first prompt, and
     * from sending `echo first` at it to the answer and the next prompt. The client answers
     * negotiation as telnet-load does.
     */
    private fun firstCommand(port: Int): Pair<Long?, Long?> = runCatching {
        Socket().use { socket ->
            val begin = System.nanoTime()
            socket.connect(InetSocketAddress("127.0.0.1", port), 10_000)
            socket.tcpNoDelay = true
            socket.soTimeout = 10_000
            val reader = NegotiatingReader(socket.getInputStream(), socket.getOutputStream())
            reader.readUntil(PROMPT)
            val prompt = (System.nanoTime() - begin) / 1000
            val sent = System.nanoTime()
            socket.getOutputStream().write("echo first\r\n".toByteArray())
            reader.readUntil("first\r\n")
            reader.readUntil(PROMPT)
            prompt to (System.nanoTime() - sent) / 1000
        }
    }.getOrElse { null to null }

    /** Waits until [port] is listening, read from /proc/net/tcp and tcp6: a connect to see it would be the server's first client. */
    private fun awaitListening(port: Int, process: Process) {
        val hex = ":%04X ".format(port)
        val deadline = System.nanoTime() + 120_000_000_000L
        while (System.nanoTime() < deadline) {
            check(process.isAlive) { "the server exited at start" }
            // A JVM's 127.0.0.1 socket is often an IPv6 one (::ffff:127.0.0.1): tcp6 as well as tcp.
            val listening = listOf("/proc/net/tcp", "/proc/net/tcp6").flatMap { runCatching { File(it).readLines() }.getOrDefault(emptyList()) }
                .any { line -> line.trim().split(Regex("\\s+")).let { f -> f.size > 3 && f[1].endsWith(hex.trim()) && f[3] == "0A" } }
            if (listening) return
            Thread.sleep(20)
        }
        error("the server did not listen on port $port within 120 s")
    }

    private fun label(launch: String, pinned: Boolean) = "$launch, ${if (pinned) "pinned" else "unpinned"}"

    private fun ms(micros: Long?) = micros?.let { "%.1f ms".format(it / 1000.0) } ?: "-"

    private fun table(series: List<ColdSeries>): String {
        val out = StringBuilder()
        out.append("| server | round | sessions/s | time to prompt p50 / p99 / max | server CPU | failed |\n|---|---:|---:|---|---:|---:|\n")
        for (s in series) {
            val first = "first command ${ms(s.firstCommandMicros)} after its prompt (prompt ${ms(s.firstPromptMicros)})"
            for (r in s.rounds) {
                out.append("| ${label(s.launch, s.pinned)}${if (r.round == 1) " ($first)" else ""} | ${r.round} | ${r.rate?.let { "%,.0f".format(it) } ?: "-"} | " +
                    "${ms(r.ttpP50Micros)} / ${ms(r.ttpP99Micros)} / ${ms(r.ttpMaxMicros)} | ${r.cpuSeconds?.let { "%.2f s".format(it) } ?: "-"} | ${r.failed ?: "-"} |\n")
            }
        }
        return out.toString()
    }

    private companion object {
        const val PROMPT = "Telnet Server> "
    }
}

/** Reads a Telnet stream as an 80x24 xterm that accepts ECHO, SGA, NAWS and TTYPE, until given text. */
private class NegotiatingReader(private val input: InputStream, private val output: java.io.OutputStream) {
    private val text = StringBuilder()

    fun readUntil(marker: String) {
        while (true) {
            val at = text.indexOf(marker)
            if (at >= 0) {
                text.delete(0, at + marker.length)
                return
            }
            val b = input.read()
            if (b < 0) error("closed before '$marker'")
            if (b == 255) negotiate() else text.append(b.toChar())
        }
    }

    private fun negotiate() {
        val verb = input.read()
        when (verb) {
            250 -> { // SB
                val option = input.read()
                while (true) {
                    val b = input.read()
                    if (b < 0) return
                    if (b == 255 && input.read() == 240) break
                }
                if (option == 24) send(255, 250, 24, 0, *"XTERM".map { it.code }.toIntArray(), 255, 240)
            }
            251, 252, 253, 254 -> {
                val option = input.read()
                when {
                    verb == 253 && option == 24 -> send(255, 251, 24)
                    verb == 253 && option == 31 -> send(255, 251, 31, 255, 250, 31, 0, 80, 0, 24, 255, 240)
                    verb == 251 && (option == 1 || option == 3) -> send(255, 253, option)
                    verb == 253 && option == 3 -> send(255, 251, 3)
                    verb == 253 -> send(255, 252, option)
                    verb == 251 -> send(255, 254, option)
                }
            }
        }
    }

    private fun send(vararg bytes: Int) = output.write(ByteArray(bytes.size) { bytes[it].toByte() })
}
