package dev.telnetkit.dsl

import dev.telnetkit.terminal.AnsiStyle
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** Every setting of `telnetServer { }` reaches the server and its shell, seen over the wire. */
class TelnetServerScopeSettingsSpec : FunSpec({
    val echo: TelnetServerScope.() -> Unit = {
        command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
    }

    test("welcome, prompt, continuationPrompt and goodbye are what the user sees") {
        serving({
            welcome = "Welcome to the DSL."
            prompt = "dsl> "
            continuationPrompt = "more> "
            goodbye = "So long."
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitText("Welcome to the DSL.\r\n")
                client.awaitPrompt("dsl> ")
                client.sendLine("echo \"one")
                client.awaitPrompt("more> ")
                client.sendLine("two\" \\")
                client.awaitPrompt("more> ")
                client.sendLine("three")
                client.awaitText("one\r\ntwo three\r\n")
                client.awaitPrompt("dsl> ")
                client.sendLine("bye")
                client.awaitText("So long.\r\n")
                client.awaitClosed(5.seconds) shouldBe true
            }
        }
    }

    test("an empty goodbye and welcome show nothing, and Ctrl-D leaves like bye") {
        serving({
            welcome = ""
            goodbye = ""
            prompt = "p> "
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("p> ")
                client.output shouldNotContain "Welcome"
                client.send("\u0004")
                client.awaitClosed(5.seconds) shouldBe true
                client.output shouldNotContain "Goodbye."
            }
        }
    }

    test("a prompt function is computed for each prompt, with the session") {
        serving({
            prompt { session -> "[${session.id}:${session.history.size}]> " }
            echo()
        }) { server ->
            server.connect().use { client ->
                val first = client.awaitRegex(Regex("""\[(\d+):0]> """))
                val id = server.sessions.single().id
                first.groupValues[1] shouldBe id.toString()
                client.sendLine("echo a")
                client.awaitPrompt("[$id:1]> ")
                client.sendLine("echo b")
                client.awaitPrompt("[$id:2]> ")
            }
        }
    }

    test("encoding is the session's charset when the client does not negotiate CHARSET") {
        val cafeLatin1 = byteArrayOf('c'.code.toByte(), 'a'.code.toByte(), 'f'.code.toByte(), 0xE9.toByte())
        val cafeUtf8 = "café".toByteArray(Charsets.UTF_8)
        serving({
            encoding = Charsets.ISO_8859_1
            command("enc") { run { writeResponse("${encoding.name()} café") } }
            echo()
        }) { server ->
            server.connect(TerminalProfile(charsets = emptyList())).use { client ->
                client.awaitPrompt("> ")
                client.sendLine("enc")
                client.awaitText("ISO-8859-1 caf")
                client.awaitPrompt("> ")
                client.receivedBytes.containsSequence(cafeLatin1).shouldBeTrue()
                client.receivedBytes.containsSequence(cafeUtf8).shouldBeFalse()
                // Input is decoded with it too: a Latin-1 é comes back as one.
                client.sendBytes("echo x".toByteArray() + byteArrayOf(0xE9.toByte(), 'y'.code.toByte(), 13, 10))
                client.awaitPrompt("> ")
                client.receivedBytes.containsSequence(byteArrayOf(13, 10, 'x'.code.toByte(), 0xE9.toByte(), 'y'.code.toByte(), 13, 10)).shouldBeTrue()
            }
            // A client that negotiates CHARSET is offered the preferred one first, and may pick another.
            server.connect(TerminalProfile(charsets = listOf("UTF-8"))).use { client ->
                client.awaitPrompt("> ")
                client.negotiationLog.first { it.startsWith("recv SB CHARSET") }.replace(" ", "") shouldContain "01;ISO-8859-1;UTF-8"
                client.sendLine("enc")
                client.awaitText("UTF-8 café\r\n")
            }
        }
    }

    test("idleTimeout closes a quiet session with idleNotice") {
        serving({
            idleTimeout = 400.milliseconds
            idleNotice = "Too quiet here."
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                val started = TimeSource.Monotonic.markNow()
                client.awaitText("Too quiet here.", 5.seconds)
                client.awaitClosed(5.seconds) shouldBe true
                started.elapsedNow() shouldBeGreaterThan 300.milliseconds
            }
        }
    }

    test("shutdownNotice is shown to every session when the server stops") {
        val server = telnetServer {
            port = 0
            shutdownNotice = "Closing time, everyone."
            echo()
        }.start()
        val clients = List(2) { server.connect() }
        try {
            clients.forEach { it.awaitPrompt("> ") }
            server.stop(2.seconds)
            clients.forEach { client ->
                client.awaitText("Closing time, everyone.")
                client.awaitClosed(5.seconds) shouldBe true
            }
        } finally {
            clients.forEach { it.close() }
            server.stop()
        }
    }

    test("connectMaxWait is how long a client that negotiates nothing waits for its prompt") {
        suspend fun timeToPrompt(wait: kotlin.time.Duration): kotlin.time.Duration {
            var took = 0.seconds
            serving({
                connectMaxWait = wait
                echo()
            }) { server ->
                server.connect(TerminalProfile.RAW).use { client ->
                    val start = TimeSource.Monotonic.markNow()
                    client.awaitPrompt("> ", 15.seconds)
                    took = start.elapsedNow()
                    client.sendLine("echo raw")
                    client.awaitText("raw\r\n")
                }
            }
            return took
        }
        val long = timeToPrompt(2500.milliseconds)
        long shouldBeGreaterThan 2.seconds
        val short = timeToPrompt(100.milliseconds)
        (long - short) shouldBeGreaterThan 1.5.seconds
    }

    test("escapeTimeout decides how long a lone ESC waits for the rest of its sequence") {
        suspend fun typed(timeout: kotlin.time.Duration): String {
            val line = CompletableDeferred<String>()
            serving({
                escapeTimeout = timeout
                session { line.complete(readLine("? ") ?: "<end>") }
            }) { server ->
                server.connect().use { client ->
                    client.awaitPrompt("? ")
                    client.send("ab\u001b")
                    delay(500)
                    client.send("[DX\r")
                    withTimeout(5.seconds) { line.await() }
                }
            }
            return line.await()
        }
        // Within a 3 s escape timeout, ESC … [ D is still the Left arrow; after 0.15 s it was Escape.
        typed(3.seconds) shouldBe "aXb"
        typed(150.milliseconds) shouldBe "ab[DX"
    }

    test("the remaining server settings reach ServerSettings") {
        val server = telnetServer {
            host = "127.0.0.1"
            port = 0
            outputBufferLimit = 4096
            outputStallTimeout = 7.seconds
            maxSubnegotiation = 1000
            historySize = 9
            escapeTimeout = 80.milliseconds
            idleTimeout = 42.seconds
            idleNotice = "idle!"
            shutdownNotice = "bye all"
            echo()
        }
        with(server.settings) {
            host shouldBe "127.0.0.1"
            outputBufferLimit shouldBe 4096
            outputStallTimeout.seconds shouldBe 7
            protocol.maxSubnegotiation shouldBe 1000
            historySize shouldBe 9
            escapeTimeout.toMillis() shouldBe 80
            idleTimeout.seconds shouldBe 42
            idleNotice shouldBe "idle!"
            shutdownNotice shouldBe "bye all"
        }
        shouldThrow<IllegalArgumentException> { telnetServer { historySize = -1; echo() } }.message shouldContain "historySize"
        shouldThrow<IllegalArgumentException> { telnetServer { maxLineLength = 0; echo() } }.message shouldContain "maxLineLength"
        shouldThrow<IllegalArgumentException> { telnetServer { connectMaxWait = 2.seconds * 60; echo() } }.message shouldContain "connectMaxWait"
        shouldThrow<IllegalArgumentException> { telnetServer { maxContinuationLines = 0; echo() } }.message shouldContain "maxContinuationLines"
        shouldThrow<IllegalArgumentException> { telnetServer { echo(); login(askUsername = false, askPassword = false) { _, _ -> true } } }
            .message shouldContain "login"
    }

    test("maxLineLength stops input at the limit with a bell") {
        serving({
            maxLineLength = 8
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("echo 1234567")
                client.awaitText("\r\n123\r\n")
                client.awaitPrompt("> ")
                client.screen.bellCount shouldBeGreaterThan 0
            }
        }
    }

    test("historySize bounds what Up can recall") {
        serving({
            historySize = 2
            command("hist") { run { writeResponse(history.entries.joinToString("|")) } }
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                for (n in 1..3) {
                    client.sendLine("echo $n")
                    client.awaitPrompt("> ")
                }
                client.sendLine("hist")
                client.awaitText("echo 3|hist\r\n")
                client.awaitPrompt("> ")
                // Up three times: hist, echo 3, then the oldest kept line stays (a bell) instead of echo 2.
                val bells = client.screen.bellCount
                client.send("\u001b[A\u001b[A\u001b[A")
                client.awaitScreen { it.rowText(it.cursorRow) == "> echo 3" && it.bellCount > bells }
                client.send("\r")
                client.awaitText("\r\n3\r\n")
                client.awaitPrompt("> ")
            }
        }
    }

    test("login asks, checks with the session as receiver, and sets the username") {
        serving({
            login(maxAttempts = 2, failureDelay = 0.seconds) { user, password ->
                password == user.reversed() && remoteAddress.startsWith("127.0.0.1")
            }
            prompt { "${it.username}> " }
            command("whoami") { run { writeResponse(username ?: "nobody") } }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("Username: ")
                client.sendLine("ann")
                client.awaitPrompt("Password: ")
                client.sendLine("nna")
                client.awaitPrompt("ann> ")
                client.output shouldNotContain "nna"
                client.sendLine("whoami")
                client.awaitText("ann\r\n")
            }
            server.connect().use { client ->
                repeat(2) {
                    client.awaitPrompt("Username: ")
                    client.sendLine("bob")
                    client.awaitPrompt("Password: ")
                    client.sendLine("wrong")
                    client.awaitText("Login incorrect.")
                }
                client.awaitText("Too many failed attempts.")
                client.awaitClosed(5.seconds) shouldBe true
            }
        }
    }

    test("login prompts and the lockout of an address after repeated failures") {
        serving({
            login(
                usernamePrompt = "user? ",
                passwordPrompt = "pass? ",
                failureDelay = 0.seconds,
                maxAttempts = 5,
                lockoutThreshold = 2,
                lockoutWindow = 1.minutes,
                lockoutDuration = 1.minutes,
            ) { user, password -> password == user.reversed() }
            echo()
        }) { server ->
            server.connect().use { client ->
                repeat(2) {
                    client.awaitPrompt("user? ")
                    client.sendLine("bob")
                    client.awaitPrompt("pass? ")
                    client.sendLine("wrong")
                    client.awaitText("Login incorrect.")
                }
                client.awaitText("Too many failed logins from your address; try again later.")
                client.awaitClosed(5.seconds) shouldBe true
                client.output shouldNotContain "Username: "
            }
            // Locked out: even the right password gets no prompt now.
            server.connect().use { client ->
                client.awaitText("Too many failed logins from your address; try again later.")
                client.awaitClosed(5.seconds) shouldBe true
                client.output shouldNotContain "user? "
            }
        }
        shouldThrow<IllegalArgumentException> { telnetServer { echo(); login(lockoutThreshold = 0) { _, _ -> true } } }
            .message shouldContain "lockoutThreshold"
    }

    test("login without a username, and a login timeout") {
        serving({
            login(askUsername = false, timeout = 1.seconds) { _, password -> password == "open sesame" }
            command("whoami") { run { writeResponse(username ?: "nobody") } }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("Password: ")
                client.output shouldNotContain "Username"
                client.sendLine("open sesame")
                client.awaitPrompt("> ")
                client.sendLine("whoami")
                client.awaitText("nobody\r\n")
            }
            server.connect().use { client ->
                client.awaitPrompt("Password: ")
                client.awaitText("Login timed out.", 5.seconds)
                client.awaitClosed(5.seconds) shouldBe true
            }
        }
    }

    test("onSessionStart runs after the login with the session as receiver; onSessionEnd once however it ends") {
        val ended = Collections.synchronizedList(ArrayList<String>())
        serving({
            welcome = "Hello."
            login(failureDelay = 0.seconds, maxAttempts = 1) { _, password -> password == "pw" }
            onSessionStart { writeLine("Started for $username, session $id.") }
            onSessionEnd { ended.add("$username#$id") }
            echo()
        }) { server ->
            suspend fun logIn(user: String): TelnetTestClient = server.connect().also { client ->
                client.awaitText("Hello.")
                client.awaitPrompt("Username: ")
                client.sendLine(user)
                client.awaitPrompt("Password: ")
                client.sendLine("pw")
                client.awaitText("Started for $user, session")
                client.awaitPrompt("> ")
            }

            logIn("ann").use { client ->
                client.sendLine("bye")
                client.awaitClosed(5.seconds) shouldBe true
            }
            withTimeout(5.seconds) { while (ended.size < 1) delay(10) }
            ended.single() shouldBe "ann#1"

            logIn("bob").close() // the client just goes away
            withTimeout(5.seconds) { while (ended.size < 2) delay(10) }
            ended[1] shouldBe "bob#2"

            // A failed login never started the session: no end hook for it.
            server.connect().use { client ->
                client.awaitPrompt("Username: ")
                client.sendLine("eve")
                client.awaitPrompt("Password: ")
                client.sendLine("nope")
                client.awaitClosed(5.seconds) shouldBe true
            }

            val carol = logIn("carol")
            server.stop(2.seconds)
            carol.awaitClosed(5.seconds) shouldBe true
            carol.close()
            ended shouldContainExactly listOf("ann#1", "bob#2", "carol#4")
        }
    }

    test("errorFormatter formats writeError, and ansi decides whether styles are sent") {
        suspend fun errorLine(ansiOn: Boolean): String {
            var seen = ""
            serving({
                ansi = ansiOn
                errorFormatter { text -> styled("E: $text", AnsiStyle.RED) }
                command("fail") { run { writeError("it broke") } }
            }) { server ->
                server.connect().use { client ->
                    client.awaitPrompt("> ")
                    client.sendLine("fail")
                    client.awaitText("\r\n")
                    seen = client.awaitPrompt("> ")
                    client.sendLine("nosuch")
                    client.awaitText("\r\n")
                    client.awaitPrompt("> ") shouldContain "E: Unknown command 'nosuch'."
                }
            }
            return seen
        }
        errorLine(ansiOn = true) shouldBe "\u001b[31mE: it broke\u001b[0m\r\n"
        errorLine(ansiOn = false) shouldBe "E: it broke\r\n"
    }

    test("maxContinuationLines drops a command that spans more lines") {
        serving({
            maxContinuationLines = 2
            continuationPrompt = "+ "
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("echo a \\")
                client.awaitPrompt("+ ")
                client.sendLine("b \\")
                client.awaitText("The command spans more than 2 lines; it was dropped.")
                client.awaitPrompt("> ")
                client.sendLine("echo a \\")
                client.awaitPrompt("+ ")
                client.sendLine("b")
                client.awaitText("a b\r\n")
            }
        }
    }
})
