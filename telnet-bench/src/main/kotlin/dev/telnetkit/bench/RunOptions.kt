package dev.telnetkit.bench

import java.io.File

/** Usage of `telnet-bench run`. */
const val RUN_USAGE: String = """Usage: java -jar telnet-bench.jar run [options]

Without --target: starts the TelnetKit demo (a separate JVM) and the C limit-server, runs every
scenario against each and prints one table comparing them.

  --target HOST:PORT   measure this server instead (no comparison)
  --pid PID            the --target server's process, for memory and CPU figures
  --quick              small sizes and short runs (a smoke run)
  --prompt TEXT        the prompt to wait for (default "Telnet Server> ")
  --samples-jar FILE   the demo (default samples/target/telnetkit-samples.jar)
  --server-jvm OPTS    JVM options of the demo (default "-Xmx4g -XX:+UseG1GC")
  --tools DIR          the measurement tools (default ../shared/tools)
  --scenarios LIST     some of hold,setup,echo,broadcast,cross-check (default: all)
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
    val samplesJar: File = File("samples/target/telnetkit-samples.jar"),
    val serverJvm: String = ServerProcesses.DEFAULT_DEMO_JVM_OPTIONS,
    val tools: File = File("../shared/tools"),
    val limitServer: Boolean = true,
    val pin: Boolean = false,
    val scenarios: Set<String> = ALL_SCENARIOS,
    val crossCheck: Boolean = true,
    val results: File = File("telnet-bench/target/bench-results.json"),
    val chart: File = File("telnet-bench/target/memory-vs-sessions.png"),
) {
    companion object {
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
                    "--samples-jar" -> o = o.copy(samplesJar = File(value(arg)))
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
            return o
        }
    }
}
