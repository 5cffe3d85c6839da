package dev.telnetkit.bench

import dev.telnetkit.metrics.TelnetMetrics
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.protocol.TelnetCommand.DO
import dev.telnetkit.protocol.TelnetCommand.DONT
import dev.telnetkit.protocol.TelnetCommand.IAC
import dev.telnetkit.protocol.TelnetCommand.SB
import dev.telnetkit.protocol.TelnetCommand.SE
import dev.telnetkit.protocol.TelnetCommand.WILL
import dev.telnetkit.protocol.TelnetCommand.WONT
import java.io.InputStream
import java.io.OutputStream
import java.lang.management.ManagementFactory
import java.net.Socket
import java.time.Duration
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.ThreadFactory
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds

/** `telnet-bench metrics --help`. */
const val METRICS_USAGE: String = """telnet-bench metrics [options]: the cost of TelnetMetrics (telnet-metrics) per session and per command,
in process over real sockets, servers without and with it
  --sessions N   sessions opened and closed for the per-session figures (default 2000)
  --holders N    sessions that run the commands, at once (default 20)
  --commands N   commands each of them runs (default 1000)
  --idle N       idle sessions held at the prompt for the retained-heap figure (default 1000)
  --clients N    client threads (default 8)
Allocation and CPU are the server's threads' own (ThreadMXBean: every thread but the clients'),
each the mean of two rounds run A B B A after a warm-up round of each; retained heap the heap used after GC with the idle sessions held, above the same server before
(their in-process clients included: the same in both modes, so the difference is the metrics')."""

/**
 * Runs the same load against a server without metrics and one with [TelnetMetrics] (a Prometheus
 * registry, and the endpoint that binds the bytes and lag meters), and prints what each session and
 * each command cost the server: bytes allocated, CPU time, and heap retained per idle session.
 */
class MetricsBench(args: List<String>) {
    private var sessions = 2000
    private var holders = 20
    private var commands = 1000
    private var idle = 1000
    private var clients = 8
    var help: Boolean = false
        private set

    init {
        var i = 0
        fun value(): Int = args.getOrNull(++i)?.toInt() ?: throw IllegalArgumentException("${args[i - 1]} needs a value")
        while (i < args.size) {
            when (args[i]) {
                "--sessions" -> sessions = value()
                "--holders" -> holders = value()
                "--commands" -> commands = value()
                "--idle" -> idle = value()
                "--clients" -> clients = value()
                "--help", "-h" -> help = true
                else -> throw IllegalArgumentException("unknown option '${args[i]}' (metrics --help)")
            }
            i++
        }
    }

    private class Figures(val mode: String, val sessionBytes: Double, val sessionCpuUs: Double, val commandBytes: Double, val commandCpuUs: Double, val idleHeap: Double)

    private val threads = ManagementFactory.getThreadMXBean() as com.sun.management.ThreadMXBean
    private val clientThreadIds: MutableSet<Long> = java.util.concurrent.ConcurrentHashMap.newKeySet()
    private val clientNumber = AtomicInteger()
    private val clientThreads = ThreadFactory { r ->
        Thread(r, "bench-client-${clientNumber.incrementAndGet()}").also { it.isDaemon = true }
    }

    fun run(): Int {
        println("telnet-bench metrics: $sessions sessions opened and closed, $holders sessions x $commands commands, $idle idle sessions; $clients client threads")
        println("machine: ${Runtime.getRuntime().availableProcessors()} CPUs, JDK ${System.getProperty("java.version")}, max heap ${Runtime.getRuntime().maxMemory() / (1 shl 20)} MiB")
        threads.isThreadAllocatedMemoryEnabled = true
        threads.isThreadCpuTimeEnabled = true
        val pool = Executors.newFixedThreadPool(clients.coerceAtLeast(holders), clientThreads)
        try {
            // A warm-up round of each mode (the JIT has seen every path), then each measured twice in
            // the order A B B A, averaged: a drift over the run (the JIT still improving, say) favours neither.
            measure("off", pool)
            measure("metrics", pool)
            val measured = listOf("off", "metrics", "metrics", "off").map { measure(it, pool) }
            val results = listOf("off", "metrics").map { mode -> average(measured.filter { it.mode == mode }) }
            println()
            println("| server | allocated / session | CPU / session | allocated / command | CPU / command | retained heap / idle session |")
            println("|---|---:|---:|---:|---:|---:|")
            for (f in results) {
                println("| ${label(f.mode)} | ${"%,.0f B".format(f.sessionBytes)} | ${"%,.1f µs".format(f.sessionCpuUs)} | ${"%,.0f B".format(f.commandBytes)} | ${"%,.2f µs".format(f.commandCpuUs)} | ${"%,.0f B".format(f.idleHeap)} |")
            }
            val off = results.first { it.mode == "off" }
            val on = results.first { it.mode == "metrics" }
            println("| difference | ${"%+,.0f B".format(on.sessionBytes - off.sessionBytes)} | ${"%+,.1f µs".format(on.sessionCpuUs - off.sessionCpuUs)} | " +
                "${"%+,.0f B".format(on.commandBytes - off.commandBytes)} | ${"%+,.2f µs".format(on.commandCpuUs - off.commandCpuUs)} | ${"%+,.0f B".format(on.idleHeap - off.idleHeap)} |")
        } finally {
            pool.shutdownNow()
        }
        return 0
    }

