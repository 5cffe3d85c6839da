package dev.telnetkit.server

import dev.telnetkit.session.SessionHandler
import dev.telnetkit.transport.Transport

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.net.SocketTimeoutException
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Duration as KDuration

/** Byte values for hand-written wire transcripts. */
internal const val IAC = TelnetCommand.IAC
internal const val SB = TelnetCommand.SB
internal const val SE = TelnetCommand.SE
internal const val WILL = TelnetCommand.WILL
internal const val WONT = TelnetCommand.WONT
internal const val DO = TelnetCommand.DO
internal const val DONT = TelnetCommand.DONT

/** Bytes from ints, for wire transcripts. */
internal fun bytes(vararg values: Int): ByteArray = ByteArray(values.size) { values[it].toByte() }

internal fun ByteArray.hex(): String = joinToString(" ") { "%02X".format(it.toInt() and 0xff) }

/** The index of [needle] in this array, or -1. */
internal fun ByteArray.indexOf(needle: ByteArray, from: Int = 0): Int {
    outer@ for (i in from..size - needle.size) {
        for (j in needle.indices) if (this[i + j] != needle[j]) continue@outer
        return i
    }
    return -1
}

/**
 * Settings for tests: port 0 and short, explicit timeouts. The negotiation wait is long on purpose:
 * a client that negotiates ends it by settling, so the wait only costs time for silent clients, and
 * a long one keeps a slow machine from starting a handler before negotiation is done.
 */
internal fun testSettings(
    connectMaxWait: Duration = Duration.ofSeconds(5),
    idleTimeout: Duration = Duration.ofSeconds(30),
    idleNotice: String = "Idle timeout: closing the connection.",
    shutdownNotice: String = "The server is shutting down.",
    outputBufferLimit: Int = 1 shl 20,
    outputStallTimeout: Duration = Duration.ofSeconds(5),
    maxLineLength: Int = 4096,
    areYouThereAnswer: String = "[Yes]",
): ServerSettings = ServerSettings(
    host = "127.0.0.1",
    port = 0,
    connectMaxWait = connectMaxWait,
    idleTimeout = idleTimeout,
    idleNotice = idleNotice,
    shutdownNotice = shutdownNotice,
    outputBufferLimit = outputBufferLimit,
    outputStallTimeout = outputStallTimeout,
    maxLineLength = maxLineLength,
    areYouThereAnswer = areYouThereAnswer,
)

/** A shell that answers every line with `got [line]` until the input ends. */
internal fun echoShell(prompt: String = "> "): SessionHandler = SessionHandler { session ->
    while (true) {
        val line = session.readLine(prompt) ?: break
        session.writeLine("got [$line]")
    }
}

/**
 * The transport the socket-level suite runs on: the default NIO loop, or the one named by the system
 * property `telnetkit.test.transport` (`ktor`: the build runs the suite once more over ktor-network).
 */
internal val testTransport: Transport = System.getProperty("telnetkit.test.transport")?.takeIf { it.isNotBlank() }?.let(Transport::named) ?: Transport.nio()

/** These settings on [testTransport], unless they name a transport of their own. */
internal fun ServerSettings.onTestTransport(): ServerSettings = if (transport == Transport.nio()) withTransport(testTransport) else this

/** Waits (polling) until [condition] holds; fails with [what] after [timeout]. Never sleeps blindly. */
internal suspend fun awaitCondition(what: String, timeout: KDuration = 5.seconds, condition: () -> Boolean) {
    val met = withTimeoutOrNull(timeout) {
        while (!condition()) delay(5.milliseconds)
        true
    }
    if (met == null) throw AssertionError("not within $timeout: $what")
}

/**
 * Starts servers and opens clients for one test and closes all of them afterwards, whatever the
 * outcome. Register with [serverFixture] so that `afterTest` cleans up.
 */
internal class ServerFixture {
    private val servers = Collections.synchronizedList(ArrayList<TelnetServer>())
    private val clients = Collections.synchronizedList(ArrayList<AutoCloseable>())

    suspend fun start(settings: ServerSettings = testSettings(), handler: SessionHandler): TelnetServer =
        TelnetServer(settings.onTestTransport(), handler).also { servers.add(it) }.start()

