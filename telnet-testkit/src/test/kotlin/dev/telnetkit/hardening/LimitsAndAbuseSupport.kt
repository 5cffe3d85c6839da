package dev.telnetkit.hardening

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.core.read.ListAppender
import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetDecoder
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import org.slf4j.LoggerFactory
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlin.time.Duration as KDuration

/**
 * Server settings for the hardening specs: port 0 on loopback, every limit at its library default
 * unless given. The negotiation wait is short because raw sockets never answer it; clients that
 * negotiate settle it at once.
 */
internal fun limitSettings(
    connectMaxWait: Duration = Duration.ofMillis(300),
    idleTimeout: Duration = Duration.ofSeconds(30),
    idleNotice: String = "Idle timeout: closing the connection.",
    outputBufferLimit: Int = 1 shl 20,
    outputStallTimeout: Duration = Duration.ofSeconds(5),
    maxLineLength: Int = 4096,
    protocol: ProtocolSettings = ProtocolSettings(),
    historySize: Int = 500,
    maxSessions: Int = 10_000,
    maxSessionsPerAddress: Int = 100,
    busyMessage: String = "Server busy, try later.",
): ServerSettings = ServerSettings(
    host = "127.0.0.1",
    port = 0,
    connectMaxWait = connectMaxWait,
    idleTimeout = idleTimeout,
    idleNotice = idleNotice,
    outputBufferLimit = outputBufferLimit,
    outputStallTimeout = outputStallTimeout,
    maxLineLength = maxLineLength,
    protocol = protocol,
    historySize = historySize,
    maxSessions = maxSessions,
    maxSessionsPerAddress = maxSessionsPerAddress,
    busyMessage = busyMessage,
)

/** A handler that answers every line with `got [line]` and records the lines, until the input ends. */
internal fun recordingEcho(lines: MutableList<String> = Collections.synchronizedList(ArrayList()), prompt: String = "> ") =
    SessionHandler { session ->
        while (true) {
            val line = session.readLine(prompt) ?: break
            lines.add(line)
            session.writeLine("got [$line]")
        }
    }

/** One round trip on a well-behaved client: the answer must come within [within]. */
internal suspend fun TelnetTestClient.roundTrip(word: String, within: KDuration = 3.seconds) {
    sendLine(word)
    awaitText("got [$word]\r\n", within)
}

/**
 * Bytes held by the session's Telnet decoder for a subnegotiation in progress. Read by reflection:
 * the decoder is private to the session's protocol, and this is the one number that shows its memory.
 */
internal fun bufferedSubnegotiationBytes(session: Session): Int {
    val wire = Session::class.java.getDeclaredMethod("getLink\$telnet_core").apply { isAccessible = true }.invoke(session)
    val protocol = wire.javaClass.getDeclaredField("protocol").apply { isAccessible = true }.get(wire)
    val decoder = protocol.javaClass.getDeclaredField("decoder").apply { isAccessible = true }.get(protocol) as TelnetDecoder
    return decoder.bufferedSubnegotiationBytes
}

/** Output queued for the session's client and not yet handed to the socket, read by reflection. */
internal fun queuedOutputBytes(session: Session): Long {
    val queue = Session::class.java.getDeclaredField("output").apply { isAccessible = true }.get(session)
    return queue.javaClass.getDeclaredMethod("getQueuedBytes").apply { isAccessible = true }.invoke(queue) as Long
}

/**
 * A raw TCP client for byte-level abuse. With [drain] a background thread reads (and counts)
 * whatever the server sends, so output never backs up; without it nothing is read until
 * [startDraining]. The last [TAIL] bytes received are kept (as ISO-8859-1 text) for [awaitText],
 * and, with [keepAll], every byte up to 8 MiB.
 */
