package dev.telnetkit.bench

/** Sizes and durations of one run of the scenarios. */
data class SuiteConfig(
    val holdSteps: List<Int>,
    val setupSessions: Int,
    val setupInflight: List<Int>,
    val echoConcurrency: List<Int>,
    val echoWarmupSeconds: Double,
    val echoSeconds: Double,
    val broadcastReceivers: Int,
    val broadcastRounds: Int,
    val holdInflight: Int = 300,
    val promptTimeoutSeconds: Double = 30.0,
    val requestTimeoutSeconds: Double = 10.0,
) {
    companion object {
        /** The full run. */
        val FULL: SuiteConfig = SuiteConfig(
            holdSteps = listOf(0, 1000, 5000, 10_000, 19_000),
            setupSessions = 5000,
            setupInflight = listOf(100, 500),
            echoConcurrency = listOf(1, 50, 500),
            echoWarmupSeconds = 2.0,
            echoSeconds = 10.0,
            broadcastReceivers = 10_000,
            broadcastRounds = 5,
        )

        /** A smoke run. */
        val QUICK: SuiteConfig = SuiteConfig(
            holdSteps = listOf(0, 250, 1000),
            setupSessions = 1000,
            setupInflight = listOf(100, 500),
            echoConcurrency = listOf(1, 50, 500),
            echoWarmupSeconds = 1.0,
            echoSeconds = 3.0,
            broadcastReceivers = 1000,
            broadcastRounds = 5,
        )
    }
}

/** Memory of the server with [held] sessions open (of [wanted]). */
data class HoldPoint(
    val wanted: Int,
    val held: Int,
    /** Live heap after a full GC, null when not measured. */
    val heapBytes: Long?,
    /** VmRSS, null when not measured. */
    val rssBytes: Long?,
    val open: OpenResult?,
)

/** The hold curve: memory against sessions held, and sessions the server dropped while held. */
data class HoldResult(val points: List<HoldPoint>, val dropped: Int) {
    private val base: HoldPoint? get() = points.firstOrNull { it.held == 0 }
    private val top: HoldPoint? get() = points.lastOrNull { it.held > 0 }

    /** Live heap bytes per session at the largest step, above the 0-session baseline. */
    val heapPerSession: Double? get() = perSession { it.heapBytes }

    /** RSS bytes per session at the largest step, above the 0-session baseline. */
    val rssPerSession: Double? get() = perSession { it.rssBytes }

    /** Sessions held at the largest step. */
    val maxHeld: Int get() = points.maxOfOrNull { it.held } ?: 0

    private fun perSession(value: (HoldPoint) -> Long?): Double? {
        val b = base?.let(value) ?: return null
        val t = top ?: return null
        val v = value(t) ?: return null
        return (v - b).toDouble() / t.held
    }
}

/** Setup trials, one per in-flight bound. */
data class SetupResult(
    val trials: List<Pair<Int, OpenResult>>,
    val serverCpuMicrosPerSession: Map<Int, Double?>,
    /** The driver's own CPU per session set up (TLS handshakes cost the client too). */
    val driverCpuMicrosPerSession: Map<Int, Double?> = emptyMap(),
) {
    /** The trial with the best rate. */
    val best: Pair<Int, OpenResult>? get() = trials.maxByOrNull { it.second.rate }
}

/** Broadcast rounds. */
data class BroadcastSeries(val receivers: Int, val rounds: List<BroadcastResult>, val setup: OpenResult) {
    private val sorted: List<Double> get() = rounds.map { it.seconds }.sorted()

    /** Median seconds to the last receiver. */
    val median: Double? get() = sorted.takeIf { it.isNotEmpty() }?.let { it[it.size / 2] }

    /** Slowest round. */
    val max: Double? get() = sorted.lastOrNull()

    /** Rounds in which some receiver never got the marker. */
    val incomplete: Int get() = rounds.count { !it.complete || it.received < it.receivers }
}

/**
 * The four scenarios against one server, each leaving no session open behind it. [probe] is
 * null when the server's process is unknown; [jvm] asks for live-heap figures.
 */
