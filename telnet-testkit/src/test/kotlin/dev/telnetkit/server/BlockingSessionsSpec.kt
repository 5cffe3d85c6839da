package dev.telnetkit.server

import dev.telnetkit.session.SessionHandler
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.net.SocketTimeoutException
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Many sessions blocked at once in blocking handlers (what every Java handler is). Blocking code
 * once shared Dispatchers.IO, 64 threads: the 65th blocked session waited for a free thread.
 * The clients here run on a small executor of the test's own, so that nothing on the client side
 * needs a thread of the pool under test.
 */
class BlockingSessionsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    val fixture = serverFixture()
    val clientThreads = Executors.newFixedThreadPool(2) { r -> Thread(r, "blocking-spec-client").apply { isDaemon = true } }
    val clients = clientThreads.asCoroutineDispatcher()
    afterSpec { clientThreads.shutdownNow() }
    val count = 120

    fun settings() = ServerSettings(
        host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofMillis(100),
        maxSessionsPerAddress = count + 10, maxStartupsPerAddress = count + 10, shutdownNotice = "Stopping.",
    )

    suspend fun connectAll(server: TelnetServer): List<Socket> = withContext(clients) {
        List(count) {
            Socket().apply {
                tcpNoDelay = true
                connect(InetSocketAddress("127.0.0.1", server.port), 5000)
            }
        }
    }

    /** Reads [socket] until [text] has arrived (true) or it closes or [seconds] pass (false). */
    suspend fun awaitText(socket: Socket, text: String, seconds: Int = 10): Boolean = withContext(clients) {
        val seen = ByteArrayOutputStream()
        val buffer = ByteArray(4096)
        val deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (!seen.toString(Charsets.ISO_8859_1).contains(text)) {
            val left = (deadline - System.nanoTime()) / 1_000_000
            if (left <= 0) return@withContext false
            socket.soTimeout = left.toInt().coerceAtLeast(1)
            val n = try {
                socket.getInputStream().read(buffer)
            } catch (_: SocketTimeoutException) {
                continue
            } catch (_: IOException) {
                -1
            }
            if (n < 0) return@withContext false
            seen.write(buffer, 0, n)
        }
        true
    }

    /** Waits until [running] reaches [count]; fails showing how many blocked handlers did run. */
    suspend fun awaitAllRunning(running: AtomicInteger) {
        withTimeoutOrNull(30.seconds) { while (running.get() < count) delay(10.milliseconds) }
        running.get() shouldBe count
    }

    test("$count sessions blocked in blocking handlers all run at once, and all go on when released") {
        val running = AtomicInteger()
        val finished = AtomicInteger()
        val release = CountDownLatch(1)
        val server = fixture.start(settings(), SessionHandler.blocking { session ->
            running.incrementAndGet()
            release.await()
            session.writeLineBlocking("released")
            finished.incrementAndGet()
        })
        val sockets = connectAll(server)
        try {
            awaitAllRunning(running)
            release.countDown()
            for (socket in sockets) awaitText(socket, "released") shouldBe true
            awaitCondition("every handler finished") { finished.get() == count }
            withTimeoutOrNull(20.seconds) { server.stop(Duration.ofSeconds(1)) }.shouldNotBeNull()
        } finally {
            release.countDown()
            sockets.forEach { runCatching { it.close() } }
        }
    }

    test("stop completes while $count sessions are blocked in blocking handlers, interrupting every one") {
        val running = AtomicInteger()
        val interrupted = AtomicInteger()
        val never = CountDownLatch(1)
        val server = fixture.start(settings(), SessionHandler.blocking { session ->
            running.incrementAndGet()
            try {
                never.await()
            } catch (e: InterruptedException) {
                interrupted.incrementAndGet()
                throw e
            }
        })
        val sockets = connectAll(server)
        try {
            awaitAllRunning(running)
            withTimeoutOrNull(30.seconds) { server.stop(Duration.ofMillis(200)) }.shouldNotBeNull()
            interrupted.get() shouldBe count
            for (socket in sockets) awaitText(socket, "Stopping.") shouldBe true
        } finally {
            never.countDown()
            sockets.forEach { runCatching { it.close() } }
        }
    }
})
