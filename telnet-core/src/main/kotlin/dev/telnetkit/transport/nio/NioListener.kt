package dev.telnetkit.transport.nio

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.io.IOException
import java.net.InetSocketAddress
import java.net.StandardSocketOptions
import java.nio.channels.ClosedChannelException
import java.nio.channels.SelectionKey
import java.nio.channels.ServerSocketChannel
import java.nio.channels.SocketChannel
import kotlin.time.Duration.Companion.milliseconds

private val logger = KotlinLogging.logger {}

/**
 * A listening socket served by a group of [EventLoop]s: the first loop accepts, and accepted
 * connections are spread over all loops in turn.
 */
@OptIn(EngineApi::class)
internal class NioListener private constructor(
    private val channel: ServerSocketChannel,
    private val loops: List<EventLoop>,
    private val context: ListenContext,
    /** Wraps each accepted socket; TLS uses it to put its engine between the socket and the session. */
    private val wrap: (LoopSocket, String, String) -> dev.telnetkit.transport.Connection,
) : Listener {
    override val port: Int = (channel.localAddress as InetSocketAddress).port
    @Volatile private var stopped = false
    private var acceptKey: SelectionKey? = null
    private var nextLoop = 0

    private suspend fun startAccepting() {
        val acceptor = loops[0]
        val registered = CompletableDeferred<Unit>()
        acceptor.execute {
            try {
                acceptKey = acceptor.register(channel, SelectionKey.OP_ACCEPT) { acceptReady() }
                registered.complete(Unit)
            } catch (e: Throwable) {
                registered.completeExceptionally(e)
            }
        }
        registered.await()
    }

    /** On the acceptor loop: takes every pending connection (bounded per turn). */
    private fun acceptReady() {
        repeat(ACCEPTS_PER_TURN) {
            if (!context.acceptsMore) {
                // Enough connections are still opening: the rest wait in the backlog a moment.
                pauseAccepting(FULL_BACKOFF)
                return
            }
            val client = try {
                channel.accept() ?: return
            } catch (e: ClosedChannelException) {
                return
            } catch (e: IOException) {
                if (stopped) return
                // Out of file descriptors and the like: stop accepting for a moment instead of spinning.
                logger.warn { "accept failed: ${e.message}" }
                pauseAccepting(ACCEPT_BACKOFF)
                return
            }
            accepted(client)
        }
    }

    private fun pauseAccepting(backoff: kotlin.time.Duration) {
        val key = acceptKey ?: return
        runCatching { key.interestOps(0) }
        context.scope.launch {
            delay(backoff)
            loops[0].execute { if (!stopped && key.isValid) runCatching { key.interestOps(SelectionKey.OP_ACCEPT) } }
        }
    }

    private fun accepted(client: SocketChannel) {
        val address = runCatching { client.remoteAddress as? InetSocketAddress }.getOrNull()
        val host = address?.address?.hostAddress ?: address?.hostString ?: "unknown"
        val remote = when {
            address == null -> host
            host.contains(':') -> "[$host]:${address.port}"
            else -> "$host:${address.port}"
        }
        val early: ByteArray?
        try {
            client.configureBlocking(false)
            client.setOption(StandardSocketOptions.TCP_NODELAY, true)
            early = readEarly(client)
        } catch (e: IOException) {
            logger.debug { "connection from $remote lost at once: ${e.message}" }
            runCatching { client.close() }
            return
        }
        val loop = loops[nextLoop]
        nextLoop = (nextLoop + 1) % loops.size
        val socket = LoopSocket(client, loop)
        if (early != null && early.isNotEmpty()) socket.keepUnread(early)
        context.accepted(wrap(socket, remote, host))
    }

    /**
     * One read straight after the accept, before the connection takes a slot: a client that has
     * already closed (connect-and-close churn, a reset) is seen here and never becomes a session.
     * Returns what the client already sent (empty for nothing yet); throws at its end or reset.
     */
    private fun readEarly(client: SocketChannel): ByteArray {
        val buffer = loops[0].readBuffer // this runs on the acceptor, loops[0]
        buffer.clear()
        if (buffer.capacity() > EARLY_READ) buffer.limit(EARLY_READ)
        val n = client.read(buffer)
        if (n < 0) throw IOException("closed by the client before it was served")
        buffer.flip()
        return if (n == 0) EMPTY else ByteArray(n).also { buffer.get(it) }
    }

    override fun stopAccepting() {
        stopped = true
        loops[0].execute { acceptKey?.cancel(); runCatching { channel.close() } }
    }

    override suspend fun close() {
        stopAccepting()
        // A channel registered with an NIO selector is really closed (its port released) only when
        // the selector drops its key; the loops close their selectors when they end: wait for that,
        // so the port is free once close returns (a restart on the same port works).
        withContext(Dispatchers.IO) { EventLoop.shutdownAll(loops, SELECTOR_CLOSE_TIMEOUT.inWholeMilliseconds) }
    }

    companion object {
        private const val ACCEPTS_PER_TURN = 256
        private val ACCEPT_BACKOFF = 100.milliseconds
        private val FULL_BACKOFF = 5.milliseconds
        private const val EARLY_READ = 4096
        private val EMPTY = ByteArray(0)
        private val SELECTOR_CLOSE_TIMEOUT = 2000.milliseconds

        /** Binds [host]:[port] and starts accepting on a new group of loops. */
        suspend fun bind(
            host: String,
            port: Int,
            context: ListenContext,
            name: String = "telnet-loop",
            wrap: (LoopSocket, String, String) -> dev.telnetkit.transport.Connection = ::NioConnection,
        ): NioListener {
            val channel = ServerSocketChannel.open()
            try {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true)
                channel.bind(InetSocketAddress(host, port), context.backlog)
                channel.configureBlocking(false)
            } catch (e: Exception) {
                // The port is taken, say: the channel opened for it must not stay open.
                channel.close()
                throw e
            }
            val loops = EventLoop.group(name, context.threads)
            val listener = NioListener(channel, loops, context, wrap)
            try {
                listener.startAccepting()
            } catch (e: Throwable) {
                channel.close()
                EventLoop.shutdownAll(loops, SELECTOR_CLOSE_TIMEOUT.inWholeMilliseconds)
                throw e
            }
            return listener
        }
    }
}
