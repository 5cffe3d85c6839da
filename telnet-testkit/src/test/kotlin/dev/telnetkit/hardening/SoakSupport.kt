package dev.telnetkit.hardening

import dev.telnetkit.server.onTestTransport
import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.io.File
import java.lang.management.ManagementFactory
import java.time.Duration
import java.util.BitSet
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Heap, threads and file descriptors of this JVM at one moment. [busyThreads] leaves out idle
 * workers of the coroutine pools: those wait (parked) for work and end by themselves after a minute
 * without any, so how many of them exist depends on the last burst of work, not on a leak. A thread
 * a leak keeps alive (blocked in a read, or started and never stopped) is counted.
 */
internal data class ResourceSnapshot(val heapUsed: Long, val threads: Int, val busyThreads: Int, val openFds: Int) {
    override fun toString(): String =
        "heap used %,d bytes (%.1f MiB), %d threads (%d not idle pool workers), %d open fds".format(heapUsed, heapUsed / 1048576.0, threads, busyThreads, openFds)
}

internal object ProcessResources {
    private const val WORKER = "kotlinx.coroutines.scheduling.CoroutineScheduler\$Worker"

    /** Open file descriptors of this process (Linux: entries of /proc/self/fd), or -1 where unknown. */
    fun openFds(): Int = File("/proc/self/fd").list()?.size ?: -1

    fun threads(): Int = ManagementFactory.getThreadMXBean().threadCount

    /** Live threads, except coroutine pool workers parked waiting for work. */
    fun busyThreads(): Int = Thread.getAllStackTraces().count { (thread, stack) ->
        val idleWorker = thread.javaClass.name == WORKER &&
            stack.any { it.className == WORKER && (it.methodName == "park" || it.methodName == "tryPark") }
        !idleWorker
    }

    /**
     * Heap in use once garbage is gone: the smallest of three readings, each after two full
     * collections (System.gc() is a full, compacting collection with G1), so that neither floating
     * garbage nor a collection racing with a reading shows up as growth.
     */
    suspend fun settledHeap(): Long = withContext(Dispatchers.IO) {
        val memory = ManagementFactory.getMemoryMXBean()
        var best = Long.MAX_VALUE
        repeat(3) {
            System.gc()
            Thread.sleep(100)
            System.gc()
            Thread.sleep(100)
            best = minOf(best, memory.heapMemoryUsage.used)
        }
        best
    }

    suspend fun snapshot(): ResourceSnapshot {
        // The first String.format with grouping loads the locale's number data for good: do that
        // before measuring, or printing the baseline would show up as growth (some 150 KB).
        ResourceSnapshot(1L shl 20, 1, 1, 1).toString()
        "%+,d %+.2f".format(1L, 1.0)
        val heap = settledHeap()
        return ResourceSnapshot(heap, threads(), busyThreads(), openFds())
    }

    /**
     * Writes a class histogram of the live heap (`jcmd PID GC.class_histogram`) to [file]: run the
     * soak with `-Dtelnetkit.soak.histogram=/tmp/soak` to get `/tmp/soak.before` and `/tmp/soak.after`
     * and see which classes a leak is made of. Done out of process so that it allocates nothing here.
     */
    suspend fun classHistogram(file: String): Unit = withContext(Dispatchers.IO) {
        ProcessBuilder("jcmd", ProcessHandle.current().pid().toString(), "GC.class_histogram")
            .redirectOutput(File(file)).redirectErrorStream(true).start().waitFor()
    }
}

/**
 * One server and the cycles run against it: each cycle connects a [TelnetTestClient] playing an
 * xterm (so the whole negotiation runs: TTYPE, NAWS, NEW-ENVIRON, CHARSET, ECHO, SGA), waits for the
 * prompt, runs `echo`, checks the answer (which includes the negotiated terminal type and size) and
 * disconnects: even cycles with `bye` (the server closes), odd ones by just closing the socket.
 */
internal class SoakHarness private constructor(val server: TelnetServer, capacity: Int) {
    // Which session ids onSessionEnd ran for, one bit each, allocated up front: a map of ids would
    // itself grow by some 80 bytes per session and hide (or fake) a leak of the server.
    private val ended = BitSet(capacity + 1)
    private var endCount = 0
    private var repeatedEnds = 0
    val starts = AtomicInteger()

