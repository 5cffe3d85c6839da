package dev.telnetkit.server

import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

class IdleTimeoutSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()
    val notice = "Idle for too long, goodbye."

    test("an idle session is shown the notice and closed, and its readLine returns null") {
        val ended = CompletableDeferred<String?>()
        val server = fixture.start(testSettings(idleTimeout = Duration.ofMillis(300), idleNotice = notice)) { s ->
            val line = s.readLine("> ")
            ended.complete(line)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")

        client.awaitText(notice, timeout = 10.seconds)
        client.awaitClosed(timeout = 10.seconds).shouldBeTrue()
        withTimeout(5.seconds) { ended.await() } shouldBe null
        awaitCondition("the session is gone from server.sessions") { server.sessions.isEmpty() }
    }

    test("idleTimeout 0 turns the timeout off") {
        val off = fixture.start(testSettings(idleTimeout = Duration.ZERO, idleNotice = notice), echoShell())
        val control = fixture.start(testSettings(idleTimeout = Duration.ofMillis(300), idleNotice = notice), echoShell())

        val quiet = fixture.connect(off)
        quiet.awaitPrompt("> ")
        // A control session with a 300 ms timeout, opened later, times out while the first one stays quiet.
        val timed = fixture.connect(control)
        timed.awaitPrompt("> ")
        timed.awaitClosed(timeout = 10.seconds).shouldBeTrue()

        val session = off.sessions.single()
        session.idle shouldBeGreaterThan Duration.ofMillis(300)
        quiet.isClosed.shouldBeFalse()
        quiet.output shouldNotContain notice
        quiet.sendLine("alive")
        quiet.awaitPrompt("> ") shouldBe "alive\r\ngot [alive]\r\n"
    }
})
