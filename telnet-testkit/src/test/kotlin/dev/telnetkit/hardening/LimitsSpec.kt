package dev.telnetkit.hardening

import dev.telnetkit.wire.telnetOptions
import dev.telnetkit.session.Session

import ch.qos.logback.classic.Level
import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.indexOf
import dev.telnetkit.server.serverFixture
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.yield
import java.io.ByteArrayOutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private const val IAC = TelnetCommand.IAC
private const val SB = TelnetCommand.SB
private const val SE = TelnetCommand.SE

private fun bytesOf(vararg values: Int): ByteArray = ByteArray(values.size) { values[it].toByte() }

/** How many times [needle] occurs in this array. */
private fun ByteArray.count(needle: ByteArray): Int {
    var n = 0
    var at = indexOf(needle)
    while (at >= 0) {
        n++
        at = if (at + needle.size <= size - needle.size) indexOf(needle, at + needle.size) else -1
    }
    return n
}

/** True if this machine routes 127.0.0.2 to loopback (Linux does: all of 127/8). */
private val secondLoopbackAddress: Boolean by lazy {
    runCatching { Socket().use { it.bind(InetSocketAddress("127.0.0.2", 0)) } }.isSuccess
}

/** A NEW-ENVIRON `INFO` subnegotiation setting [name] to [value]. */
private fun environInfo(name: String, value: String): ByteArray {
    val out = ByteArrayOutputStream()
    out.write(bytesOf(IAC, SB, TelnetOption.NEW_ENVIRON, 2 /* INFO */, 0 /* VAR */))
    out.write(name.toByteArray(Charsets.US_ASCII))
    out.write(1 /* VALUE */)
    out.write(value.toByteArray(Charsets.US_ASCII))
    out.write(bytesOf(IAC, SE))
    return out.toByteArray()
}

private val echoCommand = Command("echo", handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) })

class LimitsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    val abusers = abuserPool()
    val log = captureServerLog()

    /**
     * Connects until a connection is not refused as busy: the server releases a slot a moment
     * after the session leaves `server.sessions`. Fails if no slot frees up within 5 s.
     */
    suspend fun connectWhenFree(server: TelnetServer, busy: String): TelnetTestClient {
        val deadline = System.nanoTime() + 5.seconds.inWholeNanoseconds
        while (true) {
            val client = fixture.connect(server)
            try {
                client.awaitPrompt("> ", 3.seconds)
                return client
            } catch (e: AssertionError) {
                client.close()
                if (busy !in client.output || System.nanoTime() > deadline) throw e
                delay(20.milliseconds)
            }
        }
    }

    test("maxSessions: the connection over it reads exactly the busy line and is closed, the others keep working, and a freed slot is reused") {
        val server = fixture.start(limitSettings(maxSessions = 3), recordingEcho())
        val clients = (1..3).map { fixture.connect(server).also { c -> c.awaitPrompt("> ") } }

        val refused = abusers.connect(server.port, keepAll = true)
        refused.awaitEof().shouldBeTrue()
        String(refused.received, Charsets.ISO_8859_1) shouldBe "Server busy, try later.\r\n"
        log.messages(Level.WARN).filter { "refused" in it } shouldHaveSize 1

        clients.forEachIndexed { i, c -> c.roundTrip("still-$i") }
        server.sessions shouldHaveSize 3

        clients[0].close()
        awaitCondition("the closed session is gone") { server.sessions.size == 2 }
        val newcomer = connectWhenFree(server, "Server busy")
        newcomer.roundTrip("newcomer")
        clients[1].roundTrip("after")
        server.sessions shouldHaveSize 3
    }

    test("maxSessionsPerAddress: a further connection from the same address gets busyMessage and is closed, another address is served, and a freed slot is reused") {
        val busy = "Too many sessions from your address."
        val server = fixture.start(limitSettings(maxSessionsPerAddress = 2, maxSessions = 100, busyMessage = busy), recordingEcho())
        val a = fixture.connect(server).also { it.awaitPrompt("> ") }
        val b = fixture.connect(server).also { it.awaitPrompt("> ") }

        val refused = abusers.connect(server.port, keepAll = true)
        refused.awaitEof().shouldBeTrue()
        String(refused.received, Charsets.ISO_8859_1) shouldBe "$busy\r\n"

        if (secondLoopbackAddress) {
            // 127.0.0.2 is another address: it has slots of its own. (A raw socket: its prompt comes after connectMaxWait.)
            val other = abusers.connect(server.port, localAddress = "127.0.0.2")
            other.awaitText("> ").shouldBeTrue()
            other.send("from-two\r\n")
            other.awaitText("got [from-two]").shouldBeTrue()
            server.sessions.map { it.remoteHost }.sorted() shouldBe listOf("127.0.0.1", "127.0.0.1", "127.0.0.2")
        } else {
            println("maxSessionsPerAddress: 127.0.0.2 cannot be bound here; the second-address part is skipped")
        }

        a.roundTrip("a-still")
        b.roundTrip("b-still")
        a.close()
        awaitCondition("a's session is gone") { server.sessions.count { it.remoteHost == "127.0.0.1" } == 1 }
        connectWhenFree(server, busy).roundTrip("reused")
    }

    test("maxNegotiationsPerOption: a storm of 10,000 WILL/WONT pairs for one option gets at most that many replies, and the session still works") {
        val budget = 10
        val server = fixture.start(limitSettings(protocol = ProtocolSettings(maxNegotiationsPerOption = budget)), recordingEcho())
        val storm = abusers.connect(server.port, keepAll = true)
        storm.awaitText("\u00ff\u00fd\u0018").shouldBeTrue() // IAC DO TTYPE: the server is talking
        val pair = bytesOf(IAC, TelnetCommand.WILL, TelnetOption.BINARY, IAC, TelnetCommand.WONT, TelnetOption.BINARY)
        val payload = ByteArray(pair.size * 10_000) { pair[it % pair.size] }
        storm.send(payload).shouldBeTrue()
        storm.send("ping\r\n")
        storm.awaitText("got [ping]").shouldBeTrue()

        val received = storm.received
        val replies = received.count(bytesOf(IAC, TelnetCommand.DO, TelnetOption.BINARY)) +
            received.count(bytesOf(IAC, TelnetCommand.DONT, TelnetOption.BINARY))
        withClue("DO/DONT BINARY replies to 20,000 WILL/WONT BINARY") { replies shouldBeInRange 1..budget }
        log.messages().filter { "more than $budget negotiations of BINARY" in it } shouldHaveSize 1
        server.sessions.single().telnetOptions!!.isEnabled(dev.telnetkit.protocol.OptionSide.REMOTE, TelnetOption.BINARY) shouldBe false
    }

    test("maxTerminalTypes: a client that never repeats its TTYPE answer is asked at most that many times (8 by default)") {
        val names = (1..20).map { "TERM-$it" }
        val profile = TerminalProfile(terminalTypes = names)
        for ((settings, cap) in listOf(ProtocolSettings(maxTerminalTypes = 3) to 3, ProtocolSettings() to 8)) {
            val server = fixture.start(limitSettings(protocol = settings), recordingEcho())
            val client = fixture.connect(server, profile)
            client.awaitPrompt("> ")
            val session = server.sessions.single()
            withClue("cap $cap") {
                client.negotiationLog.count { it == "recv SB TTYPE 01" } shouldBe cap
                client.negotiationLog.count { it.startsWith("sent SB TTYPE IS") } shouldBe cap
                session.terminalTypes shouldBe names.take(cap).map { it.lowercase() }
                session.terminalType shouldBe "term-1"
            }
            client.roundTrip("works")
        }
    }

    test("maxSubnegotiation: a subnegotiation within it is applied, a longer one is dropped whole with a warning, and the session goes on") {
        val server = fixture.start(limitSettings(protocol = ProtocolSettings(maxSubnegotiation = 64)), recordingEcho())
        // A client with an environment agrees to NEW-ENVIRON, so its INFO updates count.
        val client = fixture.connect(server, TerminalProfile(environment = mapOf("USER" to "u")))
        client.awaitPrompt("> ")
        val session = server.sessions.single()

        client.sendBytes(environInfo("SMALL", "x".repeat(40)))
        awaitCondition("SMALL applied") { session.environment["SMALL"] == "x".repeat(40) }
        client.sendBytes(environInfo("BIG", "y".repeat(10_000)))
        client.sendBytes(environInfo("AFTER", "z"))
        awaitCondition("AFTER applied") { session.environment["AFTER"] == "z" }
        withClue("environment ${session.environment.keys}") { session.environment.containsKey("BIG") shouldBe false }
        log.messages().filter { "subnegotiation NEW-ENVIRON dropped: longer than 64 bytes" in it } shouldHaveSize 1
        bufferedSubnegotiationBytes(session) shouldBe 0
        client.roundTrip("still-here")
    }

    test("maxEnvironmentVariables: only that many NEW-ENVIRON variables are kept") {
        val env = (0 until 10).associate { "V$it" to "value$it" }
        val server = fixture.start(limitSettings(protocol = ProtocolSettings(maxEnvironmentVariables = 4)), recordingEcho())
        val client = fixture.connect(server, TerminalProfile(environment = env))
        client.awaitPrompt("> ")
        server.sessions.single().environment shouldBe env.entries.take(4).associate { it.key to it.value }
        client.roundTrip("ok")
    }

    test("maxLineLength: typing past it rings the bell for each extra character and the line is cut, in character and in line mode") {
        val lines = Collections.synchronizedList(ArrayList<String>())
        val server = fixture.start(limitSettings(connectMaxWait = Duration.ofSeconds(5), maxLineLength = 10), recordingEcho(lines))
        val character = fixture.connect(server)
        character.awaitPrompt("> ")
        character.send("abcdefghijklmno")
        character.sendLine("")
        character.awaitPrompt("> ") shouldBe "abcdefghij" + "\u0007".repeat(5) + "\r\ngot [abcdefghij]\r\n"

        val lineMode = fixture.connect(server, TerminalProfile.REFUSE_ALL)
        lineMode.awaitPrompt("> ")
        lineMode.sendLine("ABCDEFGHIJKLMNO")
        lineMode.awaitPrompt("> ") shouldBe "got [ABCDEFGHIJ]\r\n"
        lines shouldContainExactly listOf("abcdefghij", "ABCDEFGHIJ")
    }

    test("maxContinuationLines: a command may span that many lines; one that needs more is dropped with an error") {
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), maxContinuationLines = 3)))
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.sendLine("echo a \\")
        client.awaitPrompt("... ")
        client.sendLine("b \\")
        client.awaitPrompt("... ")
        client.sendLine("c")
        client.awaitPrompt("> ") shouldBe "c\r\na b c\r\n"

        client.sendLine("echo a \\")
        client.awaitPrompt("... ")
        client.sendLine("b \\")
        client.awaitPrompt("... ")
        client.sendLine("c \\")
        client.awaitPrompt("> ") shouldBe "c \\\r\nThe command spans more than 3 lines; it was dropped.\r\n"
    }

    test("historySize: only the newest entries are kept, and Up stops at the oldest kept one") {
        val server = fixture.start(limitSettings(connectMaxWait = Duration.ofSeconds(5), historySize = 3), recordingEcho())
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        for (i in 1..5) client.roundTrip("line$i")
        client.awaitPrompt("> ")
        server.sessions.single().history.entries shouldBe listOf("line3", "line4", "line5")
        client.send("\u001b[A".repeat(4))
        client.sendLine("")
        client.awaitText("got [line3]\r\n") shouldContain "\u0007" // the fourth Up: nothing older
    }

    test("login maxAttempts: after that many failures the connection is closed with 'Too many failed attempts.'") {
        val calls = AtomicInteger()
        val login = LoginSettings(Authenticator { _, _, _ -> calls.incrementAndGet(); false }, maxAttempts = 2, failureDelay = Duration.ZERO)
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        val client = fixture.connect(server)
        repeat(2) {
            client.awaitPrompt("Username: ")
            client.sendLine("user")
            client.awaitPrompt("Password: ")
            client.sendLine("wrong")
        }
        client.awaitText("Too many failed attempts.\r\n")
        client.awaitClosed(10.seconds).shouldBeTrue()
        calls.get() shouldBe 2
        awaitCondition("the session is gone") { server.sessions.isEmpty() }
    }

    test("login failureDelay: failures from one address slow down the next attempt, also in a new session") {
        val delayStep = Duration.ofMillis(300)
        val times = Collections.synchronizedList(ArrayList<Long>())
        val login = LoginSettings(Authenticator { _, _, _ -> times.add(System.nanoTime()); false }, maxAttempts = 2, failureDelay = delayStep)
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        suspend fun fail(client: TelnetTestClient) {
            client.awaitPrompt("Username: ", 10.seconds)
            client.sendLine("user")
            client.awaitPrompt("Password: ")
            client.sendLine("wrong")
        }
        val first = fixture.connect(server)
        fail(first); fail(first)
        first.awaitClosed(10.seconds).shouldBeTrue()
        val second = fixture.connect(server)
        fail(second); fail(second)
        second.awaitClosed(10.seconds).shouldBeTrue()
        times shouldHaveSize 4
        // First session: 1 step after its first failure. Second session: the address already has 2
        // failures, so its first failure waits 3 steps (lower bounds only).
        withClue("first session") { Duration.ofNanos(times[1] - times[0]) shouldBeGreaterThanOrEqualTo delayStep }
        withClue("second session") { Duration.ofNanos(times[3] - times[2]) shouldBeGreaterThanOrEqualTo delayStep.multipliedBy(3) }
    }

    test("login lockoutThreshold: after that many failures from 127.0.0.1 a new connection is told it is locked out without a prompt, another address is not, and the lockout ends after lockoutDuration") {
        val lockout = Duration.ofSeconds(2)
        val login = LoginSettings(
            Authenticator { _, user, password -> user == "alice" && password == "right" },
            maxAttempts = 2, failureDelay = Duration.ZERO,
            lockoutThreshold = 3, lockoutWindow = Duration.ofMinutes(1), lockoutDuration = lockout,
        )
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        suspend fun fail(client: TelnetTestClient) {
            client.awaitPrompt("Username: ")
            client.sendLine("alice")
            client.awaitPrompt("Password: ")
            client.sendLine("wrong")
        }
        val lockedLine = "Too many failed logins from your address; try again later.\r\n"
        val first = fixture.connect(server)
        fail(first); fail(first)
        first.awaitText("Too many failed attempts.\r\n")
        first.awaitClosed(10.seconds).shouldBeTrue()
        val second = fixture.connect(server)
        fail(second)
        second.awaitText(lockedLine) shouldBe "\r\nLogin incorrect.\r\n$lockedLine"
        second.awaitClosed(10.seconds).shouldBeTrue()
        val lockedAt = System.nanoTime()

        val third = fixture.connect(server)
        third.awaitClosed(10.seconds).shouldBeTrue()
        withClue("a connection during the lockout is told so, and never asked anything") { third.output shouldBe lockedLine }

        if (secondLoopbackAddress) {
            val other = abusers.connect(server.port, localAddress = "127.0.0.2")
            other.awaitText("Username: ").shouldBeTrue()
        }

        val waitLeft = lockout.toNanos() - (System.nanoTime() - lockedAt) + 100_000_000
        if (waitLeft > 0) delay(waitLeft / 1_000_000)
        val after = fixture.connect(server)
        after.awaitPrompt("Username: ")
        after.sendLine("alice")
        after.awaitPrompt("Password: ")
        after.sendLine("right")
        after.awaitPrompt("> ")
        after.sendLine("echo in")
        after.awaitPrompt("> ") shouldBe "echo in\r\nin\r\n"
    }

    test("login lockout holds against parallel sessions: 20 sessions from one address, each at its password prompt, get the authenticator asked only up to the threshold, and a right password is refused once locked") {
        val calls = java.util.concurrent.atomic.AtomicInteger()
        val login = LoginSettings(
            Authenticator { _, user, password -> calls.incrementAndGet(); user == "alice" && password == "right" },
            maxAttempts = 3, failureDelay = Duration.ofMillis(50),
            lockoutThreshold = 5, lockoutWindow = Duration.ofMinutes(1), lockoutDuration = Duration.ofMinutes(1),
        )
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        val clients = List(20) { fixture.connect(server) }
        for (client in clients) {
            client.awaitPrompt("Username: ")
            client.sendLine("alice")
            client.awaitPrompt("Password: ")
        }
        // Every session guesses at once, and each goes on guessing until it is sent away.
        for (client in clients) client.sendLine("wrong")
        for (client in clients) {
            while (true) {
                val seen = client.awaitRegex(Regex("Username: |Too many failed"), 20.seconds)
                if ("Too many failed" in seen.value) break
                client.sendLine("alice")
                client.awaitPrompt("Password: ")
                client.sendLine("wrong")
            }
            client.awaitClosed(10.seconds).shouldBeTrue()
        }
        withClue("authenticator calls from 20 parallel sessions with 3 attempts each (threshold 5)") { calls.get() shouldBe 5 }
        val late = fixture.connect(server)
        late.awaitClosed(10.seconds).shouldBeTrue()
        late.output shouldContain "Too many failed logins from your address"
        calls.get() shouldBe 5
    }

    test("login lockoutWindow: failures further apart than the window do not add up to a lockout") {
        val login = LoginSettings(
            Authenticator { _, _, _ -> false }, maxAttempts = 1, failureDelay = Duration.ZERO,
            lockoutThreshold = 2, lockoutWindow = Duration.ofMillis(500), lockoutDuration = Duration.ofMinutes(1),
        )
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        suspend fun failOnce(): String {
            val client = fixture.connect(server)
            client.awaitPrompt("Username: ")
            client.sendLine("u")
            client.awaitPrompt("Password: ")
            client.sendLine("p")
            client.awaitClosed(10.seconds).shouldBeTrue()
            return client.output
        }
        failOnce() shouldContain "Too many failed attempts."
        delay(700)
        withClue("the first failure is outside the window") { failOnce() shouldContain "Too many failed attempts." }
        withClue("two failures within the window") { failOnce() shouldContain "Too many failed logins from your address" }
    }

    test("login timeout: a login not finished in time is closed with 'Login timed out.'") {
        val login = LoginSettings(Authenticator { _, _, _ -> true }, timeout = Duration.ofMillis(500))
        val server = fixture.start(limitSettings(), CommandShell(ShellSettings(listOf(echoCommand), login = login)))
        val client = fixture.connect(server)
        client.awaitPrompt("Username: ")
        client.sendLine("alice")
        client.awaitPrompt("Password: ")
        client.awaitText("Login timed out.\r\n", 5.seconds)
        client.awaitClosed(5.seconds).shouldBeTrue()
        client.output shouldNotContain "> "
    }

    test("idleTimeout: a session with no input for that long is shown idleNotice and closed") {
        val notice = "Bye, idle one."
        val server = fixture.start(limitSettings(idleTimeout = Duration.ofMillis(400), idleNotice = notice), recordingEcho())
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        val closedAfter = timed {
            client.awaitText(notice, 5.seconds)
            client.awaitClosed(5.seconds).shouldBeTrue()
        }
        closedAfter shouldBeLessThanOrEqualTo 5.seconds
        awaitCondition("the session is gone") { server.sessions.isEmpty() }
    }

    test("outputBufferLimit: a client that stops reading is cut off with one log line once its unread output passes the limit, and the queue never holds more") {
        val limit = 4096
        val message = "m".repeat(1000)
        val started = ConcurrentHashMap<Long, Session>()
        val server = fixture.start(limitSettings(outputBufferLimit = limit)) { s -> started[s.id] = s; recordingEcho().handle(s) }
        val good = fixture.connect(server)
        good.awaitPrompt("> ")
        val goodId = server.sessions.single().id
        val stalled = abusers.connect(server.port, drain = false, receiveBuffer = 1024)
        awaitCondition("the stalled session started") { started.size == 2 }
        val victim = started.values.single { it.id != goodId }

        var sent = 0
        var maxQueued = 0L
        while (server.sessions.any { it.id == victim.id } && sent < 64 * 1024) {
            victim.writeMessage(message)
            maxQueued = maxOf(maxQueued, queuedOutputBytes(victim))
            sent++
            if (sent % 64 == 0) yield()
        }
        awaitCondition("the stalled session is cut off ($sent messages offered)", 10.seconds) { server.sessions.none { it.id == victim.id } }
        withClue("bytes queued at most") { maxQueued shouldBeLessThanOrEqualTo limit.toLong() }
        log.messages(Level.WARN).filter { "session ${victim.id} " in it && "cut off: more than $limit bytes of output unread" in it } shouldHaveSize 1
        stalled.awaitEof().shouldBeTrue()
        good.roundTrip("unaffected")
        log.failures() shouldBe emptyList()
    }
})
