package dev.telnetkit.bench

import java.io.File

/** Usage of `telnet-bench run`. */
const val RUN_USAGE: String = """Usage: java -jar telnet-bench.jar run [options]

Without --target: starts the TelnetKit demo (a separate JVM) once per transport and then the C
limit-server, runs every scenario against each and prints one table with a column per server.

  --target HOST:PORT   measure this server instead (no comparison)
  --pid PID            the --target server's process, for memory and CPU figures
  --quick              small sizes and short runs (a smoke run)
  --prompt TEXT        the prompt to wait for (default "Telnet Server> ")
  --transports LIST    demo transports, some of nio,ktor,tls (default: nio and ktor, and tls when
                       the demo jar knows --tls-cert); tls is the NIO loop with a self-signed test
                       certificate made by openssl in the results' folder (tls/cert.pem, key.pem)
  --tls-only           start the tls demo with --tls-only (default: TLS and plain Telnet on one
                       port, told apart by the first byte)
  --server-jar [LABEL=]FILE
                       a demo jar to measure; repeat it to compare builds (e.g. old=...jar
                       new=...jar); each jar runs on every transport of --transports
                       (default samples/target/telnetkit-samples.jar; --samples-jar is the same)
  --rounds N           run the whole list of servers N times in turn (A B A B ...; default 1)
  --hold-steps LIST    sessions held at each step of the hold scenario (default 0,1000,5000,10000,19000)
  --reduced-hold-steps LIST
                       hold steps for the transports other than nio (default: --hold-steps)
  --echo-sessions LIST concurrencies of the echo scenario (default 1,50,500)
  --echo-seconds S     recorded seconds of each echo run (default 10; --quick 3)
  --echo-warmup S      unrecorded seconds before them (default 2; --quick 1)
  --server-jvm OPTS    JVM options of the demo (default "-Xmx4g -XX:+UseG1GC")
  --tools DIR          the measurement tools (default ../shared/tools)
  --scenarios LIST     some of hold,setup,echo,broadcast,cross-check (default: all)
  --samples-jar FILE   the same as --server-jar FILE
  --max-noise CORES    wait until other processes use at most CORES before each scenario, and run
                       setup, echo and cross-check again when they used more during it (the
                       thrown-away runs are reported); default: measure whatever else runs
  --noise-retries N    at most N runs thrown away per scenario (default 3)
  --pin                servers on CPU 0, the driver and telnet-load on CPU 1 (default: not pinned)
  --no-limit-server    skip the limit-server comparison
  --no-cross-check     skip the telnet-load cross-check
  --results FILE       raw figures as JSON (default telnet-bench/target/bench-results.json)
  --chart FILE         memory chart (default telnet-bench/target/memory-vs-sessions.png)
  --help               this text"""

