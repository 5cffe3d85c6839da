package dev.telnetkit.shell

import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.indexOf
import dev.telnetkit.server.serverFixture
import dev.telnetkit.server.testSettings
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.Duration
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

private const val USER = "alice"
private const val PASSWORD = "pw-7f3Kq9zX"
private const val WELCOME = "Welcome to the test shell."

class LoginSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    val logs = captureLogs("dev.telnetkit")

    val commands = listOf(
        command("whoami") { call -> call.writeResponse("user=${call.session.username}") },
        command("echo") { call -> call.writeResponse(call.args.joinToString(" ")) },
    )
    val checkPassword = Authenticator { _, user, password -> user == USER && password == PASSWORD }

    fun shell(login: LoginSettings) = ShellSettings(commands, welcome = WELCOME, login = login)

    test("a correct login sets session.username and goes on to the prompt") {
        val server = fixture.startShell(shell(LoginSettings(checkPassword)))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ") shouldContain WELCOME
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        client.awaitPrompt(PROMPT)
        client.sendLine("whoami")
        client.awaitPrompt(PROMPT) shouldBe "whoami\r\nuser=$USER\r\n"
        server.sessions.single().username shouldBe USER
    }

    for (profile in listOf("character mode" to TerminalProfile.XTERM, "line mode" to TerminalProfile.REFUSE_ALL)) {
        test("the password never reaches the client, the history or the log (${profile.first})") {
            val server = fixture.startShell(shell(LoginSettings(checkPassword, failureDelay = Duration.ZERO)))
            val client = fixture.connect(server, profile.second)
            // A failed attempt first, with the password given as the user name's neighbour, then the real one.
            client.awaitPrompt("Username: ")
            client.sendLine(USER)
            client.awaitPrompt("Password: ")
            client.sendLine("$PASSWORD-wrong")
            client.awaitPrompt("Username: ")
            client.sendLine(USER)
            client.awaitPrompt("Password: ")
            client.sendLine(PASSWORD)
            client.awaitPrompt(PROMPT)
            client.sendLine("echo done")
            client.awaitPrompt(PROMPT)

            val session = server.sessions.single()
            session.username shouldBe USER
            session.history.entries shouldBe listOf("echo done")
            client.output shouldNotContain PASSWORD
            client.receivedBytes.indexOf(PASSWORD.toByteArray(Charsets.UTF_8)) shouldBe -1
            client.receivedBytes.indexOf(PASSWORD.toByteArray(Charsets.UTF_16BE)) shouldBe -1
            if (profile.second.acceptEcho) {
                // Not even its length: after "Password: " the server sends the line break and nothing else.
                // (In line mode the client echoes the line break itself; the server sends none.)
                client.output shouldContain "Password: \r\nLogin incorrect.\r\n"
                client.output shouldContain "Password: \r\n> "
            } else {
                client.output shouldContain "Password: Login incorrect.\r\n"
                client.output shouldContain "Password: > "
            }
            logs.allText() shouldNotContain PASSWORD
        }
    }

    test("a wrong password and a wrong user name get the same answer, which says neither") {
        val server = fixture.startShell(shell(LoginSettings(checkPassword, failureDelay = Duration.ZERO, maxAttempts = 3)))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ")
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine("wrong")
        val afterWrongPassword = client.awaitPrompt("Username: ")
        client.sendLine("mallory")
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        val afterWrongUser = client.awaitPrompt("Username: ")
        afterWrongPassword shouldBe "\r\nLogin incorrect.\r\n"
        afterWrongUser shouldBe afterWrongPassword
        // The third attempt succeeds.
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        client.awaitPrompt(PROMPT)
        client.sendLine("whoami")
        client.awaitPrompt(PROMPT) shouldBe "whoami\r\nuser=$USER\r\n"
    }

    test("after maxAttempts failures the connection is closed with 'Too many failed attempts.'") {
        val calls = AtomicInteger()
        val counting = Authenticator { _, _, _ -> calls.incrementAndGet(); false }
        val server = fixture.startShell(shell(LoginSettings(counting, failureDelay = Duration.ZERO, maxAttempts = 3)))
        val client = fixture.connect(server)
        repeat(3) { attempt ->
            client.awaitPrompt("Username: ")
            client.sendLine("user$attempt")
            client.awaitPrompt("Password: ")
            client.sendLine("pass$attempt")
        }
        client.awaitText("Too many failed attempts.\r\n") shouldBe "\r\nLogin incorrect.\r\nToo many failed attempts.\r\n"
        client.awaitClosed(10.seconds).shouldBeTrue()
        calls.get() shouldBe 3
        Regex("Login incorrect\\.").findAll(client.output).count() shouldBe 3
        client.output shouldNotContain PROMPT
        awaitCondition("the session is gone") { server.sessions.isEmpty() }
    }

    test("the delay after a failure grows with each one (lower bounds only)") {
        val delay = Duration.ofMillis(400)
        val times = Collections.synchronizedList(ArrayList<Long>())
        val timing = Authenticator { _, _, _ -> times.add(System.nanoTime()); false }
        val server = fixture.startShell(shell(LoginSettings(timing, failureDelay = delay, maxAttempts = 3)))
        val client = fixture.connect(server)
        repeat(3) {
            client.awaitPrompt("Username: ", 10.seconds)
            client.sendLine(USER)
            client.awaitPrompt("Password: ")
            client.sendLine("wrong")
        }
        client.awaitText("Too many failed attempts.", 10.seconds)
        client.awaitClosed(10.seconds).shouldBeTrue()
        times.size shouldBe 3
        val firstWait = Duration.ofNanos(times[1] - times[0])
        val secondWait = Duration.ofNanos(times[2] - times[1])
        withClue("after the first failure") { firstWait shouldBeGreaterThanOrEqualTo delay }
        withClue("after the second failure") { secondWait shouldBeGreaterThanOrEqualTo delay.multipliedBy(2) }
    }

    test("the login times out and closes the connection with 'Login timed out.', even halfway through") {
        val server = fixture.startShell(shell(LoginSettings(checkPassword, timeout = Duration.ofMillis(700))))
        val idle = fixture.connect(server)
        idle.awaitPrompt("Username: ")
        idle.awaitText("Login timed out.\r\n", 10.seconds) shouldBe "\r\nLogin timed out.\r\n"
        idle.awaitClosed(10.seconds).shouldBeTrue()

        val halfway = fixture.connect(server)
        halfway.awaitPrompt("Username: ")
        halfway.sendLine(USER)
        halfway.awaitPrompt("Password: ")
        halfway.awaitText("Login timed out.\r\n", 10.seconds)
        halfway.awaitClosed(10.seconds).shouldBeTrue()
        halfway.output shouldNotContain PROMPT
    }

    test("an authenticator that throws counts as a rejection, and its message stays in the log") {
        val calls = AtomicInteger()
        val throwing = Authenticator { _, _, _ ->
            calls.incrementAndGet()
            throw IllegalStateException("directory down: secret detail")
        }
        val server = fixture.startShell(shell(LoginSettings(throwing, failureDelay = Duration.ZERO, maxAttempts = 2)))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ")
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        client.awaitPrompt("Username: ") shouldBe "\r\nLogin incorrect.\r\n"
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        client.awaitText("Too many failed attempts.\r\n") shouldBe "\r\nLogin incorrect.\r\nToo many failed attempts.\r\n"
        client.awaitClosed(10.seconds).shouldBeTrue()
        calls.get() shouldBe 2
        client.output shouldNotContain "secret detail"
        logs.allText() shouldContain "directory down: secret detail"
        logs.allText() shouldNotContain PASSWORD
    }

    test("an authenticator whose message quotes the password: the message is logged with the password blanked out") {
        val quoting = Authenticator { _, _, password -> throw IllegalStateException("no account takes '$password'") }
        val server = fixture.startShell(shell(LoginSettings(quoting, failureDelay = Duration.ZERO, maxAttempts = 1)))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ")
        client.sendLine(USER)
        client.awaitPrompt("Password: ")
        client.sendLine(PASSWORD)
        client.awaitClosed(10.seconds).shouldBeTrue()
        logs.allText() shouldContain "no account takes '***'"
        logs.allText() shouldNotContain PASSWORD
    }
})
