package dev.telnetkit.session

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.serverFixture
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.shell.captureLogs
import dev.telnetkit.shell.command
import dev.telnetkit.shell.events
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import java.io.ByteArrayOutputStream
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

private const val SECRET = "s3cret-Pw-9q"

/** A tap that keeps everything it is told. */
private class KeepingTap : SessionTap {
    private val out = ByteArrayOutputStream()
    private val typed = StringBuilder()
    val sizes = CopyOnWriteArrayList<TerminalSize>()
    val closedCalls = AtomicInteger()

    val outputBytes: ByteArray get() = synchronized(this) { out.toByteArray() }
    val outputText: String get() = String(outputBytes, Charsets.UTF_8)
    val input: String get() = synchronized(this) { typed.toString() }

    @Synchronized override fun output(bytes: ByteArray, offset: Int, length: Int) = out.write(bytes, offset, length)
    @Synchronized override fun input(text: String) { typed.append(text) }
    override fun resized(size: TerminalSize) { sizes += size }
    override fun closed() { closedCalls.incrementAndGet() }
}

private fun settings(vararg observers: SessionObserver) = ServerSettings(
    host = "127.0.0.1",
    port = 0,
    connectMaxWait = Duration.ofSeconds(5),
    observers = observers.toList(),
)

/** Session taps: what a recording sees of a session's terminal, over real sockets. */
class SessionTapSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()
    val logs = captureLogs("dev.telnetkit")

    test("output reaches a tap in the session's encoding, without IAC doubling or negotiation bytes") {
        val tap = KeepingTap()
        val done = CompletableDeferred<String?>()
        val server = fixture.start(settings()) { session ->
            session.addTap(tap)
            session.writeLine("héllo ✓")
            session.writeBytes(byteArrayOf(0xFF.toByte(), 'A'.code.toByte()))
            // In line mode a hidden read asks the client to stop echoing (IAC WILL ECHO) and gives it back after.
            done.complete(session.readLine("pw: ", echo = false))
            session.writeLine("bye")
        }
        val client = fixture.connect(server, TerminalProfile.REFUSE_ALL)
        client.awaitPrompt("pw: ")
        client.sendLine("x")
        client.awaitText("bye")
        done.await() shouldBe "x"
        awaitCondition("the last line tapped") { tap.outputText.endsWith("bye\r\n") }
        val expected = "héllo ✓\r\n".toByteArray() + byteArrayOf(0xFF.toByte(), 'A'.code.toByte()) +
            "pw: bye\r\n".toByteArray()
        tap.outputBytes.toList() shouldBe expected.toList()
    }

    test("what a visible read takes is passed on as typed; the echo is output") {
        val tap = KeepingTap()
        val server = fixture.start(settings()) { session ->
            session.addTap(tap)
            val line = session.readLine("> ") ?: return@start
            session.writeLine("got [$line]")
            session.readLine("> ")
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.send("abd\u007fc\r\n")
        client.awaitText("got [abc]")
        awaitCondition("the line's keys tapped") { tap.input.contains("\r") }
        tap.input shouldBe "abd\u007fc\r"
        tap.outputText shouldContain "got [abc]"
    }

    for ((mode, profile) in listOf("character mode" to TerminalProfile.XTERM, "line mode" to TerminalProfile.REFUSE_ALL)) {
        test("hidden and masked reads pass nothing on, even typed ahead in one chunk ($mode)") {
            val tap = KeepingTap()
            val lines = CopyOnWriteArrayList<String?>()
            val server = fixture.start(settings()) { session ->
                session.addTap(tap)
                session.writeLine("ready")
                session.awaitInput(10.seconds)
                lines += session.readLine("a: ")
                lines += session.readLine("b: ", echo = false)
                lines += session.readLine("c: ", history = false, mask = '*')
                lines += session.readLine("d: ")
                session.writeLine("done")
            }
            val client = fixture.connect(server, profile)
            client.awaitText("ready")
            client.send("visible-1\r\n$SECRET\r\n$SECRET-masked\r\nvisible-2\r\n")
            client.awaitText("done")
            lines shouldBe listOf("visible-1", SECRET, "$SECRET-masked", "visible-2")
            awaitCondition("the last line tapped") { tap.input.contains("visible-2") }
            tap.input shouldBe "visible-1\rvisible-2\r"
            tap.outputText shouldNotContain SECRET
        }

        test("the shell's login password is never passed on, typed ahead with the rest ($mode)") {
            val tap = KeepingTap()
            val opened = CompletableDeferred<Session>()
            val observer = object : SessionObserver {
                override fun sessionOpened(session: Session) {
                    session.addTap(tap)
                    opened.complete(session)
                }
            }
            val shell = ShellSettings(
                listOf(command("whoami") { call -> call.writeResponse("user=${call.session.username}") }),
                login = LoginSettings(Authenticator { _, user, password -> user == "alice" && password == SECRET }, failureDelay = Duration.ZERO),
            )
            val server = fixture.start(settings(observer), CommandShell(shell))
            val client = fixture.connect(server, profile)
            client.awaitPrompt("Username: ")
            client.send("alice\r\n$SECRET\r\nwhoami\r\n")
            client.awaitText("user=alice")
            awaitCondition("the command tapped") { tap.input.contains("whoami") }
            tap.input shouldContain "alice"
            tap.input shouldNotContain SECRET
            tap.outputText shouldNotContain SECRET
            tap.outputText shouldContain "user=alice"
            opened.await().username shouldBe "alice"
        }
    }

    test("a resize is passed on, and the end once") {
        val tap = KeepingTap()
        val server = fixture.start(settings()) { session ->
            session.addTap(tap)
            while (session.readLine("> ") != null) session.writeLine("size ${session.width}x${session.height}")
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.resize(100, 40)
        client.sendLine("")
        client.awaitText("size 100x40")
        tap.sizes shouldContain TerminalSize(100, 40)
        client.close()
        awaitCondition("closed called") { tap.closedCalls.get() == 1 }
        tap.closedCalls.get() shouldBe 1
    }

    test("a tap added once the session has ended hears its end at once, and nothing is kept") {
        val ended = java.util.concurrent.CompletableFuture<Session>()
        val server = fixture.start(settings()) { session ->
            session.readLine("> ")
            ended.complete(session)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.close()
        val session = ended.get(10, java.util.concurrent.TimeUnit.SECONDS)
        awaitCondition("the session gone") { server.sessions.isEmpty() }
        val late = KeepingTap()
        session.addTap(late)
        late.closedCalls.get() shouldBe 1
        session.removeTap(late)
    }

    test("a tap that throws is logged and removed; the session and the other taps go on") {
        val good = KeepingTap()
        val calls = AtomicInteger()
        val failing = object : SessionTap {
            override fun output(bytes: ByteArray, offset: Int, length: Int) {
                calls.incrementAndGet()
                throw IllegalStateException("tap broke")
            }
        }
        val server = fixture.start(settings()) { session ->
            session.addTap(failing)
            session.addTap(good)
            while (true) {
                val line = session.readLine("> ") ?: break
                session.writeLine("got [$line]")
            }
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.sendLine("one")
        client.awaitText("got [one]")
        client.sendLine("two")
        client.awaitText("got [two]")
        calls.get() shouldBe 1
        awaitCondition("the good tap saw both") { good.outputText.contains("got [two]") }
        logs.events.any { it.formattedMessage.contains("session tap failed") } shouldBe true
    }

    test("a tap removed hears nothing more") {
        val tap = KeepingTap()
        val server = fixture.start(settings()) { session ->
            session.addTap(tap)
            session.writeLine("before")
            session.removeTap(tap)
            session.writeLine("after")
            session.readLine("> ")
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        tap.outputText shouldBe "before\r\n"
    }
})