    private fun average(figures: List<Figures>): Figures = Figures(
        figures.first().mode,
        figures.map { it.sessionBytes }.average(), figures.map { it.sessionCpuUs }.average(),
        figures.map { it.commandBytes }.average(), figures.map { it.commandCpuUs }.average(),
        figures.map { it.idleHeap }.average(),
    )

    private fun label(mode: String) = if (mode == "off") "no metrics" else "TelnetMetrics (Prometheus registry)"

    private fun measure(mode: String, pool: java.util.concurrent.ExecutorService): Figures {
        val limit = idle + holders + clients + 100
        val metrics = if (mode == "metrics") TelnetMetrics.create() else null
        val server = telnetServer {
            port = 0
            prompt = "> "
            connectMaxWait = 200.milliseconds
            idleTimeout = kotlin.time.Duration.ZERO
            maxSessions = limit
            maxSessionsPerAddress = limit
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
            if (metrics != null) {
                observer(metrics)
                endpoint(metrics.endpoint())
            }
        }.startBlocking()
        try {
            val port = server.port
            // Sessions: connect, settle the opening, reach the prompt, leave.
            val perClient = sessions / clients
            val s0 = serverTotals()
            pool.invokeAll((1..clients).map { Callable { repeat(perClient) { BenchClient(port).use { it.bye() } } } }).forEach { it.get() }
            awaitQuiet(server)
            val s1 = serverTotals()
            val opened = perClient * clients
            // Commands: holders sessions at once, each running its commands one after another.
            val held = (1..holders).map { BenchClient(port) }
            val c0 = serverTotals()
            pool.invokeAll(held.map { c -> Callable { repeat(commands) { c.command("echo hello world") } } }).forEach { it.get() }
            val c1 = serverTotals()
            held.forEach { it.bye(); it.close() }
            awaitQuiet(server)
            // Idle sessions: heap used after GC, held against before.
            val before = usedHeapAfterGc()
            val idlers = (1..idle).map { BenchClient(port) }
            val after = usedHeapAfterGc()
            idlers.forEach { it.close() }
            awaitQuiet(server)
            metrics?.let { check(it.registry.find("telnetkit.commands").timer() != null) { "the metrics saw no command" } }
            return Figures(
                mode,
                sessionBytes = (s1.bytes - s0.bytes).toDouble() / opened,
                sessionCpuUs = (s1.cpuNanos - s0.cpuNanos) / 1000.0 / opened,
                commandBytes = (c1.bytes - c0.bytes).toDouble() / (holders * commands),
                commandCpuUs = (c1.cpuNanos - c0.cpuNanos) / 1000.0 / (holders * commands),
                idleHeap = (after - before).toDouble() / idle,
            )
        } finally {
            server.stopBlocking(Duration.ofSeconds(2))
        }
    }

    private class Totals(val bytes: Long, val cpuNanos: Long)

    /** Bytes allocated and CPU time of every live thread but the clients' (and this one). */
    private fun serverTotals(): Totals {
        val me = Thread.currentThread().id
        val clientIds = Thread.getAllStackTraces().keys.filter { it.name.startsWith("bench-client-") }.map { it.id }.toSet()
        clientThreadIds += clientIds
        val ids = threads.allThreadIds.filter { it != me && it !in clientThreadIds }.toLongArray()
        val bytes = threads.getThreadAllocatedBytes(ids).filter { it > 0 }.sum()
        val cpu = ids.sumOf { threads.getThreadCpuTime(it).coerceAtLeast(0) }
        return Totals(bytes, cpu)
    }

    private fun awaitQuiet(server: TelnetServer) {
        val deadline = System.nanoTime() + 30_000_000_000L
        while (server.statistics.sessionsOpen > 0 && System.nanoTime() < deadline) Thread.sleep(5)
    }

    private fun usedHeapAfterGc(): Long {
        val memory = ManagementFactory.getMemoryMXBean()
        repeat(3) { System.gc(); Thread.sleep(100) }
        return memory.heapMemoryUsage.used
    }
}

/**
 * A blocking Telnet client that refuses every option the server offers (an opening that settles at
 * once) and reads up to each prompt.
 */
private class BenchClient(port: Int) : AutoCloseable {
    private val socket = Socket("127.0.0.1", port).apply { tcpNoDelay = true }
    // A small buffer: the idle sessions' clients live in this heap too.
    private val input: InputStream = socket.getInputStream().buffered(256)
    private val output: OutputStream = socket.getOutputStream()

    init {
        awaitPrompt()
    }

    fun command(line: String) {
        output.write("$line\r\n".toByteArray())
        output.flush()
        awaitPrompt()
    }

    fun bye() {
        output.write("bye\r\n".toByteArray())
        output.flush()
        while (input.read() >= 0) Unit
    }

    /** Reads until `> ` at the end of what came, answering negotiations. */
    private fun awaitPrompt() {
        var last = 0
        while (true) {
            val b = input.read()
            if (b < 0) throw java.io.EOFException("server closed")
            if (b == IAC) {
                when (val verb = input.read()) {
                    DO -> reply(WONT, input.read())
                    WILL -> reply(DONT, input.read())
                    WONT, DONT -> input.read()
                    SB -> { while (!(input.read() == IAC && input.read() == SE)) Unit }
                    else -> Unit
                }
                continue
            }
            if (last == '>'.code && b == ' '.code && input.available() == 0) return
            last = b
        }
    }

    private fun reply(verb: Int, option: Int) {
        output.write(byteArrayOf(IAC.toByte(), verb.toByte(), option.toByte()))
        output.flush()
    }

    override fun close() {
        runCatching { socket.close() }
    }
}
