package dev.telnetkit.ssh

import kotlinx.coroutines.delay
import org.apache.sshd.client.SshClient
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier
import org.apache.sshd.client.session.ClientSession
import org.apache.sshd.common.keyprovider.KeyIdentityProvider
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.StandardSocketOptions
import java.nio.ByteBuffer
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.nio.channels.SocketChannel
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import kotlin.time.toJavaDuration

/**
 * Raw TCP clients for hostile tests: many non-blocking sockets on one selector, each remembering
 * what the server sent and whether the server closed it (EOF or reset). Used from one thread.
 */
class RawClients : AutoCloseable {
    /** One raw connection. */
    class Raw(val channel: SocketChannel, val from: String) {
        val received = ByteArrayOutputStream()
        /** True once the server closed the connection (a read saw EOF or a reset). */
        var closedByServer = false
            internal set
        val receivedText: String get() = received.toString(Charsets.ISO_8859_1)
    }

    private val selector = Selector.open()
    private val buffer = ByteBuffer.allocate(64 * 1024)
    val all = mutableListOf<Raw>()

    /** Connects to 127.0.0.1:[port] from the local address [from] (any 127.x.y.z works on Linux loopback). */
    fun open(port: Int, from: String = "127.0.0.1", send: ByteArray? = null): Raw {
        val channel = SocketChannel.open()
        channel.setOption(StandardSocketOptions.SO_LINGER, 0)
        channel.bind(InetSocketAddress(from, 0))
        channel.connect(InetSocketAddress("127.0.0.1", port))
        if (send != null) {
            val out = ByteBuffer.wrap(send)
            while (out.hasRemaining()) channel.write(out)
        }
        channel.configureBlocking(false)
        val raw = Raw(channel, from)
        channel.register(selector, SelectionKey.OP_READ, raw)
        all += raw
        return raw
    }

    val closedCount: Int get() = all.count { it.closedByServer }

    /** Reads what is there until [done] holds or [timeout] passes; returns whether [done] held. */
    fun pumpUntil(timeout: Duration, done: () -> Boolean): Boolean {
        val mark = TimeSource.Monotonic.markNow()
        while (true) {
            if (done()) return true
            val left = timeout - mark.elapsedNow()
            if (left <= Duration.ZERO) return done()
            selector.select(left.inWholeMilliseconds.coerceIn(1, 100))
            val keys = selector.selectedKeys().iterator()
            while (keys.hasNext()) {
                val key = keys.next()
                keys.remove()
                val raw = key.attachment() as Raw
                val n = try {
                    buffer.clear()
                    raw.channel.read(buffer)
                } catch (_: IOException) {
                    -1
                }
                if (n < 0) {
                    raw.closedByServer = true
                    key.cancel()
                } else if (n > 0) {
                    raw.received.write(buffer.array(), 0, n)
                }
            }
        }
    }

    /** Reads for [time], whatever happens. */
    fun pumpFor(time: Duration) {
        pumpUntil(time) { false }
    }

    override fun close() {
        for (raw in all) runCatching { raw.channel.close() }
        runCatching { selector.close() }
    }
}

/** The SSH identification line a client sends first. */
val CLIENT_IDENT = "SSH-2.0-Hostile_1.0\r\n".toByteArray()

/** Polls [check] every 50 ms until it holds, failing with [message] after [timeout]. */
suspend fun awaitTrue(timeout: Duration, message: () -> String, check: () -> Boolean) {
    val mark = TimeSource.Monotonic.markNow()
    while (!check()) {
        if (mark.elapsedNow() > timeout) throw AssertionError("not true within $timeout: ${message()}")
        delay(50.milliseconds)
    }
}

/** MINA's SSH client, trusting any host key and reading no configuration or keys of the user's. */
fun minaClient(): SshClient = SshClient.setUpDefaultClient().apply {
    serverKeyVerifier = AcceptAllServerKeyVerifier.INSTANCE
    hostConfigEntryResolver = HostConfigEntryResolver.EMPTY
    keyIdentityProvider = KeyIdentityProvider.EMPTY_KEYS_PROVIDER
    start()
}

/** A session of [user] logged in with [password] to 127.0.0.1:[port]. */
fun SshClient.login(port: Int, user: String, password: String, timeout: Duration = 20.seconds): ClientSession {
    val session = connect(user, "127.0.0.1", port).verify(timeout.toJavaDuration()).session
    try {
        session.addPasswordIdentity(password)
        session.auth().verify(timeout.toJavaDuration())
    } catch (e: Exception) {
        session.close(true)
        throw e
    }
    return session
}