    /** Sessions whose onSessionEnd ran (once or more). */
    val sessionsEnded: Int get() = synchronized(ended) { endCount }

    /** onSessionEnd runs beyond the first for a session; must stay 0. */
    val repeatedSessionEnds: Int get() = synchronized(ended) { repeatedEnds }

    private fun sessionEnded(id: Long) {
        synchronized(ended) {
            if (ended.get(id.toInt())) repeatedEnds++ else { ended.set(id.toInt()); endCount++ }
        }
    }
    private val cycleNumbers = AtomicInteger()

    suspend fun cycle() {
        val i = cycleNumbers.incrementAndGet()
        TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile.XTERM).use { client ->
            client.awaitPrompt(PROMPT, CYCLE_TIMEOUT)
            client.sendLine("echo soak-$i")
            val answer = client.awaitPrompt(PROMPT, CYCLE_TIMEOUT)
            check(answer == "echo soak-$i\r\nsoak-$i xterm-256color 80x24\r\n") { "cycle $i: unexpected answer '$answer'" }
            if (i % 2 == 0) {
                client.sendLine("bye")
                client.awaitText("Goodbye.", CYCLE_TIMEOUT)
                check(client.awaitClosed(CYCLE_TIMEOUT)) { "cycle $i: the server did not close after bye" }
            }
        }
    }

    /** Runs [count] cycles, [concurrency] at a time; returns the wall time in nanoseconds. */
    suspend fun run(count: Int, concurrency: Int): Long {
        val started = System.nanoTime()
        val next = AtomicInteger()
        coroutineScope {
            (1..concurrency).map {
                async(Dispatchers.Default) {
                    while (next.incrementAndGet() <= count) cycle()
                }
            }.awaitAll()
        }
        return System.nanoTime() - started
    }

    /** Waits until every session that started has ended and is gone from [TelnetServer.sessions]. */
    suspend fun awaitQuiet(expectedSessions: Int) {
        val quiet = withTimeoutOrNull(30.seconds) {
            while (server.sessions.isNotEmpty() || sessionsEnded < expectedSessions) delay(10.milliseconds)
            true
        }
        check(quiet == true) { "sessions still open: ${server.sessions.size}, ended $sessionsEnded of $expectedSessions" }
    }

    companion object {
        const val PROMPT = "> "
        val CYCLE_TIMEOUT = 10.seconds

        /** Starts a server for up to [capacity] sessions. */
        suspend fun start(capacity: Int): SoakHarness {
            lateinit var harness: SoakHarness
            val echo = Command(
                "echo",
                summary = "Prints its arguments and what was negotiated.",
                handler = CommandHandler { call ->
                    val s = call.session
                    call.writeResponse("${call.args.joinToString(" ")} ${s.terminalType} ${s.width}x${s.height}")
                },
            )
            val shell = CommandShell(
                ShellSettings(
                    listOf(echo),
                    onSessionStart = SessionHook { harness.starts.incrementAndGet() },
                    onSessionEnd = SessionHook { s -> harness.sessionEnded(s.id) },
                ),
            )
            val settings = ServerSettings(
                host = "127.0.0.1",
                port = 0,
                connectMaxWait = Duration.ofSeconds(5),
                idleTimeout = Duration.ofSeconds(60),
            )
            val server = TelnetServer(settings.onTestTransport(), shell)
            harness = SoakHarness(server, capacity)
            server.start()
            return harness
        }
    }
}

/** The number from system property [property] or environment variable [env], else [default]. */
internal fun configuredInt(property: String, env: String, default: Int): Int =
    (System.getProperty(property) ?: System.getenv(env))?.trim()?.takeIf { it.isNotEmpty() }?.toInt() ?: default

/** Runs [block] with the TelnetKit loggers at WARN: per-session INFO lines would flood a soak. */
internal inline fun <T> quietTelnetKitLogs(block: () -> T): T {
    val logger = LoggerFactory.getLogger("dev.telnetkit") as Logger
    val before = logger.level
    logger.level = Level.WARN
    try {
        return block()
    } finally {
        logger.level = before
    }
}
