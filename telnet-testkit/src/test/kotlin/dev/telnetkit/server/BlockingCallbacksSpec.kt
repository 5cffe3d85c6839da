package dev.telnetkit.server

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.session.ErrorFormatter
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.terminal.Completer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicLong
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * A completer, prompt or error formatter that blocks, in the shapes Java code gives them, holds up
 * only its own session: never the event loop it shares with other sessions (one loop here, so every
 * session shares it). Each callback blocks on a latch until the test releases it; another session
 * completes a round trip in the meantime, and only then is the callback released, so the order
 * proves the overlap without timing anything. Were the loop held, the round trip would wait for the
 * latch and its await time out first.
 */
class BlockingCallbacksSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    /** A callback's blocking point: [block] waits until [release], at most 20 s. */
    class Gate {
        private val entered = CountDownLatch(1)
        private val released = CountDownLatch(1)
        private val returned = AtomicBoolean()

        fun block() {
            entered.countDown()
            released.await(20, TimeUnit.SECONDS)
            returned.set(true)
        }

        suspend fun awaitEntered() {
            withTimeoutOrNull(10.seconds) { while (entered.count > 0) delay(5.milliseconds) }
            (entered.count == 0L).shouldBeTrue()
        }

        val stillBlocked: Boolean get() = !returned.get()

        fun release() = released.countDown()
    }

    fun builder() = TelnetServer.builder().host("127.0.0.1").port(0).eventLoops(1).prompt("> ")
        .command(Command.named("ping").handler { session, _ -> session.writeResponseBlocking("pong") })

    /** Starts [server], runs [block] with a blocked session and a free one, and stops the server. */
    suspend fun withTwoSessions(server: TelnetServer, block: suspend (blocked: TelnetTestClient, free: TelnetTestClient) -> Unit) {
        server.start()
        try {
            val blocked = fixture.connect(server)
            blocked.awaitPrompt("> ")
            val free = fixture.connect(server)
            free.awaitPrompt("> ")
            block(blocked, free)
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }

    /** The other session on the same loop answers while [gate] holds its callback. */
    suspend fun roundTripWhileBlocked(free: TelnetTestClient, gate: Gate) {
        free.sendLine("ping")
        free.awaitText("pong")
        gate.stillBlocked.shouldBeTrue()
        gate.release()
    }

    test("a completer given to the Java builder that blocks holds up neither the event loop nor the other sessions on it") {
        val gate = Gate()
        val server = builder()
            .command(Command.named("lookup").completer { gate.block(); listOf("alpha") }.handler { _, _ -> })
            .build()
        withTwoSessions(server) { blocked, free ->
            blocked.send("lookup a\t")
            gate.awaitEntered()
            roundTripWhileBlocked(free, gate)
            blocked.awaitText("alpha")
        }
    }

    test("a blocking handler's completer runs outside the session's screen lock: while it blocks, the loop still answers that session and serves the others") {
        val gate = Gate()
        val slow = Completer { gate.block(); listOf("xylophone") }
        val server = TelnetServer(
            ServerSettings(host = "127.0.0.1", port = 0, eventLoops = 1),
            SessionHandler.blocking { s ->
                while (true) {
                    val line = s.readLineBlocking("> ", completer = slow) ?: break
                    s.writeLineBlocking(if (line == "ping") "pong" else "got [$line]")
                }
            },
        )
        withTwoSessions(server) { blocked, free ->
            blocked.send("xy\t")
            gate.awaitEntered()
            // Are You There: the loop answers it with a message to this very session.
            blocked.sendCommand(TelnetCommand.AYT)
            blocked.awaitText("[Yes]")
            roundTripWhileBlocked(free, gate)
            blocked.awaitText("xylophone")
        }
    }

    test("a prompt given to the Java builder that blocks holds up only its own session") {
        val gate = Gate()
        val slowSession = AtomicLong(-1)
        val server = builder().prompt(PromptProvider { s -> if (s.id == slowSession.get()) gate.block(); "> " }).build()
        withTwoSessions(server) { blocked, free ->
            slowSession.set(server.sessions.first().id)
            blocked.sendLine("ping")
            gate.awaitEntered()
            roundTripWhileBlocked(free, gate)
            blocked.awaitText("pong")
            blocked.awaitPrompt("> ")
        }
    }

    test("an error formatter given to the Java builder that blocks holds up only its own session") {
        val gate = Gate()
        val slowSession = AtomicLong(-1)
        val server = builder().errorFormatter(ErrorFormatter { s, text -> if (s.id == slowSession.get()) gate.block(); "E: $text" }).build()
        withTwoSessions(server) { blocked, free ->
            slowSession.set(server.sessions.first().id)
            blocked.sendLine("nosuch")
            gate.awaitEntered()
            roundTripWhileBlocked(free, gate)
            blocked.awaitText("E: Unknown command 'nosuch'")
            gate.stillBlocked.shouldBeFalse()
        }
    }
})
