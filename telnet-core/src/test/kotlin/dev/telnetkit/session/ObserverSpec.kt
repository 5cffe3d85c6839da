package dev.telnetkit.session

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.LoginSettings
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainInOrder
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.io.ByteArrayOutputStream
import java.io.Closeable
import java.net.Socket
import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue
import kotlin.concurrent.thread

/**
 * A bare socket that speaks just enough Telnet to settle an opening: it accepts TTYPE (answering
 * `XTERM`), SGA, ECHO and NAWS (80x24), and refuses everything else. Text arrives as Latin-1.
 */
private class NegotiatingClient(port: Int) : Closeable {
    private val socket = Socket("127.0.0.1", port)
    private val out = socket.getOutputStream()
    private val text = StringBuffer()
    private var consumed = 0
    private val agreed = HashSet<String>()
    private val reader = thread(isDaemon = true, name = "negotiating-client") {
        val input = socket.getInputStream()
        try {
            while (true) {
                val b = input.read()
                if (b < 0) break
                if (b != IAC) { text.append(b.toChar()); continue }
                when (val verb = input.read()) {
                    IAC -> text.append(IAC.toChar())
                    WILL, WONT, DO, DONT -> answer(verb, input.read())
                    SB -> {
                        val option = input.read()
                        val payload = ByteArrayOutputStream()
                        while (true) {
                            val c = input.read()
                            if (c < 0) return@thread
                            if (c == IAC) { if (input.read() == SE) break else continue }
                            payload.write(c)
                        }
                        if (option == TelnetOption.TTYPE) send(IAC, SB, TelnetOption.TTYPE, 0, *"XTERM".map { it.code }.toIntArray(), IAC, SE)
                    }
                    else -> Unit
                }
            }
        } catch (_: Exception) {
            // Closed by the test.
        }
    }

    private fun answer(verb: Int, option: Int) {
        val key = "$verb/$option"
        when (verb) {
            DO -> if (option == TelnetOption.TTYPE || option == TelnetOption.NAWS) {
                if (agreed.add(key)) send(IAC, WILL, option)
                if (option == TelnetOption.NAWS) send(IAC, SB, option, 0, 80, 0, 24, IAC, SE)
            } else {
                send(IAC, WONT, option)
            }
            WILL -> if (option == TelnetOption.SGA || option == TelnetOption.ECHO) {
                if (agreed.add(key)) send(IAC, DO, option)
            } else {
                send(IAC, DONT, option)
            }
            WONT -> if (agreed.remove("$WILL/$option")) send(IAC, DONT, option)
            DONT -> if (agreed.remove("$DO/$option")) send(IAC, WONT, option)
        }
    }

    @Synchronized
    private fun send(vararg bytes: Int) {
        out.write(ByteArray(bytes.size) { bytes[it].toByte() })
        out.flush()
    }

    fun await(expected: String, timeoutMillis: Long = 10_000): String {
        val deadline = System.nanoTime() + timeoutMillis * 1_000_000
        while (System.nanoTime() < deadline) {
            val at = text.indexOf(expected, consumed)
            if (at >= 0) {
                val seen = text.substring(consumed, at + expected.length)
                consumed = at + expected.length
                return seen
            }
            Thread.sleep(10)
        }
        error("timed out waiting for \"$expected\"; received after the last wait: \"${text.substring(consumed)}\"")
    }

    fun sendLine(line: String) = send(*"$line\r\n".map { it.code }.toIntArray())

    override fun close() {
        socket.close()
        reader.join(5_000)
    }

    private companion object {
        const val IAC = 255
        const val WILL = 251
        const val WONT = 252
        const val DO = 253
        const val DONT = 254
        const val SB = 250
        const val SE = 240
    }
}

/** Writes down every event as one line. */
private class RecordingObserver : SessionObserver {
    val events = ConcurrentLinkedQueue<String>()
    override fun sessionOpened(session: Session) { events += "opened ${session.transport}" }
    override fun sessionClosed(session: Session) { events += "closed" }
    override fun commandFinished(session: Session, command: String, nanos: Long, failed: Boolean) {
        events += "command $command ${if (failed) "failed" else "ok"}"
    }
    override fun loginFailed(session: Session?, user: String?, transport: String) { events += "login failed $user $transport" }
    override fun loginLockedOut(host: String) { events += "locked out $host" }
    override fun optionNegotiated(session: Session, option: Int, local: Boolean, enabled: Boolean) {
        events += "option ${TelnetOption.name(option)} ${if (local) "local" else "remote"} ${if (enabled) "enabled" else "refused"}"
    }
    override fun outputCutOff(session: Session, reason: String) { events += "cut off" }
}

/** Throws from every event. */
private object ThrowingObserver : SessionObserver {
    override fun sessionOpened(session: Session) = error("observer broken")
    override fun sessionClosed(session: Session) = error("observer broken")
    override fun commandFinished(session: Session, command: String, nanos: Long, failed: Boolean) = error("observer broken")
    override fun loginFailed(session: Session?, user: String?, transport: String) = error("observer broken")
    override fun optionNegotiated(session: Session, option: Int, local: Boolean, enabled: Boolean) = error("observer broken")
}

