package dev.telnetkit.server

import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

class OutputBoundSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    val limit = 8 * 1024
    val message = "m".repeat(1000)
    // Loopback socket buffers absorb a few MiB before the server's queue fills at all. A server without
    // the bound would hold the rest of these 64 MiB in its heap and keep the session.
    val maxMessages = 64 * 1024

    test("a client that stops reading is cut off once outputBufferLimit is exceeded; others are still served") {
        val started = ConcurrentHashMap<Long, TelnetSession>()
        val finallyRuns = AtomicInteger()
        val server = fixture.start(
            testSettings(connectMaxWait = Duration.ofMillis(200), outputBufferLimit = limit),
        ) { s ->
            started[s.id] = s
            try {
                echoShell().handle(s)
            } finally {
                finallyRuns.incrementAndGet()
            }
        }
        // Speaks no Telnet (so the handler starts after connect-maxwait), has a tiny window, never reads.
        val stalled = fixture.rawSocket(server, receiveBuffer = 1024)
        awaitCondition("the stalled client's session started") { started.size == 1 }
        val stalledSession = started.values.single()

        val other = fixture.connect(server)
        other.awaitPrompt("> ")
        other.sendLine("before")
        other.awaitPrompt("> ") shouldBe "before\r\ngot [before]\r\n"

        // Broadcast to the stalled session as a timer or a chat room would: writeMessage never suspends.
        // Stop once the handler has been cancelled (the cut-off), or after maxMessages.
        var sent = 0
        while (finallyRuns.get() == 0 && sent < maxMessages) {
            stalledSession.writeMessage(message)
            sent++
            if (sent % 64 == 0) yield()
        }
        awaitCondition("the stalled session is cut off and gone from server.sessions ($sent messages offered)", 10.seconds) {
            server.sessions.none { it.id == stalledSession.id }
        }
        awaitCondition("the stalled handler's finally ran") { finallyRuns.get() == 1 }
        stalled.awaitEof().shouldBeTrue()

        other.sendLine("after")
        other.awaitPrompt("> ") shouldBe "after\r\ngot [after]\r\n"
        server.sessions.size shouldBe 1
    }

    test("a suspending writer to a client that reads nothing is cut off after outputStallTimeout") {
        val ended = CompletableDeferred<Throwable?>()
        val server = fixture.start(
            testSettings(connectMaxWait = Duration.ofMillis(200), outputBufferLimit = limit, outputStallTimeout = Duration.ofMillis(300)),
        ) { s ->
            try {
                while (true) s.writeLine(message)
            } catch (e: Throwable) {
                ended.complete(e)
                throw e
            }
        }
        val stalled = fixture.rawSocket(server, receiveBuffer = 1024)
        awaitCondition("the session started") { server.sessions.isNotEmpty() }

        // The handler is cancelled (the client is cut off); it does not write forever.
        withTimeout(30.seconds) { ended.await() }
        awaitCondition("the session is gone from server.sessions", 10.seconds) { server.sessions.isEmpty() }
        stalled.awaitEof().shouldBeTrue()

        val other = fixture.connect(server)
        other.awaitText(message) // a reading client gets its output
    }
})
