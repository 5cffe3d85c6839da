package dev.telnetkit.hardening

import ch.qos.logback.classic.Level
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.serverFixture
import dev.telnetkit.server.testTransport
import dev.telnetkit.transport.Transport
import dev.telnetkit.session.SessionHandler
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.withContext
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Opens [count] connections from 127.0.0.1, [threads] at a time, each closed straight away (reset if [reset]). */
private suspend fun connectAndClose(port: Int, count: Int, reset: Boolean, threads: Int = 8) = coroutineScope {
    val next = AtomicInteger()
    (1..threads).map {
        async(Dispatchers.IO) {
            while (next.getAndIncrement() < count) {
                Socket().use { socket ->
                    socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
                    if (reset) socket.setSoLinger(true, 0) // close sends RST instead of FIN
                }
            }
        }
    }.awaitAll()
}

/**
 * Churn from one address: connections that open and close (or reset) at once, or never finish
 * negotiating, hold startup slots counted apart from sessions ([ServerSettings.maxStartups]), give
 * them back as soon as their end is seen, and never reach the handler; the next real session from
 * that address gets its prompt.
 */
class ChurnSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    val fixture = serverFixture()
    val abusers = abuserPool()
    val log = captureServerLog()

    /** A handler that counts the sessions it was given, then echoes lines. */
    fun countingEcho(started: AtomicInteger) = SessionHandler { session ->
        started.incrementAndGet()
        while (true) {
            val line = session.readLine("> ") ?: break
            session.writeLine("got [$line]")
        }
    }

    test("after 1,000 connect-and-close and 300 resets from one address, a new session from it gets its prompt; none of the churn reached the handler or was refused") {
        val started = AtomicInteger()
        // The library's default limits: 100 sessions and 100 opening connections per address.
        val server = fixture.start(limitSettings(), countingEcho(started))

        connectAndClose(server.port, 1_000, reset = false)
        connectAndClose(server.port, 300, reset = true)

        val client = fixture.connect(server)
        client.awaitPrompt("> ", 5.seconds)
        client.output shouldNotContain "busy"
        client.roundTrip("after the churn")

        withClue("sessions whose client had gone before the session started") { started.get() shouldBe 1 }
        // The NIO listener sees a client that closed before its accept and never counts it; over
        // ktor-network the end is seen only on the first read, so a burst can fill the startup
        // slots for a moment and some of the churn is refused (never the session after it).
        if (testTransport == Transport.nio()) log.messages(Level.WARN).filter { "refused" in it }.shouldBeEmpty()
        eventually { server.sessions.size == 1 }.shouldBeTrue()
    }

    test("a client that half-closes after typing still has its session run; one that typed nothing is not served") {
        val started = AtomicInteger()
        val server = fixture.start(limitSettings(connectMaxWait = Duration.ofMillis(200)), countingEcho(started))

        val typed = abusers.connect(server.port, keepAll = true)
        typed.send("hello\r\n").shouldBeTrue()
        typed.socket.shutdownOutput()
        typed.awaitEof().shouldBeTrue()
        String(typed.received, Charsets.ISO_8859_1).contains("got [hello]").shouldBeTrue()

        val silent = abusers.connect(server.port, keepAll = true)
        silent.socket.shutdownOutput()
        silent.awaitEof().shouldBeTrue()
        String(silent.received, Charsets.ISO_8859_1).contains("> ").shouldBeFalse()

        started.get() shouldBe 1
    }

    test("maxStartupsPerAddress bounds the connections still opening from one address, not its sessions") {
        val busy = "Busy here."
        val settings = ServerSettings(
            port = 0, connectMaxWait = Duration.ofSeconds(10), idleTimeout = Duration.ofSeconds(30),
            busyMessage = busy, maxStartupsPerAddress = 2, maxSessionsPerAddress = 100,
        )
        val server = fixture.start(settings, countingEcho(AtomicInteger()))

        // Negotiating clients settle at once: five sessions from one address, two startup slots.
        val sessions = (1..5).map { fixture.connect(server).also { it.awaitPrompt("> ") } }

        // Two raw sockets never answer the negotiation: they hold both startup slots for 10 s.
        val stalled = (1..2).map { abusers.connect(server.port) }
        eventually { stalled.all { it.bytesReceived > 0 } }.shouldBeTrue()
        val third = abusers.connect(server.port, keepAll = true)
        third.awaitEof().shouldBeTrue()
        String(third.received, Charsets.ISO_8859_1) shouldBe "$busy\r\n"
        sessions.forEach { it.roundTrip("still here") }

        // One stalled client leaves: its slot is free at once, long before its 10 s opening wait ends.
        stalled[0].close()
        eventually(5.seconds) {
            val next = runCatching { Socket("127.0.0.1", server.port) }.getOrNull() ?: return@eventually false
            abusers.track(next)
            next.soTimeout = 300
            val first = runCatching { next.getInputStream().read() }.getOrDefault(-1)
            first == 255 // IAC DO TTYPE: served, not refused
        }.shouldBeTrue()
    }

    test("at maxStartups the listener waits instead of refusing: the next connection is served once a slot frees") {
        val settings = ServerSettings(
            port = 0, connectMaxWait = Duration.ofSeconds(10), idleTimeout = Duration.ofSeconds(30), maxStartups = 3,
        )
        val server = fixture.start(settings, countingEcho(AtomicInteger()))
        val stalled = (1..3).map { abusers.connect(server.port) }
        eventually { stalled.all { it.bytesReceived > 0 } }.shouldBeTrue()

        val waiting = withContext(Dispatchers.IO) { fixture.connect(server) }
        // Not accepted yet: no DO TTYPE within a while (it waits in the backlog, it is not refused).
        kotlinx.coroutines.delay(300.milliseconds)
        waiting.output shouldBe ""

        stalled[1].close()
        waiting.awaitPrompt("> ", 5.seconds)
        waiting.roundTrip("served")
        log.messages(Level.WARN).filter { "refused" in it } shouldHaveSize 0
    }
})
