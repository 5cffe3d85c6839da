package dev.telnetkit.mud

import java.io.ByteArrayOutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.util.concurrent.TimeUnit
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.thread
import kotlin.concurrent.withLock

/**
 * A raw socket client for wire-level tests: sends exactly the bytes it is given and records
 * exactly what the server sends, with waits for a byte count, a byte pattern, or quiet.
 */
class RawTelnetClient(port: Int) : AutoCloseable {
    private val socket = Socket().apply {
        connect(InetSocketAddress("127.0.0.1", port), 5000)
        tcpNoDelay = true
    }
    private val lock = ReentrantLock()
    private val arrived = lock.newCondition()
    private val received = ByteArrayOutputStream()
    private var taken = 0
    private var lastArrival = System.nanoTime()

    @Volatile var closedByServer = false
        private set

    private val reader = thread(isDaemon = true, name = "raw-telnet-client") {
        val buffer = ByteArray(65536)
        val input = socket.getInputStream()
        try {
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                lock.withLock {
                    received.write(buffer, 0, n)
                    lastArrival = System.nanoTime()
                    arrived.signalAll()
                }
            }
        } catch (_: Exception) {
        } finally {
            closedByServer = true
            lock.withLock { arrived.signalAll() }
        }
    }

    fun send(bytes: ByteArray) {
        socket.getOutputStream().apply {
            write(bytes)
            flush()
        }
    }

    fun send(text: String): Unit = send(text.toByteArray(Charsets.UTF_8))

    /** Bytes received and not yet taken. */
    private fun pending(): ByteArray = received.toByteArray().copyOfRange(taken, received.size())

    /**
     * Waits until at least [count] untaken bytes arrived (or [timeoutMs]), then until nothing new
     * arrived for [quietMs]; takes and returns everything untaken.
     */
    fun take(count: Int, timeoutMs: Long = 10_000, quietMs: Long = 150): ByteArray = lock.withLock {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)
        while (received.size() - taken < count && !closedByServer) {
            val left = deadline - System.nanoTime()
            if (left <= 0) break
            arrived.awaitNanos(left)
        }
        val quiet = TimeUnit.MILLISECONDS.toNanos(quietMs)
        while (true) {
            val left = lastArrival + quiet - System.nanoTime()
            if (left <= 0 || closedByServer) break
            arrived.awaitNanos(left)
        }
        pending().also { taken = received.size() }
    }

    /** Waits until the untaken bytes contain [pattern] (or [timeoutMs]); takes everything up to and including it. */
    fun takeUntil(pattern: ByteArray, timeoutMs: Long = 10_000): ByteArray = lock.withLock {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs)
        while (true) {
            val bytes = pending()
            val at = indexOf(bytes, pattern)
            if (at >= 0) {
                taken += at + pattern.size
                return bytes.copyOfRange(0, at + pattern.size)
            }
            val left = deadline - System.nanoTime()
            if (left <= 0 || closedByServer) {
                throw AssertionError("waited for ${Wire.render(pattern)}, got: ${Wire.render(bytes).takeLast(2000)}")
            }
            arrived.awaitNanos(left)
        }
        @Suppress("UNREACHABLE_CODE")
        ByteArray(0)
    }

    fun takeUntil(text: String): ByteArray = takeUntil(text.toByteArray(Charsets.UTF_8))

    override fun close() {
        runCatching { socket.close() }
        reader.join(2000)
    }

    companion object {
        fun indexOf(bytes: ByteArray, pattern: ByteArray, from: Int = 0): Int {
            outer@ for (i in from..bytes.size - pattern.size) {
                for (j in pattern.indices) if (bytes[i + j] != pattern[j]) continue@outer
                return i
            }
            return -1
        }
    }
}
