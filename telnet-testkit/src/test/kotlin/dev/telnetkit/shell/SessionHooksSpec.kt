package dev.telnetkit.shell

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.serverFixture
import dev.telnetkit.server.testSettings
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private const val WELCOME = "Welcome to the hooks test."

/** Counts the hooks per session id, and remembers the order of events. */
private class HookLog {
    val starts = ConcurrentHashMap<Long, AtomicInteger>()
    val ends = ConcurrentHashMap<Long, AtomicInteger>()
    val events: MutableList<String> = Collections.synchronizedList(ArrayList())
    val commandStarted = CompletableDeferred<Long>()
    val commandCancelled = CompletableDeferred<Long>()

    fun starts(id: Long) = starts[id]?.get() ?: 0
    fun ends(id: Long) = ends[id]?.get() ?: 0
}

class SessionHooksSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    var log = HookLog()
    beforeTest { log = HookLog() }

    val commands = listOf(
        command("echo") { call -> call.writeResponse(call.args.joinToString(" ")) },
        // Runs until cancelled.
        command("wait") { call ->
            log.commandStarted.complete(call.session.id)
            try {
                delay(60.seconds)
            } catch (e: CancellationException) {
                log.commandCancelled.complete(call.session.id)
                throw e
            }
        },
        // Runs a little while, writing nothing, then writes once.
        command("pause") { call ->
            log.commandStarted.complete(call.session.id)
            delay(500.milliseconds)
            call.writeResponse("pause over")
        },
        // Writes until the client is gone.
        command("flood") { call ->
            log.commandStarted.complete(call.session.id)
            while (true) {
                call.writeResponse("tick")
                delay(20.milliseconds)
            }
        },
    )

    fun shell(login: LoginSettings? = null) = ShellSettings(
        commands,
        welcome = WELCOME,
        login = login,
        onSessionStart = SessionHook { s ->
            log.events.add("start ${s.id}")
            log.starts.computeIfAbsent(s.id) { AtomicInteger() }.incrementAndGet()
            s.writeLine("start hook ran")
        },
        onSessionEnd = SessionHook { s ->
            log.events.add("end ${s.id}")
            log.ends.computeIfAbsent(s.id) { AtomicInteger() }.incrementAndGet()
        },
    )

    suspend fun connected(server: TelnetServer): Pair<TelnetTestClient, Long> {
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT)
        val id = server.sessions.maxOf { it.id }
        log.starts(id) shouldBe 1
        return client to id
    }

    /** Waits for the session to be gone entirely, then checks each hook ran exactly once. */
    suspend fun assertRanOnce(server: TelnetServer, id: Long) {
        awaitCondition("session $id is closed", 15.seconds) { server.sessions.none { it.id == id } }
        withClue("onSessionStart of session $id") { log.starts(id) shouldBe 1 }
        withClue("onSessionEnd of session $id") { log.ends(id) shouldBe 1 }
        log.events.filter { it.endsWith(" $id") } shouldBe listOf("start $id", "end $id")
    }

    test("onSessionStart runs after the welcome text and before the first prompt") {
        val server = fixture.startShell(shell())
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT) shouldBe "$WELCOME\r\nstart hook ran\r\n"
    }

    test("with a login, onSessionStart runs after the welcome and the login") {
        val server = fixture.startShell(shell(LoginSettings(Authenticator { _, u, p -> u == "u" && p == "p" })))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ") shouldBe "$WELCOME\r\n"
        log.events shouldBe emptyList()
        client.sendLine("u")
        client.awaitPrompt("Password: ")
        client.sendLine("p")
        client.awaitPrompt(PROMPT) shouldBe "\r\nstart hook ran\r\n"
    }

    for (word in listOf("bye", "exit", "quit", "BYE")) {
        test("onSessionEnd runs exactly once when the user types $word") {
            val server = fixture.startShell(shell())
            val (client, id) = connected(server)
            client.sendLine(word)
            client.awaitText("Goodbye.")
            client.awaitClosed(10.seconds).shouldBeTrue()
            assertRanOnce(server, id)
        }
    }

    test("onSessionEnd runs exactly once on Ctrl-D at an empty prompt") {
        val server = fixture.startShell(shell())
        val (client, id) = connected(server)
        client.send(CTRL_D)
        client.awaitText("Goodbye.")
        client.awaitClosed(10.seconds).shouldBeTrue()
        assertRanOnce(server, id)
    }

    test("Ctrl-D on a line with text does not end the session") {
        val server = fixture.startShell(shell())
        val (client, id) = connected(server)
        client.send("echo x")
        client.send(CTRL_D) // deletes forward: nothing under the cursor
        client.sendLine("")
        client.awaitPrompt(PROMPT) shouldContain "\r\nx\r\n"
        log.ends(id) shouldBe 0
    }

    test("onSessionEnd runs exactly once when the client closes the socket at the prompt") {
        val server = fixture.startShell(shell())
        val (client, id) = connected(server)
        client.close()
        assertRanOnce(server, id)
    }

    test("onSessionEnd runs exactly once when the client closes the socket during a command") {
        val server = fixture.startShell(shell())
        val (client, id) = connected(server)
        client.sendLine("pause")
        withTimeout(10.seconds) { log.commandStarted.await() }
        client.close()
        assertRanOnce(server, id)
    }

    test("onSessionEnd runs exactly once when the client closes the socket while a command is writing") {
        val server = fixture.startShell(shell())
        val (client, id) = connected(server)
        client.sendLine("flood")
        client.awaitText("tick")
        client.close()
        assertRanOnce(server, id)
    }

    test("onSessionEnd runs exactly once on the idle timeout, at the prompt and during a command") {
        val server = fixture.startShell(shell(), testSettings(idleTimeout = Duration.ofMillis(500)))
        val (atPrompt, promptId) = connected(server)
        val (busy, busyId) = connected(server)
        busy.sendLine("wait")
        withTimeout(10.seconds) { log.commandStarted.await() }
        for (client in listOf(atPrompt, busy)) {
            client.awaitText("Idle timeout: closing the connection.", 10.seconds)
            client.awaitClosed(10.seconds).shouldBeTrue()
        }
        assertRanOnce(server, promptId)
        assertRanOnce(server, busyId)
        log.commandCancelled.isCompleted.shouldBeTrue()
    }

    test("onSessionEnd runs exactly once for every session when the server stops, a handler still running after the grace") {
        val server = fixture.startShell(shell())
        val (atPrompt, promptId) = connected(server)
        val (busy, busyId) = connected(server)
        busy.sendLine("wait")
        withTimeout(10.seconds) { log.commandStarted.await() }

        withTimeout(20.seconds) { server.stop(Duration.ofMillis(300)) }

        // stop returns once every session has ended, hooks included.
        log.ends(promptId) shouldBe 1
        log.ends(busyId) shouldBe 1
        for (client in listOf(atPrompt, busy)) {
            client.awaitText("The server is shutting down.")
            client.awaitClosed(10.seconds).shouldBeTrue()
        }
        assertRanOnce(server, promptId)
        assertRanOnce(server, busyId)
        log.commandCancelled.await() shouldBe busyId
    }

    test("a failed login runs neither hook: not after too many attempts, not after the login timeout") {
        // What is asserted: onSessionStart runs only once the login succeeded, and onSessionEnd only
        // for sessions whose onSessionStart ran, so a session that never got past the login runs
        // neither, however the login ended.
        val rejectAll = Authenticator { _, _, _ -> false }
        val server = fixture.startShell(
            shell(LoginSettings(rejectAll, maxAttempts = 2, failureDelay = Duration.ZERO, timeout = Duration.ofSeconds(30))),
        )
        val lockedOut = fixture.connect(server)
        repeat(2) {
            lockedOut.awaitPrompt("Username: ")
            lockedOut.sendLine("u")
            lockedOut.awaitPrompt("Password: ")
            lockedOut.sendLine("p")
        }
        lockedOut.awaitText("Too many failed attempts.")
        lockedOut.awaitClosed(10.seconds).shouldBeTrue()

        val slow = fixture.startShell(shell(LoginSettings(rejectAll, timeout = Duration.ofMillis(300))))
        val timedOut = fixture.connect(slow)
        timedOut.awaitText("Login timed out.", 10.seconds)
        timedOut.awaitClosed(10.seconds).shouldBeTrue()

        val quitter = fixture.connect(server)
        quitter.awaitPrompt("Username: ")
        quitter.close()

        awaitCondition("every session is closed", 15.seconds) { server.sessions.isEmpty() && slow.sessions.isEmpty() }
        log.events shouldBe emptyList()
        lockedOut.output.contains("start hook ran") shouldBe false
    }

    test("the end hook may still write: it runs before the connection closes after bye") {
        val said = CompletableDeferred<Unit>()
        val server = fixture.startShell(
            ShellSettings(
                commands,
                onSessionEnd = SessionHook { s -> s.writeLine("see you, ${s.id}"); said.complete(Unit) },
            ),
            ServerSettings(host = "127.0.0.1", port = 0),
        )
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT)
        client.sendLine("bye")
        client.awaitText("Goodbye.\r\nsee you, ")
        client.awaitClosed(10.seconds).shouldBeTrue()
        said.isCompleted.shouldBeTrue()
    }
})