class Scenarios(
    private val driver: LoadDriver,
    private val config: SuiteConfig,
    private val probe: ServerProbe?,
    private val jvm: Boolean,
    private val progress: (String) -> Unit,
) {
    private val promptTimeout = (config.promptTimeoutSeconds * 1e9).toLong()

    private fun open(count: Int, inflight: Int): OpenResult {
        val deadline = System.nanoTime() + 30_000_000_000L + count * 10_000_000L
        return SessionOpener(driver, count, inflight, promptTimeout).run(deadline)
    }

    private fun idleFor(seconds: Double) {
        driver.runUntil(System.nanoTime() + (seconds * 1e9).toLong()) { false }
    }

    /** a) hold: grows to each step, measures memory there. */
    fun hold(): HoldResult {
        val points = ArrayList<HoldPoint>()
        var dropped = 0
        val watcher = object : LoadDriver.Phase {
            override fun onClosed(session: BenchSession, was: SessionState) {
                if (was == SessionState.IDLE) dropped++
            }
        }
        for (step in config.holdSteps.sorted()) {
            val have = driver.sessions.size
            val opened = if (step > have) open(step - have, config.holdInflight) else null
            driver.phase = watcher
            idleFor(1.0)
            driver.compact()
            val heap = if (jvm) probe?.liveHeapBytes() else null
            val rss = probe?.rssBytes()?.takeIf { it >= 0 }
            idleFor(0.2)
            driver.phase = null
            driver.compact()
            val point = HoldPoint(step, driver.sessions.size, heap, rss, opened)
            points += point
            progress("hold: ${point.held}/$step sessions" + (heap?.let { ", live heap ${mib(it)}" } ?: "") +
                (rss?.let { ", RSS ${mib(it)}" } ?: "") + (opened?.let { ", opened at ${"%.0f".format(it.rate)}/s, failed ${it.failures}" } ?: ""))
            if (opened != null && opened.reached < (step - have) * 0.9) {
                progress("hold: stopping the curve, too many sessions failed")
                break
            }
        }
        driver.closeAll()
        return HoldResult(points, dropped)
    }

    /** b) setup rate: opens [SuiteConfig.setupSessions] per in-flight bound, then closes them. */
    fun setup(): SetupResult {
        val trials = ArrayList<Pair<Int, OpenResult>>()
        val cpu = HashMap<Int, Double?>()
        val driverCpu = HashMap<Int, Double?>()
        val self = ServerProbe(ProcessHandle.current().pid())
        for (inflight in config.setupInflight) {
            settle()
            val cpu0 = probe?.cpuTicks() ?: -1
            val self0 = self.cpuTicks()
            val result = open(config.setupSessions, inflight)
            val cpu1 = probe?.cpuTicks() ?: -1
            val self1 = self.cpuTicks()
            cpu[inflight] = if (cpu0 >= 0 && cpu1 >= 0 && result.reached > 0) (cpu1 - cpu0) * 1e6 / ServerProbe.CLOCK_TICKS / result.reached else null
            driverCpu[inflight] = if (self0 >= 0 && self1 >= 0 && result.reached > 0) (self1 - self0) * 1e6 / ServerProbe.CLOCK_TICKS / result.reached else null
            trials += inflight to result
            progress("setup: ${result.reached}/${result.wanted} sessions at in-flight $inflight: ${"%.0f".format(result.rate)}/s, " +
                "first prompt p50 ${result.ttfpP50Micros} us p99 ${result.ttfpP99Micros} us, failed ${result.failures}, " +
                "CPU per session: server ${cpu[inflight]?.let { "%.0f".format(it) } ?: "-"} us, driver ${driverCpu[inflight]?.let { "%.0f".format(it) } ?: "-"} us")
            driver.closeAll()
        }
        settle()
        return SetupResult(trials, cpu, driverCpu)
    }

    /** c) echo round trips at one concurrency. */
    fun echo(concurrency: Int): EchoResult {
        settle()
        val opened = open(concurrency, minOf(concurrency, 200))
        val sessions = driver.idleSessions()
        val result = EchoLoop(
            driver, sessions,
            (config.echoWarmupSeconds * 1e9).toLong(), (config.echoSeconds * 1e9).toLong(),
            (config.requestTimeoutSeconds * 1e9).toLong(), probe,
        ).run()
        val withSetupFailures = result.copy(sessions = sessions.size, failures = Failures(
            result.failures.connectErrors + opened.failures.connectErrors,
            result.failures.timeouts + opened.failures.timeouts,
            result.failures.closedByServer + opened.failures.closedByServer,
            result.failures.ioErrors + opened.failures.ioErrors,
        ))
        progress("echo $concurrency: ${"%.0f".format(result.rps)} req/s, p50 ${result.p50Micros} us, p99 ${result.p99Micros} us, " +
            "p99.9 ${result.p999Micros} us, driver CPU ${result.driverCpuPercent?.let { "%.0f%%".format(it) } ?: "-"}, bad replies ${result.badReplies}, failed ${withSetupFailures.failures}")
        driver.closeAll()
        return withSetupFailures
    }

    /** d) broadcast fan-out to [SuiteConfig.broadcastReceivers] sessions. */
    fun broadcast(): BroadcastSeries {
        settle()
        val opened = open(config.broadcastReceivers + 1, config.holdInflight)
        val idle = driver.idleSessions()
        val rounds = ArrayList<BroadcastResult>()
        if (idle.size >= 2) {
            val sender = idle.last()
            val receivers = idle.subList(0, idle.size - 1)
            val random = java.util.Random()
            repeat(config.broadcastRounds) { round ->
                idleFor(0.5)
                val marker = "bm${round}x" + (1..10).map { 'a' + random.nextInt(26) }.joinToString("")
                val result = BroadcastRound(driver, sender, receivers, marker).run(60_000_000_000L)
                rounds += result
                progress("broadcast: ${result.received}/${result.receivers} had the marker after ${"%.1f".format(result.seconds * 1000)} ms")
                if (sender.state != SessionState.IDLE) return@repeat
            }
        }
        driver.closeAll()
        return BroadcastSeries(idle.size - 1, rounds, opened)
    }

    /** Waits until the server's open files are back near where they were (closes processed), at most 20 s. */
    private fun settle() {
        val p = probe ?: return idleFor(1.0)
        val deadline = System.nanoTime() + 20_000_000_000L
        var last = p.openFiles()
        while (System.nanoTime() < deadline) {
            idleFor(0.5)
            val now = p.openFiles()
            if (now < 0 || now == last) break
            last = now
        }
    }
}

/** [bytes] as MiB with one decimal. */
fun mib(bytes: Long): String = "%.1f MiB".format(bytes / 1048576.0)
