package dev.telnetkit.transport.nio

import dev.telnetkit.session.OutputQueue
import dev.telnetkit.transport.nio.LoopSocket

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.async
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.net.InetSocketAddress
import java.nio.channels.ServerSocketChannel
import java.nio.channels.SocketChannel
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class EventLoopSpec : FunSpec({
    val loops = mutableListOf<EventLoop>()
    fun loop(): EventLoop = EventLoop("test-loop-${loops.size}").start().also { loops.add(it) }
    afterEach { EventLoop.shutdownAll(loops, 2000); loops.clear() }

    test("coroutines dispatched from any thread run on the loop's own thread, in order") {
        val loop = loop()
        val scope = CoroutineScope(SupervisorJob() + loop)
        val seen = Collections.synchronizedList(ArrayList<String>())
        val jobs = (1..100).map { n -> scope.async { seen.add("$n"); Thread.currentThread().name.substringBefore(" @") } }
        jobs.awaitAll().toSet() shouldBe setOf("test-loop-0")
        seen shouldContainExactly (1..100).map { "$it" }
        scope.cancel()
    }

    test("delay and withTimeout are served by the loop's timers, on the loop, in deadline order") {
        val loop = loop()
        val order = Collections.synchronizedList(ArrayList<Int>())
        val threads = Collections.synchronizedSet(HashSet<String>())
        withContext(loop) {
            val started = System.nanoTime()
            val jobs = listOf(60, 20, 40).map { ms ->
                launch {
                    delay(ms.milliseconds)
                    order.add(ms)
                    threads.add(Thread.currentThread().name.substringBefore(" @"))
                }
            }
            jobs.forEach { it.join() }
            (System.nanoTime() - started) / 1_000_000 shouldBeGreaterThanOrEqual 60
            withTimeoutOrNull(30.milliseconds) { delay(10.seconds) }.shouldBeNull()
            withTimeout(1.seconds) { delay(5.milliseconds); "in time" } shouldBe "in time"
        }
        order shouldContainExactly listOf(20, 40, 60)
        threads shouldBe setOf("test-loop-0")
    }

    test("a cancelled delay never fires") {
        val loop = loop()
        val fired = CompletableDeferred<Unit>()
        val scope = CoroutineScope(SupervisorJob() + loop)
        val job = scope.launch { delay(50.milliseconds); fired.complete(Unit) }
        job.cancel()
        delay(150.milliseconds)
        fired.isCompleted shouldBe false
        scope.cancel()
    }

    test("work handed to a loop after it ended still runs, on another thread, and its timers still fire") {
        val loop = loop()
        EventLoop.shutdownAll(listOf(loop), 2000)
        val ran = CompletableDeferred<String>()
        CoroutineScope(loop).launch {
            delay(20.milliseconds)
            ran.complete(Thread.currentThread().name)
        }
        withTimeout(5.seconds) { ran.await() } shouldStartWith "DefaultDispatcher"
    }

    test("a socket closed from another thread is closed at once: the peer sees end of input, reads on the loop fail") {
        val loop = loop()
        ServerSocketChannel.open().use { listener ->
            listener.bind(InetSocketAddress("127.0.0.1", 0))
            val client = SocketChannel.open(listener.localAddress)
            val accepted = listener.accept().apply { configureBlocking(false) }
            val socket = LoopSocket(accepted, loop)
            withContext(loop) {
                socket.register()
                socket.onReadable { }
                socket.wantRead(true)
            }
            socket.close()
            val readAfterClose = withContext(loop) { runCatching { socket.readNow(1024) }.exceptionOrNull() }
            (readAfterClose is java.nio.channels.ClosedChannelException).shouldBeTrue()
            val eof = withContext(Dispatchers.IO) {
                client.socket().soTimeout = 5000
                client.socket().getInputStream().read()
            }
            eof shouldBe -1
            client.close()
        }
    }

    test("a write larger than the socket takes goes out whole once the peer reads") {
        val loop = loop()
        ServerSocketChannel.open().use { listener ->
            listener.bind(InetSocketAddress("127.0.0.1", 0))
            val client = SocketChannel.open(listener.localAddress)
            val accepted = listener.accept().apply { configureBlocking(false) }
            val socket = LoopSocket(accepted, loop)
            val payload = ByteArray(8 shl 20) { (it % 251).toByte() }
            val queue = OutputQueue(16 shl 20)
            val connection = NioConnection(socket, "test", "test")
            CoroutineScope(loop).launch {
                connection.open()
                connection.attachOutput(queue)
                queue.offer(payload).shouldBeTrue()
            }
            val received = withContext(Dispatchers.IO) {
                val input = client.socket().getInputStream()
                val out = java.io.ByteArrayOutputStream()
                val buffer = ByteArray(64 * 1024)
                while (out.size() < payload.size) {
                    val n = input.read(buffer)
                    if (n < 0) break
                    out.write(buffer, 0, n)
                }
                out.toByteArray()
            }
            received.contentEquals(payload).shouldBeTrue()
            withTimeout(5.seconds) { queue.awaitDrained() }
            socket.close()
            client.close()
        }
    }
})
