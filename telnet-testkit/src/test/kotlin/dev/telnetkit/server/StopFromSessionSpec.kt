package dev.telnetkit.server

import dev.telnetkit.session.SessionHandler
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.nulls.shouldNotBeNull
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * `TelnetServer.stop` called from inside one of the server's own sessions (a `shutdown` command).
 * The grace is long on purpose: a stop that waits for its own caller's session would sit out all of
 * it, far past every wait below.
 */
class StopFromSessionSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    val notice = "Going down now."
    val longGrace = Duration.ofSeconds(40)

    test("a session that stops its own server: stop returns once the other sessions have ended, every session sees the notice, the server terminates") {
        val server = CompletableDeferred<TelnetServer>()
        val events = Collections.synchronizedList(ArrayList<String>())
        val stopReturned = CompletableDeferred<Unit>()
        val started = fixture.start(testSettings(shutdownNotice = notice), SessionHandler { s ->
            var stopped = false
            while (true) {
                val line = s.readLine("> ") ?: break
                if (line == "shutdown") {
                    server.await().stop(longGrace)
                    stopped = true
                    events.add("stop returned")
                    stopReturned.complete(Unit)
                } else {
                    s.writeLine("got [$line]")
                }
            }
            if (!stopped) {
                // The other session takes a moment to end after the notice: the caller's stop waits for it.
                delay(300.milliseconds)
                events.add("other ended")
            }
        })
        server.complete(started)
        val caller = fixture.connect(started)
        val other = fixture.connect(started)
        caller.awaitPrompt("> ")
        other.awaitPrompt("> ")

        caller.sendLine("shutdown")

        withTimeoutOrNull(15.seconds) { stopReturned.await() }.shouldNotBeNull()
        events shouldContainExactly listOf("other ended", "stop returned")
        caller.awaitText(notice)
        other.awaitText(notice)
        withTimeoutOrNull(15.seconds) { started.awaitTermination() }.shouldNotBeNull()
        caller.awaitClosed().shouldBeTrue()
        other.awaitClosed().shouldBeTrue()
        started.sessions.shouldBeEmpty()
    }

    test("a blocking handler that stops its own server with the blocking stop returns, and the server terminates") {
        val server = CompletableDeferred<TelnetServer>()
        val stopReturned = CompletableDeferred<Unit>()
        val started = fixture.start(testSettings(shutdownNotice = notice), SessionHandler.blocking { s ->
            while (true) {
                val line = s.readLineBlocking("> ") ?: break
                if (line == "shutdown") {
                    // What a Java handler does: the blocking form, on the blocking handler's thread.
                    kotlinx.coroutines.runBlocking { server.await() }.stopBlocking(longGrace)
                    stopReturned.complete(Unit)
                } else {
                    s.writeLineBlocking("got [$line]")
                }
            }
        })
        server.complete(started)
        val caller = fixture.connect(started)
        val other = fixture.connect(started)
        caller.awaitPrompt("> ")
        other.awaitPrompt("> ")

        caller.sendLine("shutdown")

        withTimeoutOrNull(15.seconds) { stopReturned.await() }.shouldNotBeNull()
        caller.awaitText(notice)
        other.awaitText(notice)
        withTimeoutOrNull(15.seconds) { started.awaitTermination() }.shouldNotBeNull()
        caller.awaitClosed().shouldBeTrue()
        other.awaitClosed().shouldBeTrue()
    }
})
