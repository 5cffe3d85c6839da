package dev.telnetkit.ktor

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.TransportProvider
import io.github.oshai.kotlinlogging.KotlinLogging
import io.ktor.network.selector.SelectorManager
import io.ktor.network.sockets.InetSocketAddress
import io.ktor.network.sockets.ServerSocket
import io.ktor.network.sockets.aSocket
import io.ktor.network.sockets.port
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlin.time.Duration.Companion.milliseconds

private val logger = KotlinLogging.logger {}

/**
 * A transport on ktor-network: the server socket is `aSocket(selector).tcp().bind(…)` and each
 * connection is served through its `openReadChannel()` and `openWriteChannel()`, with one reading
 * and one writing coroutine, as ktor's own CIO server does. Sessions run on a dispatcher limited to
 * the server's `eventLoops` threads (one connection's code never runs on two threads at once).
 *
 * Select it with `transport = KtorTransport()` in the DSL, `.transport(new KtorTransport())` in the
 * Java builder, `Transport.named("ktor")`, or `--transport ktor` on the demo's command line.
 * Plain Telnet only: TLS is served by the default transport.
 */
public class KtorTransport : Transport {
    override val name: String get() = NAME

    @EngineApi
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener {
        val selector = SelectorManager(Dispatchers.IO)
        val server = try {
            aSocket(selector).tcp().bind(InetSocketAddress(host, port)) {
                backlogSize = context.backlog
                reuseAddress = true
            }
        } catch (e: Throwable) {
            selector.close()
            throw e
        }
        @OptIn(ExperimentalCoroutinesApi::class)
        val sessions: CoroutineDispatcher = Dispatchers.Default.limitedParallelism(context.threads)
        val connections = SupervisorJob(context.scope.coroutineContext[Job])
        val acceptor = context.scope.launch(Dispatchers.IO + CoroutineName("ktor-accept")) {
            acceptLoop(server, context, sessions, connections)
        }
        return KtorListener(server, selector, acceptor, connections)
    }

    private suspend fun acceptLoop(server: ServerSocket, context: ListenContext, sessions: CoroutineDispatcher, connections: Job) {
        while (currentCoroutineContext().isActive) {
            // Enough connections are still opening (maxStartups): the rest wait in the backlog a moment.
            while (!context.acceptsMore) delay(FULL_BACKOFF)
            val socket = try {
                server.accept()
            } catch (e: CancellationException) {
                throw e
            } catch (e: Throwable) {
                if (server.socketContext.isCancelled || !currentCoroutineContext().isActive) return
                // Out of file descriptors and the like: wait a moment instead of spinning.
                logger.warn { "accept failed: ${e.message}" }
                delay(ACCEPT_BACKOFF)
                continue
            }
            @OptIn(ExperimentalCoroutinesApi::class)
            val connection = KtorConnection(socket, sessions.limitedParallelism(1), context.scope, connections)
            context.accepted(connection)
        }
    }

    override fun toString(): String = name

    /** The name of this transport. */
    public companion object {
        /** What [Transport.named] and `--transport` know this transport by. */
        public const val NAME: String = "ktor"
        private val ACCEPT_BACKOFF = 100.milliseconds
        private val FULL_BACKOFF = 5.milliseconds
    }
}

/** The bound ktor server socket. */
@OptIn(EngineApi::class)
private class KtorListener(
    private val server: ServerSocket,
    private val selector: SelectorManager,
    private val acceptor: Job,
    private val connections: Job,
) : Listener {
    override val port: Int = server.port

    override fun stopAccepting() {
        acceptor.cancel()
        server.close()
    }

    override suspend fun close() {
        stopAccepting()
        acceptor.join()
        connections.cancelAndJoin()
        withContext(Dispatchers.IO) { selector.close() }
    }
}

/** Finds [KtorTransport] by name (`ktor`) for `Transport.named`. */
public class KtorTransportProvider : TransportProvider {
    override val name: String get() = KtorTransport.NAME
    override fun create(): Transport = KtorTransport()
}