/** Options of `telnet-bench run`. */
data class RunOptions(
    val target: Pair<String, Int>? = null,
    val pid: Long? = null,
    val quick: Boolean = false,
    val prompt: String = "Telnet Server> ",
    /** Demo jars to measure, each with an optional label; empty means the default jar. */
    val serverJars: List<Pair<String?, File>> = emptyList(),
    /** Demo transports, null for the default (what the jars support of nio, ktor, tls). */
    val transports: List<String>? = null,
    val tlsOnly: Boolean = false,
    val rounds: Int = 1,
    val holdSteps: List<Int>? = null,
    val reducedHoldSteps: List<Int>? = null,
    val echoSessions: List<Int>? = null,
    val echoSeconds: Double? = null,
    val maxNoise: Double? = null,
    val noiseRetries: Int = 3,
    val echoWarmup: Double? = null,
    val serverJvm: String = ServerProcesses.DEFAULT_DEMO_JVM_OPTIONS,
    val tools: File = File("../shared/tools"),
    val limitServer: Boolean = true,
    val pin: Boolean = false,
    val scenarios: Set<String> = ALL_SCENARIOS,
    val crossCheck: Boolean = true,
    val results: File = File("telnet-bench/target/bench-results.json"),
    val chart: File = File("telnet-bench/target/memory-vs-sessions.png"),
) {
    /** The demo jars to measure. */
    val demos: List<Pair<String?, File>> get() = serverJars.ifEmpty { listOf(null to DEFAULT_JAR) }

    companion object {
        /** The demo jar a reactor build makes. */
        val DEFAULT_JAR: File = File("samples/target/telnetkit-samples.jar")

        /** Every transport name of --transports. */
        val ALL_TRANSPORTS: List<String> = listOf("nio", "ktor", "tls")

        /** Every scenario name of --scenarios. */
        val ALL_SCENARIOS: Set<String> = linkedSetOf("hold", "setup", "echo", "broadcast", "cross-check")

        /** Parses [args]; null for --help; throws [IllegalArgumentException] for a mistake. */
        fun parse(args: List<String>): RunOptions? {
            var o = RunOptions()
            var i = 0
            fun value(name: String): String = args.getOrNull(++i) ?: throw IllegalArgumentException("$name needs a value")
            while (i < args.size) {
                when (val arg = args[i]) {
                    "--help", "-h" -> return null
                    "--target" -> {
                        val text = value(arg)
                        val host = text.substringBeforeLast(':', "")
                        val port = text.substringAfterLast(':').toIntOrNull()
                        require(host.isNotEmpty() && port != null && port in 1..65535) { "--target must be HOST:PORT, got '$text'" }
                        o = o.copy(target = host to port)
                    }
                    "--pid" -> o = o.copy(pid = value(arg).toLongOrNull() ?: throw IllegalArgumentException("--pid needs a number"))
                    "--quick" -> o = o.copy(quick = true)
                    "--prompt" -> o = o.copy(prompt = value(arg).also { require(it.isNotEmpty()) { "--prompt must not be empty" } })
                    "--samples-jar", "--server-jar" -> {
                        val text = value(arg)
                        val label = text.substringBefore('=', "").takeIf { it.isNotEmpty() && !it.contains('/') }
                        val file = File(if (label != null) text.substringAfter('=') else text)
                        o = o.copy(serverJars = o.serverJars + (label to file))
                    }
                    "--transports" -> {
                        val names = value(arg).split(',').map { it.trim().lowercase() }.filter { it.isNotEmpty() }.distinct()
                        require(names.isNotEmpty() && ALL_TRANSPORTS.containsAll(names)) { "--transports takes some of ${ALL_TRANSPORTS.joinToString(",")}" }
                        o = o.copy(transports = names)
                    }
                    "--tls-only" -> o = o.copy(tlsOnly = true)
                    "--rounds" -> o = o.copy(rounds = value(arg).toIntOrNull()?.takeIf { it in 1..100 } ?: throw IllegalArgumentException("--rounds takes a number from 1 to 100"))
                    "--hold-steps" -> o = o.copy(holdSteps = counts(arg, value(arg), allowZero = true))
                    "--reduced-hold-steps" -> o = o.copy(reducedHoldSteps = counts(arg, value(arg), allowZero = true))
                    "--echo-sessions" -> o = o.copy(echoSessions = counts(arg, value(arg), allowZero = false))
                    "--max-noise" -> o = o.copy(maxNoise = value(arg).toDoubleOrNull()?.takeIf { it in 0.0..64.0 } ?: throw IllegalArgumentException("--max-noise takes a number of cores"))
                    "--noise-retries" -> o = o.copy(noiseRetries = value(arg).toIntOrNull()?.takeIf { it in 0..20 } ?: throw IllegalArgumentException("--noise-retries takes a number from 0 to 20"))
                    "--echo-seconds" -> o = o.copy(echoSeconds = seconds(arg, value(arg), 0.1))
                    "--echo-warmup" -> o = o.copy(echoWarmup = seconds(arg, value(arg), 0.0))
                    "--server-jvm" -> o = o.copy(serverJvm = value(arg))
                    "--tools" -> o = o.copy(tools = File(value(arg)))
                    "--pin" -> o = o.copy(pin = true)
                    "--scenarios" -> {
                        val names = value(arg).split(',').map { it.trim().lowercase() }.filter { it.isNotEmpty() }.toSet()
                        require(names.isNotEmpty() && ALL_SCENARIOS.containsAll(names)) { "--scenarios takes some of ${ALL_SCENARIOS.joinToString(",")}" }
                        o = o.copy(scenarios = names)
                    }
                    "--no-limit-server" -> o = o.copy(limitServer = false)
                    "--no-cross-check" -> o = o.copy(crossCheck = false)
                    "--results" -> o = o.copy(results = File(value(arg)))
                    "--chart" -> o = o.copy(chart = File(value(arg)))
                    else -> throw IllegalArgumentException("unknown option '$arg'")
                }
                i++
            }
            require(o.pid == null || o.target != null) { "--pid goes with --target" }
            require(o.target == null || (o.serverJars.isEmpty() && o.transports == null && o.rounds == 1)) {
                "--target measures one server: no --server-jar, --transports or --rounds"
            }
            val labels = o.serverJars.map { it.first ?: it.second.path }
            require(labels.size == labels.toSet().size) { "--server-jar: give each jar its own LABEL=" }
            return o
        }

        private fun seconds(name: String, text: String, min: Double): Double =
            text.toDoubleOrNull()?.takeIf { it in min..3600.0 } ?: throw IllegalArgumentException("$name takes seconds from $min to 3600, got '$text'")

        private fun counts(name: String, text: String, allowZero: Boolean): List<Int> {
            val values = text.split(',').map { it.trim() }.filter { it.isNotEmpty() }.map {
                it.replace("_", "").toIntOrNull()?.takeIf { n -> n in (if (allowZero) 0 else 1)..1_000_000 }
                    ?: throw IllegalArgumentException("$name takes numbers separated by commas, got '$text'")
            }
            require(values.isNotEmpty()) { "$name takes numbers separated by commas" }
            return values.distinct()
        }
    }
}