    suspend fun connect(server: TelnetServer, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
        TelnetTestClient.connect("127.0.0.1", server.port, profile).also { clients.add(it) }

    /** A plain socket that speaks no Telnet at all; [receiveBuffer] > 0 sets SO_RCVBUF before connecting. */
    suspend fun rawSocket(server: TelnetServer, receiveBuffer: Int = 0): RawClient = withContext(Dispatchers.IO) {
        val socket = Socket()
        if (receiveBuffer > 0) socket.receiveBufferSize = receiveBuffer
        socket.tcpNoDelay = true
        socket.connect(InetSocketAddress("127.0.0.1", server.port), 5000)
        RawClient(socket).also { clients.add(it) }
    }

    suspend fun cleanUp() {
        synchronized(clients) { clients.toList().also { clients.clear() } }.forEach { runCatching { it.close() } }
        synchronized(servers) { servers.toList().also { servers.clear() } }.forEach {
            withTimeoutOrNull(15.seconds) { it.stop(Duration.ZERO) }
        }
    }
}

/** A fixture whose servers and clients are closed after every test of this spec. */
internal fun FunSpec.serverFixture(): ServerFixture {
    val fixture = ServerFixture()
    afterTest { fixture.cleanUp() }
    return fixture
}

/** A bare TCP client for byte-exact conversations. */
internal class RawClient(val socket: Socket) : AutoCloseable {
    private val input = socket.getInputStream()
    private val received = ByteArrayOutputStream()

    /** Everything read so far. */
    val bytesSoFar: ByteArray get() = received.toByteArray()

    suspend fun send(bytes: ByteArray) = withContext(Dispatchers.IO) {
        socket.getOutputStream().apply { write(bytes); flush() }
    }

    suspend fun send(text: String) = send(text.toByteArray(Charsets.UTF_8))

    /** Reads exactly [n] bytes, failing after [timeout]. */
    suspend fun readExactly(n: Int, timeout: KDuration = 5.seconds): ByteArray = withContext(Dispatchers.IO) {
        val out = ByteArray(n)
        var got = 0
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        while (got < n) {
            val left = (deadline - System.nanoTime()) / 1_000_000
            if (left <= 0) throw AssertionError("only $got of $n bytes within $timeout: ${out.copyOf(got).hex()}")
            socket.soTimeout = left.toInt().coerceAtLeast(1)
            val r = try {
                runInterruptible { input.read(out, got, n - got) }
            } catch (_: SocketTimeoutException) {
                continue
            }
            if (r < 0) throw AssertionError("connection closed after $got of $n bytes: ${out.copyOf(got).hex()}")
            got += r
        }
        received.write(out)
        out
    }

    /** Reads until the text read so far (as ISO-8859-1) ends with [suffix]; returns all bytes read by this call. */
    suspend fun readUntil(suffix: String, timeout: KDuration = 5.seconds): ByteArray = withContext(Dispatchers.IO) {
        val out = ByteArrayOutputStream()
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        val buffer = ByteArray(4096)
        while (!out.toString(Charsets.ISO_8859_1).endsWith(suffix)) {
            val left = (deadline - System.nanoTime()) / 1_000_000
            if (left <= 0) throw AssertionError("no '$suffix' at the end within $timeout; got ${out.toByteArray().hex()}")
            socket.soTimeout = left.toInt().coerceAtLeast(1)
            val r = try {
                runInterruptible { input.read(buffer) }
            } catch (_: SocketTimeoutException) {
                continue
            }
            if (r < 0) throw AssertionError("connection closed before '$suffix'; got ${out.toByteArray().hex()}")
            out.write(buffer, 0, r)
        }
        out.toByteArray().also { received.write(it) }
    }

    /**
     * Reads whatever arrives within [window]; for "nothing more is sent" checks, where only a
     * window can tell. Returns the bytes read (empty if none).
     */
    suspend fun readFor(window: KDuration): ByteArray = withContext(Dispatchers.IO) {
        val out = ByteArrayOutputStream()
        val deadline = System.nanoTime() + window.inWholeNanoseconds
        val buffer = ByteArray(4096)
        while (true) {
            val left = (deadline - System.nanoTime()) / 1_000_000
            if (left <= 0) break
            socket.soTimeout = left.toInt().coerceAtLeast(1)
            val r = try {
                runInterruptible { input.read(buffer) }
            } catch (_: SocketTimeoutException) {
                break
            }
            if (r < 0) break
            out.write(buffer, 0, r)
        }
        out.toByteArray().also { received.write(it) }
    }

    /** Reads and discards until the server closes the connection; true if it did within [timeout]. */
    suspend fun awaitEof(timeout: KDuration = 10.seconds): Boolean = withContext(Dispatchers.IO) {
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        val buffer = ByteArray(64 * 1024)
        while (true) {
            val left = (deadline - System.nanoTime()) / 1_000_000
            if (left <= 0) return@withContext false
            socket.soTimeout = left.toInt().coerceAtLeast(1)
            try {
                if (runInterruptible { input.read(buffer) } < 0) return@withContext true
            } catch (_: SocketTimeoutException) {
                return@withContext false
            } catch (_: IOException) {
                return@withContext true // reset by the server: closed as well
            }
        }
        @Suppress("UNREACHABLE_CODE") false
    }

    override fun close() {
        runCatching { socket.close() }
    }
}
