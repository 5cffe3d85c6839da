package dev.telnetkit.samples

import kotlinx.coroutines.runBlocking
import java.io.ByteArrayOutputStream
import java.io.InputStream
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

/**
 * The training run behind the demo's fast cold start. `mvn package` starts this in a JVM that
 * records what it loads: `-XX:ArchiveClassesAtExit` (class-data sharing, Java 17 to 24) or
 * `-XX:AOTCacheOutput` (the AOT cache of Java 25 and later, which also keeps method profiles). It
 * runs the demo server on a free loopback port, drives it the way clients do (a negotiating xterm
 * connecting, running commands, leaving; connect-and-close churn; a client that negotiates nothing),
 * stops it, and writes LAUNCH-FILE: the java that trained, the option that uses the archive and the
 * archive's file name, which `samples/run-demo` reads. With any other java the demo runs as it is,
 * only slower to warm up.
 *
 * Usage: `java <record option> -cp telnetkit-samples.jar dev.telnetkit.samples.StartupTrainingKt LAUNCH-FILE ARCHIVE-NAME`
 */
fun main(args: Array<String>) {
    io.github.oshai.kotlinlogging.KotlinLoggingConfiguration.logStartupMessage = false
    val launchFile = Path.of(args.getOrNull(0) ?: error("usage: StartupTraining LAUNCH-FILE ARCHIVE"))
    // The archive's file name, beside the launch file: run-demo finds it there wherever the clone is.
    val archive = args.getOrNull(1) ?: error("usage: StartupTraining LAUNCH-FILE ARCHIVE-NAME")
    val options = DemoOptions(port = 0, logLevel = "WARN", idleTimeout = Duration.ZERO, connectMaxWait = Duration.ofMillis(200))
    configureLogging(options)
    val server = sampleServer(options)
    runBlocking { server.start() }
    val pool = Executors.newFixedThreadPool(TRAINING_CLIENTS)
    try {
        repeat(TRAINING_SESSIONS) { i -> pool.execute { runCatching { trainingSession(server.port, i) } } }
        repeat(TRAINING_CHURN) { pool.execute { runCatching { Socket("127.0.0.1", server.port).close() } } }
        pool.execute { runCatching { silentSession(server.port) } }
        pool.shutdown()
        pool.awaitTermination(2, TimeUnit.MINUTES)
    } finally {
        pool.shutdownNow()
        runBlocking { server.stop(Duration.ofSeconds(2)) }
    }
    val java = ProcessHandle.current().info().command().orElse(null)
    if (java == null) {
        System.err.println("startup training: cannot tell which java ran it; the demo will start without the archive")
        exitProcess(0)
    }
    val option = if (Runtime.version().feature() >= 25) "-XX:AOTCache=" else "-XX:SharedArchiveFile="
    Files.writeString(launchFile, "${Path.of(java).toRealPath()}\n$option\n$archive\n")
    exitProcess(0)
}

private const val TRAINING_SESSIONS = 3_000
private const val TRAINING_CLIENTS = 32
private const val TRAINING_CHURN = 300
private const val IAC = 255
private const val SB = 250
private const val SE = 240
private const val WILL = 251
private const val WONT = 252
private const val DO = 253
private const val DONT = 254
private const val ECHO = 1
private const val SGA = 3
private const val TTYPE = 24
private const val NAWS = 31

/** One session as an xterm user has it: negotiate, run a few commands, log out. */
private fun trainingSession(port: Int, index: Int) {
    Socket().use { socket ->
        socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
        socket.soTimeout = 5000
        val client = TrainingClient(socket.getInputStream(), socket.getOutputStream())
        client.readUntil("> ")
        for (command in listOf("echo hello $index", "info", "term", "history", "help")) {
            client.type("$command\r")
            client.readUntil("> ")
        }
        client.type("quit\r")
        client.readUntil(null)
    }
}

/** A client that negotiates nothing (netcat): its prompt comes after the opening wait. */
private fun silentSession(port: Int) {
    Socket().use { socket ->
        socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
        socket.soTimeout = 5000
        socket.getOutputStream().write("echo plain\r\nquit\r\n".toByteArray())
        socket.getInputStream().readAllBytes()
    }
}

/** The Telnet answers of an 80x24 xterm; refuses every other option. */
private class TrainingClient(private val input: InputStream, private val output: OutputStream) {
    fun type(text: String) = output.write(text.toByteArray())

    /** Reads, answering negotiation, until the text received ends with [marker] (null: the end). */
    fun readUntil(marker: String?) {
        val text = StringBuilder()
        while (true) {
            val b = input.read()
            if (b < 0) return
            if (b == IAC) negotiate() else text.append(b.toChar())
            if (marker != null && text.endsWith(marker)) return
        }
    }

    private fun negotiate() {
        when (val verb = input.read()) {
            DO, DONT, WILL, WONT -> answer(verb, input.read())
            SB -> {
                val option = input.read()
                val payload = ByteArrayOutputStream()
                while (true) {
                    val b = input.read()
                    if (b < 0) return
                    if (b == IAC && input.read() == SE) break
                    payload.write(b)
                }
                if (option == TTYPE) send(IAC, SB, TTYPE, 0, *"XTERM".map { it.code }.toIntArray(), IAC, SE)
            }
        }
    }

    private fun answer(verb: Int, option: Int) {
        when {
            verb == DO && option == TTYPE -> send(IAC, WILL, TTYPE)
            verb == DO && option == NAWS -> send(IAC, WILL, NAWS, IAC, SB, NAWS, 0, 80, 0, 24, IAC, SE)
            verb == WILL && (option == ECHO || option == SGA) -> send(IAC, DO, option)
            verb == DO && option == SGA -> send(IAC, WILL, SGA)
            verb == DO -> send(IAC, WONT, option)
            verb == WILL -> send(IAC, DONT, option)
        }
    }

    private fun send(vararg bytes: Int) = output.write(ByteArray(bytes.size) { bytes[it].toByte() })
}
