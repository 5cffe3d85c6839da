package dev.telnetkit.server

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.ServerStatistics
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionFilter
import dev.telnetkit.session.SessionContext
import dev.telnetkit.session.SessionEvents
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.SessionLimits
import dev.telnetkit.session.NonBlockingThread
import dev.telnetkit.session.blockingCallerContext
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginLockout
import dev.telnetkit.shell.LoginThrottle
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.nio.NioTransport
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.session.LogText
import kotlinx.coroutines.CancellationException
import java.io.IOException
import javax.net.ssl.SSLException
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.job
import kotlinx.coroutines.joinAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.selects.select
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.ExecutorService
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * A Telnet server: accepts connections on [ServerSettings.host]:[ServerSettings.port] over the
 * [ServerSettings.transport] and runs [handler] for each one in a coroutine of its own, after the
 * opening negotiation.
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
@OptIn(EngineApi::class)
public class TelnetServer(
    /** The settings this server runs with. */
    public val settings: ServerSettings,
    private val handler: SessionHandler,
) : AutoCloseable {
    private val supervisor = SupervisorJob()
    private val scope = CoroutineScope(supervisor + Dispatchers.Default + CoroutineName("telnet-server"))
    private val sessionJobs = SupervisorJob(supervisor)
    // The open sessions' connections (each knows its session and its id): a set, no boxed id per session.
    private val liveConnections: MutableSet<SessionConnection> = ConcurrentHashMap.newKeySet()
    private val admissions = Admissions(settings)
    // Connections waiting for a startup slot of their address (see accepted).
    private val waitingForSlot = AtomicInteger()
    private val ids = AtomicLong()
    private val started = AtomicBoolean()
    private val stopping = AtomicBoolean()
    private val terminated = CompletableDeferred<Unit>()
    // Every listener bound, the main port's first, with its transport's name.
    @Volatile private var listeners: List<Pair<String, Listener>> = emptyList()

    /** The server's running totals since it started: sessions, commands, logins, bytes, cut-offs. */
    public val statistics: ServerStatistics = ServerStatistics { liveConnections.size }

    // The statistics and the observers, one object that every session reaches through its limits.
    private val events = SessionEvents(statistics, settings.observers)

    // Shared with transports that authenticate users themselves (SSH), so failures count together.
    // The lockout reports the lockouts it decides to this server (a shell's, shared by two servers,
    // to the last one made).
    private val loginLockout: LoginLockout = ((handler as? CommandShell)?.loginLockout
        ?: LoginThrottle(DEFAULT_LOCKOUT_THRESHOLD, DEFAULT_LOCKOUT_WINDOW_MS, DEFAULT_LOCKOUT_MS))
        .also { (it as? LoginThrottle)?.events = events }
    // What every session works with, made once: an idle session's memory is what bounds a server.
    private val sessionLimits = SessionLimits(
        charset = settings.protocol.charsets.first(),
        outputBufferLimit = settings.outputBufferLimit,
        outputStallTimeout = settings.outputStallTimeout,
        maxLineLength = settings.maxLineLength,
        historySize = settings.historySize,
        escapeTimeout = settings.escapeTimeout,
        events = events,
    )
    // The stop runs once, in a scope of its own: not under the supervisor it cancels, and not in
    // its caller, so that neither a caller's cancellation nor the end of a session cuts it short.
    private val stopScope = CoroutineScope(Dispatchers.Default + CoroutineName("telnet-server-stop"))
    // Completed by the stop once no connection can be accepted any more (every session is launched).
    private val acceptClosed = CompletableDeferred<Unit>()
    // Where blocking code runs (set by start), and the executor this server made for it, if it did.
    private lateinit var blockingDispatcher: CoroutineDispatcher
    private var ownedExecutor: ExecutorService? = null
    @Volatile private var boundPort = -1

    /** The port the server listens on; useful after binding port 0. Valid once started. */
    public val port: Int
        get() = boundPort.also { check(it >= 0) { "the server is not started" } }

    /**
     * The port bound by the listener of the transport called [transportName] (`nio`, `ssh`, ...):
     * the main port's transport first, then [ServerSettings.endpoints] in order. Valid once started.
     * @throws IllegalArgumentException when no endpoint has that transport.
     */
    public fun portOf(transportName: String): Int {
        check(boundPort >= 0) { "the server is not started" }
        return listeners.firstOrNull { it.first.equals(transportName, ignoreCase = true) }?.second?.port
            ?: throw IllegalArgumentException("no endpoint of transport '$transportName'; there are: ${listeners.joinToString { it.first }}")
    }

    /** The sessions open right now. */
    // A copy first: sorting a live view directly can see a size that a session ending meanwhile makes stale.
    public val sessions: List<Session> get() = ArrayList(liveConnections).map { it.session }.sortedBy { it.id }

    /** Binds the port and starts accepting connections. Returns this server. */
    @JvmSynthetic
    public suspend fun start(): TelnetServer {
        check(started.compareAndSet(false, true)) { "the server was already started" }
        val transport = settings.transport
        val blockingExecutor = settings.blockingExecutor ?: BlockingExecutors.create().also { ownedExecutor = it }
        blockingDispatcher = blockingExecutor.asCoroutineDispatcher()
        val bound = mutableListOf<Pair<String, Listener>>()
        try {
            val tls = settings.tls
            val main = if (tls == null) {
                transport.listen(settings.host, settings.port, listenContext(transport.name))
            } else {
                require(transport === NioTransport) {
                    "TLS (ServerSettings.tls) is served by the NIO transport only, not by '${transport.name}': " +
                        "use Transport.nio(), or terminate TLS in front of the server"
                }
                // Built once, here: a missing file or a wrong password fails the start, named by the settings.
                NioTransport.listenTls(settings.host, settings.port, listenContext(transport.name), tls, tls.sslContext())
            }
            bound += transport.name to main
            logger.info { "listening on ${settings.host}:${main.port} (${transport.name}${tlsDescription()})" }
            for (endpoint in settings.endpoints) {
                val name = endpoint.transport.name
                val host = endpoint.host ?: settings.host
                val listener = endpoint.transport.listen(host, endpoint.port, listenContext(name))
                bound += name to listener
                // An endpoint may bind no port (metrics that only run with the server).
                logger.info { if (listener.port >= 0) "listening on $host:${listener.port} ($name)" else "started $name" }
            }
        } catch (e: Exception) {
            // A port is taken, say: nothing of the server may stay running.
            for ((_, listener) in bound) {
                listener.stopAccepting()
                withTimeoutOrNull(LISTENER_CLOSE_TIMEOUT) { listener.close() }
            }
            scope.coroutineContext[Job]?.cancel()
            ownedExecutor?.shutdown()
            terminated.complete(Unit)
            throw e
        }
        listeners = bound
        boundPort = bound.first().second.port
        if (!settings.idleTimeout.isZero) scope.launch(CoroutineName("telnet-idle-sweep")) { sweepIdle() }
        return this
    }

    private fun tlsDescription(): String = when (settings.tls?.mode) {
        null -> ""
        TlsMode.TLS_ONLY -> ", TLS only"
        TlsMode.AUTO_DETECT -> ", TLS and plain Telnet"
    }

    private fun listenContext(transportName: String) = object : ListenContext {
        override val scope: CoroutineScope get() = this@TelnetServer.scope
        override val threads: Int get() = settings.eventLoops
        override val backlog: Int get() = BACKLOG
        // Failed logins are reported for the transport that saw them (SSH authenticates before any session).
        override val loginLockout: LoginLockout = ReportingLockout(this@TelnetServer.loginLockout, events, transportName)
        override val acceptsMore: Boolean get() = admissions.acceptsMore
        override val sessions: List<Session> get() = this@TelnetServer.sessions
        override val statistics: ServerStatistics get() = this@TelnetServer.statistics
        override fun accepted(connection: Connection) = this@TelnetServer.accepted(connection, transportName)
    }

    /**
     * One sweep for all sessions instead of a timer each: every tenth of the idle timeout (10 ms to
     * 1 s), sessions with no input for the whole timeout are told and closed.
     */
    private suspend fun sweepIdle() {
        val period = (settings.idleTimeout.toMillis() / 10).coerceIn(10, 1000).milliseconds
        while (true) {
            delay(period)
            for (connection in liveConnections) {
                // One session's failure must not end idle timeouts for every other.
                try {
                    connection.closeIfIdle()
                } catch (e: Exception) {
                    logger.error(e) { "idle check of session ${connection.session.id} failed" }
                }
            }
        }
    }

    /** A transport accepted [connection]: its session starts, or it is refused over a limit. */
    private fun accepted(connection: Connection, transportName: String) {
        val host = connection.remoteHost
        if (stopping.get()) {
            connection.close()
            return
        }
        val first = admissions.admit(host)
        val refusal = (first as? Admissions.Result.Refused)?.reason
        // Over the opening limit of its address, a connection waits a moment for a slot: churn from
        // that address (clients that closed but whose end is not seen yet) frees slots soon. The
        // waiting are bounded by maxStartups in all; over that, or over a session limit, refused now.
        val waits = refusal == Admissions.Refusal.STARTUPS_PER_ADDRESS && waitingForSlot.incrementAndGet().let { n ->
            n <= settings.maxStartups || run { waitingForSlot.decrementAndGet(); false }
        }
        if (refusal != null && !waits) {
            refuse(connection, refusal)
            return
        }
        val id = ids.incrementAndGet()
        val context = SessionContext(blockingDispatcher, this)
        // The coroutine below is the bottom frame of the session for as long as it lasts: it captures
        // as little as it can (the address strings are the connection's, the admission without its result).
        val admitted = (first as? Admissions.Result.Admitted)?.admission
        scope.launch(sessionJobs + connection.dispatcher + context, start = CoroutineStart.ATOMIC) {
            context.sessionJob = coroutineContext.job
            // The opening in a function of its own, whose frame is gone once the session runs: across
            // the run, this frame keeps only the session.
            val session = openSession(connection, admitted, id, transportName) ?: return@launch
            try {
                session.run(handler)
            } finally {
                liveConnections.remove(session)
                logger.info { "session ${session.session.id} from ${session.session.remoteAddress} closed after ${session.session.duration.toMillis()} ms" }
            }
        }
    }

    /**
     * Waits for a startup slot if [admitted] is null, opens [connection] and makes its session, now
     * in the list of live ones (it frees its admission slot itself when it has run); null, with the
     * connection refused or closed and the slot freed, if it is not to run.
     */
    private suspend fun openSession(connection: Connection, admitted: Admissions.Admission?, id: Long, transportName: String): SessionConnection? {
        val admission = admitted ?: awaitSlot(connection.remoteHost)
        if (admission == null) {
            logger.warn { "refused ${connection.remoteAddress}: ${refusalText(Admissions.Refusal.STARTUPS_PER_ADDRESS)}" }
            refuseBusy(connection)
            return null
        }
        // The opening (a TLS handshake) may be cancelled by a server stop: the slot is given back then too.
        val opened = try {
            open(connection)
        } catch (e: Throwable) {
            admission.release()
            connection.close()
            throw e
        }
        if (!opened) {
            admission.release()
            return null
        }
        val session = try {
            SessionConnection(connection, settings, sessionLimits, id, connection.transportName ?: transportName, admission, refusalTexts)
        } catch (e: Throwable) {
            admission.release()
            connection.close()
            throw e
        }
        liveConnections.add(session)
        logger.info { "session $id opened from ${connection.remoteAddress}" }
        return session
    }

    /** [awaitStartupSlot] for a connection counted among those waiting for one. */
    private suspend fun awaitSlot(host: String): Admissions.Admission? =
        try { awaitStartupSlot(host) } finally { waitingForSlot.decrementAndGet() }

    private fun refuse(connection: Connection, reason: Admissions.Refusal) {
        logger.warn { "refused ${connection.remoteAddress}: ${refusalText(reason)}" }
        // ATOMIC: started even if a stop cancelled sessionJobs meanwhile, so the connection is closed.
        scope.launch(sessionJobs + connection.dispatcher, start = CoroutineStart.ATOMIC) { refuseBusy(connection) }
    }

    /** Polls for a startup slot for [host] for up to a second; null if none came (or a session limit filled). */
    private suspend fun awaitStartupSlot(host: String): Admissions.Admission? {
        val deadline = System.nanoTime() + SLOT_WAIT.inWholeNanoseconds
        while (System.nanoTime() < deadline) {
            delay(SLOT_POLL)
            when (val result = admissions.admit(host)) {
                is Admissions.Result.Admitted -> return result.admission
                is Admissions.Result.Refused -> if (result.reason != Admissions.Refusal.STARTUPS_PER_ADDRESS) return null
            }
        }
        return null
    }

    // One for every session, not a function reference made per session.
    private val refusalTexts: (Admissions.Refusal) -> String = ::refusalText

    private fun refusalText(reason: Admissions.Refusal): String = when (reason) {
        Admissions.Refusal.SESSIONS -> "${settings.maxSessions} ${reason.logText}"
        Admissions.Refusal.SESSIONS_PER_ADDRESS -> "${settings.maxSessionsPerAddress} ${reason.logText}"
        Admissions.Refusal.STARTUPS -> "${settings.maxStartups} ${reason.logText}"
        Admissions.Refusal.STARTUPS_PER_ADDRESS -> "${settings.maxStartupsPerAddress} ${reason.logText}"
        Admissions.Refusal.GONE -> reason.logText
    }

    /** Tells a connection over a session limit, briefly, and closes it. */
    private suspend fun refuseBusy(connection: Connection) {
        try {
            connection.open()
            // Where the transport reports one (SSH), the refusal is a failure.
            connection.terminal?.exitStatus = BUSY_EXIT_STATUS
            val notice = OutputQueue(settings.outputBufferLimit)
            connection.attachOutput(notice)
            notice.offer((settings.busyMessage + "\r\n").toByteArray(Charsets.UTF_8))
            withTimeoutOrNull(BUSY_WRITE_TIMEOUT) {
                notice.awaitDrained()
                connection.shutdownOutput()
            }
        } catch (e: Exception) {
            logger.debug { "busy notice not delivered: ${e.message}" }
        } finally {
            connection.close()
        }
    }

    /**
     * Opens [connection] (a TLS handshake, say) before its session exists; false, with a log line
     * naming the client and the reason, if it cannot be served. The connection is then closed.
     */
    private suspend fun open(connection: Connection): Boolean {
        try {
            connection.open()
            return true
        } catch (e: CancellationException) {
            connection.close()
            throw e
        } catch (e: SSLException) {
            // A client that failed TLS: the operator should hear of it, once, without a stack trace.
            logger.warn { "connection from ${connection.remoteAddress} closed before its session: ${LogText.escape(e.message ?: e.toString())}" }
        } catch (e: IOException) {
            logger.info { "connection from ${connection.remoteAddress} closed before its session: ${LogText.escape(e.message ?: e.toString())}" }
        } catch (e: Exception) {
            logger.error(e) { "connection from ${connection.remoteAddress} could not be opened" }
        }
        connection.close()
        return false
    }

    /**
     * Stops gracefully: no new connections; every session is shown [ServerSettings.shutdownNotice]
     * and its reads return null so its handler can finish; sessions still running after [grace]
     * are cancelled. Returns when everything has ended, except a session whose handler does not end
     * even when cancelled (blocked in code that ignores interrupts): a few seconds after the cancel
     * its connection is closed and it is left behind, so that stop always returns. The blocking
     * executor the server made is shut down then (one given in [ServerSettings.blockingExecutor]
     * is not).
     *
     * The stop runs on its own, in the server's scope: cancelling a caller stops only its wait, and
     * calling it again (with any [grace]) just waits for the stop under way.
     *
     * From inside one of this server's sessions (a `shutdown` command, say) it cannot wait for its
     * own session, which ends only once the caller returns. There it returns as soon as every
     * other session has ended (or been left behind): the calling session has been shown the notice
     * like the others, its reads return null from now on, and its handler should finish; it is
     * cancelled if still running after [grace], the caller's wait with it. The server finishes
     * stopping once that session has ended: [awaitTermination] waits for that, so a session must
     * not call it.
     */
    @JvmSynthetic
    public suspend fun stop(grace: Duration = Duration.ofSeconds(5)) {
        require(!grace.isNegative) { "grace must not be negative" }
        if (stopping.compareAndSet(false, true)) stopScope.launch { stopNow(grace) }
        val ownSession = currentCoroutineContext()[SessionContext]?.takeIf { it.server === this }?.sessionJob
        if (ownSession == null) awaitTermination() else awaitOtherSessions(ownSession)
    }

    /** Waits until every session but [own] has ended, or the server has stopped without it. */
    private suspend fun awaitOtherSessions(own: Job) {
        coroutineScope {
            val othersEnded = launch {
                acceptClosed.await()
                while (true) {
                    val others = sessionJobs.children.filter { it !== own }.toList()
                    if (others.isEmpty()) break
                    others.joinAll()
                }
            }
            // A session left behind (it ignores cancellation) never ends; the stop then completes without it.
            select {
                othersEnded.onJoin {}
                terminated.onAwait {}
            }
            othersEnded.cancel()
        }
    }

    private suspend fun stopNow(grace: Duration) {
        try {
            for ((_, listener) in listeners) listener.stopAccepting()
            acceptClosed.complete(Unit)
            for (connection in liveConnections) {
                connection.session.writeFarewell(settings.shutdownNotice)
            }
            withTimeoutOrNull(grace.toKotlinDuration()) { sessionJobs.children.toList().joinAll() }
            sessionJobs.cancel()
            if (withTimeoutOrNull(STUCK_SESSION_TIMEOUT) { sessionJobs.join() } == null) {
                for (connection in liveConnections) {
                    val id = connection.session.id
                    logger.warn { "session $id did not end when cancelled (its handler ignores interrupts?): closing its connection and leaving it" }
                    connection.abort()
                }
                supervisor.cancel()
            } else {
                supervisor.cancelAndJoin()
            }
            // The transport releases its threads and the port: a restart on the same port works once stop returns.
            for ((_, listener) in listeners) withTimeoutOrNull(LISTENER_CLOSE_TIMEOUT) { listener.close() }
            ownedExecutor?.shutdown()
            logger.info { "stopped" }
        } catch (e: Throwable) {
            logger.error(e) { "stop failed" }
        } finally {
            acceptClosed.complete(Unit)
            terminated.complete(Unit)
        }
    }

    /** Suspends until the server has stopped. */
    @JvmSynthetic
    public suspend fun awaitTermination() {
        terminated.await()
    }

    /**
     * For a program's `main`: waits until the process is asked to end (SIGTERM, as `kill` and
     * service managers send it, or SIGINT, Ctrl-C), then stops this server gracefully as
     * [stop] with [grace] does (every session is shown [ServerSettings.shutdownNotice]), and returns
     * once it has stopped, so that `main` can return and the process exit with status 0. Also
     * returns when the server stops otherwise (a `shutdown` command calling [stop]).
     *
     * ```kotlin
     * fun main() = runBlocking {
     *     val server = telnetServer { … }.start()
     *     server.awaitShutdownSignal()
     * }
     * ```
     *
     * The signals are handled only while some server waits here; every waiting server of the
     * process is stopped by one signal. The first signal gives them back to the handlers they had
     * before (by default the JVM's, which exits at once), so a second Ctrl-C during a slow stop
     * ends the process. Where the JVM lets no code handle them (`-Xrs`, or no `jdk.unsupported`
     * module) a shutdown hook stops the server instead, and the process exits with the signal's
     * status (143 for SIGTERM). Call it from `main`, not from a session.
     * @throws IllegalStateException when the server is not started.
     */
    @JvmSynthetic
    public suspend fun awaitShutdownSignal(grace: Duration = Duration.ofSeconds(5)) {
        require(!grace.isNegative) { "grace must not be negative" }
        check(started.get()) { "the server is not started" }
        val waiter = ShutdownSignals.Waiter(this, grace)
        ShutdownSignals.register(waiter)
        try {
            val signal = select {
                waiter.signal.onAwait { it }
                terminated.onAwait { null }
            }
            if (signal != null) {
                logger.info { "$signal: stopping" }
                stop(grace)
            }
        } finally {
            ShutdownSignals.unregister(waiter)
        }
    }

    /**
     * Shows [message] to every open session accepted by [filter] (all by default) with
     * `writeMessage`: above the prompt and the half-typed line of each. Returns how many got it.
     */
    @JvmOverloads
    public fun broadcast(message: String, filter: SessionFilter = SessionFilter.ALL): Int {
        var count = 0
        for (connection in liveConnections) {
            val session = connection.session
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

    /**
     * [stop] for Java: blocks until the server has stopped, or, called from blocking code of one of
     * its sessions (a Java command handler), until every other session has ended, as [stop] does.
     * Not on an event-loop thread: coroutines there call [stop].
     */
    @JvmName("stop")
    @JvmOverloads
    public fun stopBlocking(grace: Duration = Duration.ofSeconds(5)) {
        check(Thread.currentThread() !is NonBlockingThread) { "TelnetServer.stop() blocks: on a TelnetKit event-loop thread call the suspending stop" }
        runBlocking(blockingCallerContext()) { stop(grace) }
    }

    /** [awaitTermination] for Java: blocks until the server has stopped. */
    @JvmName("awaitTermination")
    @Throws(InterruptedException::class)
    public fun awaitTerminationBlocking(): Unit = runBlocking { awaitTermination() }

    /**
     * [awaitShutdownSignal] for Java's `main`: blocks until SIGTERM or SIGINT has stopped the server
     * gracefully (or it stopped otherwise).
     */
    @JvmName("awaitShutdownSignal")
    @JvmOverloads
    @Throws(InterruptedException::class)
    public fun awaitShutdownSignalBlocking(grace: Duration = Duration.ofSeconds(5)) {
        check(Thread.currentThread() !is NonBlockingThread) { "TelnetServer.awaitShutdownSignal() blocks: on a TelnetKit event-loop thread call the suspending form" }
        runBlocking { awaitShutdownSignal(grace) }
    }

    /**
     * Stops the server with no grace period, blocking the calling thread until it has (from blocking
     * code of one of its sessions: until the others have ended, see [stop]). For try-with-resources
     * and `use`; from a coroutine call [stop] instead.
     */
    override fun close() {
        if (!started.get()) return
        check(Thread.currentThread() !is NonBlockingThread) { "TelnetServer.close() blocks: on a TelnetKit event-loop thread call the suspending stop" }
        runBlocking(blockingCallerContext()) { stop(Duration.ZERO) }
    }

    public companion object {
        private const val BACKLOG = 4096
        // Cancelled sessions get this long to finish (flush, close, onSessionEnd) before stop gives up on them.
        private val STUCK_SESSION_TIMEOUT = 5000.milliseconds
        private val BUSY_WRITE_TIMEOUT = 2000.milliseconds
        private const val BUSY_EXIT_STATUS = 1
        private val SLOT_POLL = 10.milliseconds
        private val SLOT_WAIT = 1000.milliseconds
        private val LISTENER_CLOSE_TIMEOUT = 5000.milliseconds
        // The lockout when the handler has no login of its own: as LoginSettings' defaults.
        private const val DEFAULT_LOCKOUT_THRESHOLD = 10
        private const val DEFAULT_LOCKOUT_WINDOW_MS = 10 * 60_000L
        private const val DEFAULT_LOCKOUT_MS = 5 * 60_000L

        /** Starts a server declaration for Java; see [TelnetServerBuilder]. */
        @JvmStatic
        public fun builder(): TelnetServerBuilder = TelnetServerBuilder()
    }
}
