package dev.telnetkit.server

import dev.telnetkit.session.Session

import dev.telnetkit.hardening.queuedOutputBytes
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

class OutputBoundSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    val limit = 8 * 1024
    val message = "m".repeat(1000)
    // Loopback socket buffers absorb a few MiB before the server's queue fills at all. A server without
    // the bound would hold the rest of these 64 MiB in its heap and keep the session.
    val maxMessages = 64 * 1024

    test("a client that stops reading is cut off once outputBufferLimit is exceeded; others are still served") {
        val started = ConcurrentHashMap<Long, Session>()
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

    test("AO drops queued text but not the negotiation replies behind it: a stalled reader's DO TIMING-MARK is still answered") {
        val written = CompletableDeferred<Long>()
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofMillis(200))) { s ->
            // Fill the socket buffers until output stays queued in the server, then queue 96 KiB more
            // behind it (in all below a quarter of outputBufferLimit, so the server still reads the client).
            val chunk = "x".repeat(8 * 1024)
            var total = 0L
            while (true) {
                s.write(chunk)
                total += chunk.length
                if (queuedOutputBytes(s) >= 32 * 1024) {
                    delay(50.milliseconds)
                    if (queuedOutputBytes(s) >= 32 * 1024) break
                }
            }
            repeat(12) { s.write(chunk); total += chunk.length }
            written.complete(total)
            s.readLine("> ")
            s.writeLine("done")
        }
        val raw = fixture.rawSocket(server, receiveBuffer = 4096)
        raw.readExactly(3) // DO TTYPE; from now on the client reads nothing for a while
        val total = withTimeout(20.seconds) { written.await() }

        // IAC DO TIMING-MARK, then IAC AO: the WILL TIMING-MARK is queued behind the text, then AO drops the text.
        raw.send(bytes(IAC, DO, TelnetOption.TIMING_MARK, IAC, TelnetCommand.AO))
        val willTm = bytes(IAC, WILL, TelnetOption.TIMING_MARK)
        val deadline = TimeSource.Monotonic.markNow() + 10.seconds
        while (raw.bytesSoFar.indexOf(willTm) < 0 && deadline.hasNotPassedNow()) raw.readFor(200.milliseconds)
        withClue("WILL TIMING-MARK after AO") { raw.bytesSoFar.indexOf(willTm) shouldNotBe -1 }

        raw.send("go\r\n")
        raw.readUntil("done\r\n")
        val text = raw.bytesSoFar.count { it == 'x'.code.toByte() }.toLong()
        withClue("text received of $total written") { text shouldBeLessThan total }
        // What did arrive came before the reply: nothing written before the AO follows it.
        raw.bytesSoFar.indexOf(willTm) shouldBeGreaterThan raw.bytesSoFar.indexOfLast { it == 'x'.code.toByte() }
    }
})