internal class AbusiveClient private constructor(
    val socket: Socket,
    private val keepAll: Boolean,
) : AutoCloseable {
    private val lock = Object()
    private val tail = StringBuilder()
    private val all = ByteArrayOutputStream()
    @Volatile var bytesReceived: Long = 0
        private set
    @Volatile var endOfInput: Boolean = false
        private set
    @Volatile private var reader: Thread? = null

    /** Every byte received so far ([keepAll] only). */
    val received: ByteArray get() = synchronized(lock) { all.toByteArray() }

    /** The last bytes received, as ISO-8859-1 text. */
    val tailText: String get() = synchronized(lock) { tail.toString() }

    fun startDraining() {
        if (reader != null) return
        reader = Thread({
            val buffer = ByteArray(64 * 1024)
            val input = socket.getInputStream()
            try {
                while (true) {
                    val n = input.read(buffer)
                    if (n < 0) break
                    synchronized(lock) {
                        bytesReceived += n
                        if (keepAll && all.size() < 8 shl 20) all.write(buffer, 0, n)
                        tail.append(String(buffer, 0, n, Charsets.ISO_8859_1))
                        if (tail.length > TAIL) tail.delete(0, tail.length - TAIL)
                        lock.notifyAll()
                    }
                }
            } catch (_: IOException) {
                // Reset by the server, or closed by us: either way the conversation is over.
            } finally {
                synchronized(lock) {
                    endOfInput = true
                    lock.notifyAll()
                }
            }
        }, "abusive-client-reader").apply { isDaemon = true; start() }
    }

    /**
     * Sends [bytes]; false if the connection is gone (the server cut it off). A socket write blocked
     * on a server that stopped reading cannot be interrupted, so cancelling closes the socket: a test
     * that times out then fails instead of hanging.
     */
    suspend fun send(bytes: ByteArray): Boolean = coroutineScope {
        val write = async(Dispatchers.IO) {
            try {
                socket.getOutputStream().apply { write(bytes); flush() }
                true
            } catch (_: IOException) {
                false
            }
        }
        try {
            write.await()
        } catch (e: CancellationException) {
            close()
            throw e
        }
    }

    suspend fun send(text: String): Boolean = send(text.toByteArray(Charsets.ISO_8859_1))

    /**
     * Sends [total] bytes made by [chunk] (called with the offset of each chunk); stops early and
     * returns the bytes sent if the connection breaks. [between] runs after every chunk.
     */
    suspend fun sendStream(total: Long, chunkSize: Int = 64 * 1024, between: suspend (Long) -> Unit = {}, chunk: (Long, Int) -> ByteArray): Long {
        var sent = 0L
        while (sent < total) {
            val n = minOf(chunkSize.toLong(), total - sent).toInt()
            if (!send(chunk(sent, n))) return sent
            sent += n
            between(sent)
        }
        return sent
    }

    /** Waits until [text] has arrived (in the kept tail); false after [timeout]. */
    suspend fun awaitText(text: String, timeout: KDuration = 5.seconds): Boolean = awaitState(timeout) { tail.contains(text) }

    /** Waits until the server closes (or resets) the connection; false after [timeout]. Drains meanwhile. */
    suspend fun awaitEof(timeout: KDuration = 10.seconds): Boolean {
        startDraining()
        return awaitState(timeout) { endOfInput }
    }

    private suspend fun awaitState(timeout: KDuration, condition: () -> Boolean): Boolean = withContext(Dispatchers.IO) {
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        synchronized(lock) {
            while (!condition()) {
                val left = (deadline - System.nanoTime()) / 1_000_000
                if (left <= 0) return@withContext false
                if (endOfInput && !condition()) return@withContext false
                lock.wait(minOf(left, 50))
            }
        }
        true
    }

    override fun close() {
        runCatching { socket.close() }
    }

    companion object {
        const val TAIL = 256 * 1024

        /** Connects to [port] on 127.0.0.1, from [localAddress] if given. */
        suspend fun connect(
            port: Int,
            drain: Boolean = true,
            keepAll: Boolean = false,
            receiveBuffer: Int = 0,
            localAddress: String? = null,
        ): AbusiveClient = withContext(Dispatchers.IO) {
            val socket = Socket()
            if (receiveBuffer > 0) socket.receiveBufferSize = receiveBuffer
            socket.tcpNoDelay = true
            if (localAddress != null) socket.bind(InetSocketAddress(localAddress, 0))
            socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
            AbusiveClient(socket, keepAll).also { if (drain) it.startDraining() }
        }
    }
}