class ObserverSpec : FunSpec({
    fun server(vararg observers: SessionObserver): TelnetServer {
        val builder = TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(500)).prompt("in> ")
            .login(LoginSettings(Authenticator { _, user, password -> user == "ann" && password == "nna" }, failureDelay = Duration.ZERO))
            .command(Command.named("hello").handler { session, _ -> session.writeResponseBlocking("hello!") })
            .command(Command.named("boom").aliases("kaboom").handler { _, _ -> throw CommandException("boom: it broke") })
        observers.forEach { builder.observer(it) }
        return builder.build().startBlocking()
    }

    /** Logs in after one failure, runs hello, boom (by its alias), an unknown command, and leaves. */
    fun script(port: Int) {
        NegotiatingClient(port).use { client ->
            client.await("Username: ")
            client.sendLine("ann")
            client.await("Password: ")
            client.sendLine("wrong")
            client.await("Login incorrect.")
            client.await("Username: ")
            client.sendLine("ann")
            client.await("Password: ")
            client.sendLine("nna")
            client.await("in> ")
            client.sendLine("hello")
            client.await("hello!")
            client.await("in> ")
            client.sendLine("kaboom")
            client.await("it broke")
            client.await("in> ")
            client.sendLine("xyzzy")
            client.await("Unknown command")
            client.await("in> ")
            client.sendLine("bye")
        }
    }

    fun awaitCondition(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!condition()) {
            check(System.nanoTime() < deadline) { "timed out waiting for $what" }
            Thread.sleep(10)
        }
    }

    test("an observer hears a scripted session's opening, options, failed login, commands and end, and the statistics count them") {
        val observer = RecordingObserver()
        server(observer).use { server ->
            val before = server.statistics
            before.sessionsOpened shouldBe 0
            script(server.port)
            awaitCondition("the session's end") { "closed" in observer.events }
            val events = observer.events.toList()
            events.shouldContainInOrder(
                "opened nio",
                "login failed ann nio",
                "command hello ok",
                "command boom failed",
                "command (unknown) failed",
                "closed",
            )
            events shouldContain "option TTYPE remote enabled"
            events shouldContain "option NAWS remote enabled"
            events shouldContain "option SGA local enabled"
            events shouldContain "option ECHO local enabled"
            events shouldContain "option NEW-ENVIRON remote refused"
            events shouldContain "option CHARSET remote refused"
            // Reported while the session opens, before its handler runs; once per option.
            events.indexOf("option TTYPE remote enabled") shouldBe events.indexOfFirst { it.startsWith("option") }
            events.filter { it.startsWith("option") }.size shouldBe 6
            events.indexOf("opened nio").let { opened -> events.subList(0, opened).count { it.startsWith("option") } shouldBe 6 }
            events shouldNotContain "command xyzzy failed"
            val stats = server.statistics
            stats.sessionsOpened shouldBe 1
            stats.sessionsClosed shouldBe 1
            stats.sessionsOpen shouldBe 0
            stats.commandsRun shouldBe 3
            stats.commandsFailed shouldBe 2
            stats.loginFailures shouldBe 1
            stats.loginLockouts shouldBe 0
            stats.outputCutOffs shouldBe 0
            stats.bytesIn shouldBeGreaterThan 30
            stats.bytesOut shouldBeGreaterThan 100
        }
    }

    test("a lockout after failed logins is reported once, and counted") {
        val observer = RecordingObserver()
        val login = LoginSettings(Authenticator { _, _, _ -> false }, failureDelay = Duration.ZERO, lockoutThreshold = 2, maxAttempts = 3)
        TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(50)).login(login).observer(observer)
            .command(Command.named("hello").handler { session, _ -> session.writeResponseBlocking("hello!") }).build().startBlocking().use { server ->
            NegotiatingClient(server.port).use { client ->
                repeat(2) {
                    client.await("Username: ")
                    client.sendLine("eve")
                    client.await("Password: ")
                    client.sendLine("guess")
                    client.await("Login incorrect.")
                }
                client.await("try again later")
            }
            awaitCondition("the session's end") { "closed" in observer.events }
            observer.events.count { it == "login failed eve nio" } shouldBe 2
            observer.events.count { it.startsWith("locked out") } shouldBe 1
            server.statistics.loginFailures shouldBe 2
            server.statistics.loginLockouts shouldBe 1
        }
    }

    test("an observer that throws from every event does not break the session, nor keep others from hearing") {
        val observer = RecordingObserver()
        server(ThrowingObserver, observer).use { server ->
            script(server.port)
            awaitCondition("the session's end") { "closed" in observer.events }
            observer.events.toList().shouldContainInOrder("opened nio", "command hello ok", "command boom failed", "closed")
            server.statistics.commandsRun shouldBe 3
        }
    }
})
