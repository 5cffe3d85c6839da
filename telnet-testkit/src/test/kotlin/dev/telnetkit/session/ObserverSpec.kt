package dev.telnetkit.session

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainInOrder
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue

/** An xterm that refuses CHARSET (and, having no environment to tell, NEW-ENVIRON). */
private val PROFILE = TerminalProfile(charsets = emptyList())

/** A Telnet client playing [PROFILE], with the blocking calls under short names. */
private class NegotiatingClient(port: Int) : AutoCloseable {
    private val client = TelnetTestClient.connectBlocking("127.0.0.1", port, PROFILE)
    fun await(expected: String): String = client.awaitTextBlocking(expected)
    fun sendLine(line: String) = client.sendLineBlocking(line)
    override fun close() = client.close()
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
    override fun sessionClosed(session: Session) = TODO("an Error, not an Exception")
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