/** Closes every [AbusiveClient] made for a test afterwards. */
internal class AbuserPool {
    private val open = Collections.synchronizedList(ArrayList<AutoCloseable>())

    suspend fun connect(
        port: Int,
        drain: Boolean = true,
        keepAll: Boolean = false,
        receiveBuffer: Int = 0,
        localAddress: String? = null,
    ): AbusiveClient = AbusiveClient.connect(port, drain, keepAll, receiveBuffer, localAddress).also { open.add(it) }

    fun <T : AutoCloseable> track(closeable: T): T = closeable.also { open.add(it) }

    fun closeAll() {
        synchronized(open) { open.toList().also { open.clear() } }.forEach { runCatching { it.close() } }
    }
}

internal fun FunSpec.abuserPool(): AbuserPool {
    val pool = AbuserPool()
    afterTest { pool.closeAll() }
    return pool
}

/**
 * Everything logged anywhere (root logger, every level; `dev.telnetkit` set to DEBUG so protocol
 * warnings are emitted) and every uncaught exception, per test.
 */
internal class ServerLogCapture {
    val appender = ListAppender<ILoggingEvent>()
    private val uncaught = Collections.synchronizedList(ArrayList<Throwable>())
    private val root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) as Logger
    private val telnetkit = LoggerFactory.getLogger("dev.telnetkit") as Logger
    private var savedLevel: Level? = null
    private var savedHandler: Thread.UncaughtExceptionHandler? = null

    fun start() {
        synchronized(appender) { appender.list.clear() }
        uncaught.clear()
        savedLevel = telnetkit.level
        telnetkit.level = Level.DEBUG
        appender.start()
        root.addAppender(appender)
        savedHandler = Thread.getDefaultUncaughtExceptionHandler()
        Thread.setDefaultUncaughtExceptionHandler { thread, e ->
            uncaught.add(e)
            savedHandler?.uncaughtException(thread, e) ?: e.printStackTrace()
        }
    }

    fun stop() {
        root.detachAppender(appender)
        telnetkit.level = savedLevel
        Thread.setDefaultUncaughtExceptionHandler(savedHandler)
    }

    val events: List<ILoggingEvent> get() = synchronized(appender) { appender.list.toList() }

    /** ERROR events and uncaught exceptions, described; empty when none. */
    fun failures(): List<String> =
        events.filter { it.level.isGreaterOrEqual(Level.ERROR) }.map { "${it.loggerName}: ${it.formattedMessage} ${it.throwableProxy?.let { t -> t.className + ": " + t.message } ?: ""}" } +
            synchronized(uncaught) { uncaught.map { "uncaught: $it" } }

    /** Messages logged at [level] or above by loggers under dev.telnetkit. */
    fun messages(level: Level = Level.TRACE): List<String> =
        events.filter { it.loggerName.startsWith("dev.telnetkit") && it.level.isGreaterOrEqual(level) }.map { it.formattedMessage }
}

internal fun FunSpec.captureServerLog(): ServerLogCapture {
    val capture = ServerLogCapture()
    beforeTest { capture.start() }
    afterTest { capture.stop() }
    return capture
}

/** Waits (polling) until [condition] holds; false after [timeout]. */
internal suspend fun eventually(timeout: KDuration = 5.seconds, condition: () -> Boolean): Boolean =
    withTimeoutOrNull(timeout) {
        while (!condition()) delay(5.milliseconds)
        true
    } ?: false

/** Runs [block] and returns how long it took. */
internal inline fun timed(block: () -> Unit): KDuration {
    val mark = TimeSource.Monotonic.markNow()
    block()
    return mark.elapsedNow()
}
