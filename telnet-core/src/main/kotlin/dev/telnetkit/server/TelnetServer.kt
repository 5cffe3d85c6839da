package dev.telnetkit.server

import io.github.oshai.kotlinlogging.KotlinLogging
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.ServerSocket
import io.ktor.network.sockets.aSocket
import io.ktor.network.sockets.port
import io.ktor.network.sockets.toJavaAddress
import io.ktor.network.sockets.openWriteChannel
import io.ktor.utils.io.writeFully
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import java.net.InetSocketAddress
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * A Telnet server: accepts connections on [ServerSettings.host]:[ServerSettings.port] and runs
 * [handler] for each one in a coroutine of its own, after the opening negotiation.
 *
 * The server owns a supervisor scope; every session is a child of it, and everything a session
 * starts is a child of the session, so [stop] leaves nothing running. One failing session never
 * affects another.
 *
 * ```kotlin
 * val server = TelnetServer(ServerSettings(port = 2323)) { session ->
 *     while (true) {
 *         val line = session.readLine("> ") ?: break
 *         session.writeLine("you said: $line")
 *     }
 * }.start()
 * ```
 */
public class TelnetServer(
    /** The settings this server runs with. */
    public val settings: ServerSettings,
    private val handler: SessionHandler,
) : AutoCloseable {
    private val supervisor = SupervisorJob()
    private val scope = CoroutineScope(supervisor + Dispatchers.Default + CoroutineName("telnet-server"))
    private val sessionJobs = SupervisorJob(supervisor)
    private val liveSessions = ConcurrentHashMap<Long, TelnetSession>()
    private val liveConnections = ConcurrentHashMap<Long, TelnetConnection>()
    private val liveCount = java.util.concurrent.atomic.AtomicInteger()
    private val perAddress = ConcurrentHashMap<String, Int>()
    private val ids = AtomicLong()
    private val started = AtomicBoolean()
    private val stopping = AtomicBoolean()
    private val terminated = CompletableDeferred<Unit>()
    private var selector: SelectorManager? = null
    // Parent of the selector's loop, so that stop can wait for it to end (see stop).
    private val selectorJob = Job()
    private var serverSocket: ServerSocket? = null
    private var acceptJob: Job? = null

    /** The port the server listens on; useful after binding port 0. Valid once started. */
    public val port: Int
        get() = checkNotNull(serverSocket) { "the server is not started" }.port

    /** The sessions open right now. */
    public val sessions: List<TelnetSession> get() = liveSessions.values.sortedBy { it.id }

    /** Binds the port and starts accepting connections. Returns this server. */
    @JvmSynthetic
    public suspend fun start(): TelnetServer {
        check(started.compareAndSet(false, true)) { "the server was already started" }
        val selectorManager = SelectorManager(Dispatchers.IO + selectorJob)
        val socket = try {
            aSocket(selectorManager).tcp().bind(settings.host, settings.port) {
                reuseAddress = true
                backlogSize = BACKLOG
            }
        } catch (e: Exception) {
            selectorManager.close()
            selectorJob.complete()
            scope.coroutineContext[Job]?.cancel()
            terminated.complete(Unit)
            throw e
        }
        selector = selectorManager
        serverSocket = socket
        logger.info { "listening on ${settings.host}:${socket.port}" }
        acceptJob = scope.launch(CoroutineName("telnet-accept")) { acceptLoop(socket) }
        return this
    }

    private suspend fun acceptLoop(socket: ServerSocket) {
        while (scope.isActive) {
            val client = try {
                socket.accept()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                if (stopping.get() || socket.isClosedSafe()) break
                // Out of file descriptors and the like: back off instead of spinning.
                logger.warn { "accept failed: ${e.message}" }
                delay(ACCEPT_BACKOFF)
                continue
            }
            val address = client.remoteAddress.toJavaAddress() as? InetSocketAddress
            val host = address?.address?.hostAddress ?: address?.hostString ?: client.remoteAddress.toString()
            val remote = if (address != null) "$host:${address.port}" else host
            val perHost = perAddress.compute(host) { _, n -> (n ?: 0) + 1 }!!
            if (liveCount.incrementAndGet() > settings.maxSessions || perHost > settings.maxSessionsPerAddress) {
                release(host)
                logger.warn { "refused $remote: ${if (perHost > settings.maxSessionsPerAddress) "$perHost sessions from that address" else "${settings.maxSessions} sessions open"}" }
                scope.launch(sessionJobs) { refuseBusy(client) }
                continue
            }
            val id = ids.incrementAndGet()
            scope.launch(sessionJobs + CoroutineName("telnet-session-$id")) {
                runSession(client, id, remote) { release(host) }
            }
        }
    }

    private fun release(host: String) {
        liveCount.decrementAndGet()
        perAddress.computeIfPresent(host) { _, n -> if (n <= 1) null else n - 1 }
    }

    /** Tells a connection over a session limit, briefly, and closes it. */
    private suspend fun refuseBusy(client: io.ktor.network.sockets.Socket) {
        try {
            withTimeoutOrNull(BUSY_WRITE_TIMEOUT) {
                val channel = client.openWriteChannel(autoFlush = false)
                channel.writeFully((settings.busyMessage + "\r\n").toByteArray(Charsets.UTF_8))
                channel.flushAndClose()
            }
        } catch (e: Exception) {
            logger.debug { "busy notice not delivered: ${e.message}" }
        } finally {
            client.close()
        }
    }

    private suspend fun runSession(client: io.ktor.network.sockets.Socket, id: Long, remote: String, releaseSlot: () -> Unit) {
        val connection = try {
            TelnetConnection(client, settings, id, remote)
        } catch (e: Throwable) {
            releaseSlot()
            client.close()
            throw e
        }
        liveSessions[id] = connection.session
        liveConnections[id] = connection
        logger.info { "session $id opened from $remote" }
        try {
            connection.run(handler)
        } finally {
            // Free the slot before the session leaves the list, so a client that sees it gone can connect.
            releaseSlot()
            liveSessions.remove(id)
            liveConnections.remove(id)
            logger.info { "session $id from $remote closed after ${connection.session.duration.toMillis()} ms" }
        }
    }

    /**
     * Stops gracefully: no new connections; every session is shown [ServerSettings.shutdownNotice]
     * and its reads return null so its handler can finish; sessions still running after [grace]
     * are cancelled. Returns when everything has ended, except a session whose handler does not end
     * even when cancelled (blocked in code that ignores interrupts): a few seconds after the cancel
     * its connection is closed and it is left behind, so that stop always returns. Calling it
     * again just waits.
     */
    @JvmSynthetic
    public suspend fun stop(grace: Duration = Duration.ofSeconds(5)) {
        require(!grace.isNegative) { "grace must not be negative" }
        if (!stopping.compareAndSet(false, true)) return awaitTermination()
        acceptJob?.cancel()
        runCatching { serverSocket?.close() }
        for (session in liveSessions.values) {
            session.writeFarewell(settings.shutdownNotice)
        }
        withTimeoutOrNull(grace.toKotlinDuration()) { sessionJobs.children.toList().joinAll() }
        sessionJobs.cancel()
        if (withTimeoutOrNull(STUCK_SESSION_TIMEOUT) { sessionJobs.join() } == null) {
            for ((id, connection) in liveConnections) {
                logger.warn { "session $id did not end when cancelled (its handler ignores interrupts?): closing its connection and leaving it" }
                connection.abort()
            }
            supervisor.cancel()
        } else {
            supervisor.cancelAndJoin()
        }
        runCatching { selector?.close() }
        // A channel registered with an NIO selector is really closed (its port released) only when
        // the selector drops its key, so the listening socket may accept for a moment after close().
        // The selector's loop closes the selector when it ends: wait for that, so the port is free
        // once stop returns (a restart on the same port works, and nothing connects to a dead server).
        selectorJob.complete()
        withTimeoutOrNull(SELECTOR_CLOSE_TIMEOUT) { selectorJob.join() }
        logger.info { "stopped" }
        terminated.complete(Unit)
    }

    /** Suspends until the server has stopped. */
    @JvmSynthetic
    public suspend fun awaitTermination() {
        terminated.await()
    }

    /**
     * Shows [message] to every open session accepted by [filter] (all by default) with
     * `writeMessage`: above the prompt and the half-typed line of each. Returns how many got it.
     */
    @JvmOverloads
    public fun broadcast(message: String, filter: SessionFilter = SessionFilter.ALL): Int {
        var count = 0
        for (session in liveSessions.values) {
            if (filter.accept(session)) {
                session.writeMessage(message)
                count++
            }
        }
        return count
    }

    /** [start] for Java: binds and starts accepting, blocking until bound. */
    @JvmName("start")
    @Throws(java.io.IOException::class)
    public fun startBlocking(): TelnetServer = runBlocking { start() }

    /** [stop] for Java: blocks until the server has stopped. */
    @JvmName("stop")
    @JvmOverloads
    public fun stopBlocking(grace: Duration = Duration.ofSeconds(5)): Unit = runBlocking { stop(grace) }

    /** [awaitTermination] for Java: blocks until the server has stopped. */
    @JvmName("awaitTermination")
    @Throws(InterruptedException::class)
    public fun awaitTerminationBlocking(): Unit = runBlocking { awaitTermination() }

    /**
     * Stops the server with no grace period, blocking the calling thread until it has. For
     * try-with-resources and `use`; from a coroutine call [stop] instead.
     */
    override fun close() {
        if (!started.get()) return
        runBlocking { stop(Duration.ZERO) }
    }

    private fun ServerSocket.isClosedSafe(): Boolean = runCatching { socketContext.isCompleted }.getOrDefault(true)

    public companion object {
        private const val BACKLOG = 1024
        private val ACCEPT_BACKOFF = 100.milliseconds
        private val SELECTOR_CLOSE_TIMEOUT = 2000.milliseconds
        // Cancelled sessions get this long to finish (flush, close, onSessionEnd) before stop gives up on them.
        private val STUCK_SESSION_TIMEOUT = 5000.milliseconds
        private val BUSY_WRITE_TIMEOUT = 2000.milliseconds

        /** Starts a server declaration for Java; see [TelnetServerBuilder]. */
        @JvmStatic
        public fun builder(): TelnetServerBuilder = TelnetServerBuilder()
    }
}
