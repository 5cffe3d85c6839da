package dev.telnetkit.server

import dev.telnetkit.session.Session

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import java.net.ServerSocket
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.seconds

class EventLoopTransportSpec : FunSpec({
    val fixture = serverFixture()

    fun settings(eventLoops: Int, connectMaxWait: Duration = Duration.ofSeconds(5)) = ServerSettings(
        host = "127.0.0.1",
        port = 0,
        connectMaxWait = connectMaxWait,
        eventLoops = eventLoops,
        maxSessionsPerAddress = 10_000,
        maxStartupsPerAddress = 10_000,
    )

    test("handlers run on the server's event-loop threads, sessions spread over eventLoops of them") {
        val threads = ConcurrentHashMap<Long, String>()
        val server = fixture.start(settings(eventLoops = 3)) { session ->
            threads[session.id] = Thread.currentThread().name.substringBefore(" @")
            echoShell().handle(session)
        }
        val clients = (1..6).map { fixture.connect(server).also { it.awaitPrompt("> ") } }
        clients.forEachIndexed { i, client ->
            client.sendLine("hello-$i")
            client.awaitText("got [hello-$i]")
        }
        threads.size shouldBe 6
        threads.values.forEach { it.startsWith("telnet-loop-").shouldBeTrue() }
        threads.values.toSet().size shouldBe 3
    }

    test("a blocking session call made on an event-loop thread fails at once with a message instead of deadlocking the loop") {
        val failure = kotlinx.coroutines.CompletableDeferred<Throwable>()
        val server = fixture.start(settings(eventLoops = 1)) { session ->
            runCatching { session.readLineBlocking("> ") }.exceptionOrNull()?.let { failure.complete(it) }
            echoShell().handle(session)
        }
        val client = fixture.connect(server)
        val error = kotlinx.coroutines.withTimeout(5_000) { failure.await() }
        (error is IllegalStateException).shouldBeTrue()
        error.message!! shouldContain "event-loop thread"
        // The loop was not blocked: the same session goes on serving.
        client.awaitPrompt("> ")
        client.sendLine("still here")
        client.awaitText("got [still here]")
    }

    test("a start that cannot bind (port taken) throws and leaves no descriptor or thread behind") {
        ServerSocket().use { taken ->
            taken.bind(java.net.InetSocketAddress("127.0.0.1", 0))
            fun openFds() = java.io.File("/proc/self/fd").list()?.size ?: 0
            fun loopThreads() = Thread.getAllStackTraces().keys.count { it.isAlive && it.name.startsWith("telnet-loop-") }
            val fdsBefore = openFds()
            val threadsBefore = loopThreads()
            repeat(20) {
                val server = TelnetServer(settings(eventLoops = 2).withPort(taken.localPort)) { }
                shouldThrow<java.net.BindException> { server.start() }
            }
            // A margin for descriptors other tests' servers open meanwhile; a leak would be 20.
            (openFds() - fdsBefore < 10).shouldBeTrue()
            (loopThreads() - threadsBefore < 2).shouldBeTrue()
        }
    }

    test("eventLoops outside 1..256 is refused with a message naming it") {
        shouldThrow<IllegalArgumentException> { settings(eventLoops = 0) }.message!! shouldContain "eventLoops"
        shouldThrow<IllegalArgumentException> { settings(eventLoops = 257) }.message!! shouldContain "eventLoops"
    }

    test("after stop the loops are gone and the port is free again") {
        val server = fixture.start(settings(eventLoops = 2)) { session -> echoShell().handle(session) }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        val port = server.port
        server.stop(Duration.ZERO)
        ServerSocket().use { it.reuseAddress = true; it.bind(java.net.InetSocketAddress("127.0.0.1", port)) }
    }
    test("ended sessions whose long timeouts were cancelled are not kept alive by those timers while another session's timer is pending") {
        // Every session waits for a line under a 60 s timeout (as a login prompt or an output stall
        // does). The first one keeps waiting, so its timer stays at the head of the loop's queue; the
        // timers of the 2,000 that come and go behind it are cancelled but sit later in the queue.
        val sessions = java.util.Collections.synchronizedList(ArrayList<java.lang.ref.WeakReference<Session>>())
        val server = fixture.start(settings(eventLoops = 1, connectMaxWait = Duration.ofMillis(50))) { session ->
            sessions.add(java.lang.ref.WeakReference(session))
            kotlinx.coroutines.withTimeoutOrNull(60_000) { session.readLine("> ") }
        }
        val waiting = fixture.rawSocket(server)
        awaitCondition("the first session started") { sessions.size == 1 }
        kotlinx.coroutines.withContext(kotlinx.coroutines.Dispatchers.IO) {
            repeat(2000) {
                java.net.Socket("127.0.0.1", server.port).use { socket -> socket.getOutputStream().write("x\r\n".toByteArray()) }
            }
        }
        awaitCondition("all 2,001 sessions started and 2,000 ended (started ${sessions.size}, open ${server.sessions.size})", 30.seconds) { sessions.size == 2001 && server.sessions.size == 1 }
        var alive = Int.MAX_VALUE
        awaitCondition("ended sessions collected", 10.seconds) {
            System.gc()
            alive = sessions.count { it.get() != null }
            alive <= 10
        }
        println("sessions still reachable after 2,000 ended behind a pending timer: $alive (the waiting one included)")
        waiting.close()
    }
})
