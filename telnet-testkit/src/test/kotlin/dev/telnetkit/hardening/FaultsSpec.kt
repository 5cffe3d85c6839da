package dev.telnetkit.hardening

import ch.qos.logback.classic.Level
import dev.telnetkit.server.RawClient
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.serverFixture
import dev.telnetkit.server.testSettings
import dev.telnetkit.shell.CTRL_C
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.PROMPT
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.shell.allText
import dev.telnetkit.shell.captureLogs
import dev.telnetkit.shell.command
import dev.telnetkit.shell.events
import dev.telnetkit.shell.startShell
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.longs.shouldBeGreaterThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.yield
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.SocketTimeoutException
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Duration as KDuration

/** What the commands of one test did; a fresh one per test. */
private class FaultProbe {
    /** The session id of the command that started, once it has. */
    val started = CompletableDeferred<Long>()
    /** Completed when a never-returning command's coroutine (or thread) was ended. */
    val ended = CompletableDeferred<String>()
    /** Per session id, how many times onSessionEnd ran. */
    val sessionEnds = ConcurrentHashMap<Long, AtomicInteger>()
    val sessionStarts: MutableSet<Long> = ConcurrentHashMap.newKeySet()

    fun endsOf(id: Long): Int = sessionEnds[id]?.get() ?: 0
}

/** Reads until the server closes the connection; fails if it has not within [timeout]. */
private suspend fun RawClient.readToEof(timeout: KDuration = 10.seconds): String = withContext(Dispatchers.IO) {
    val input = socket.getInputStream()
    val out = ByteArrayOutputStream()
    val buffer = ByteArray(8192)
    val deadline = System.nanoTime() + timeout.inWholeNanoseconds
    while (true) {
        val left = (deadline - System.nanoTime()) / 1_000_000
        if (left <= 0) throw AssertionError("the server did not close the connection within $timeout; got '${out.toString(Charsets.ISO_8859_1)}'")
        socket.soTimeout = left.toInt().coerceAtLeast(1)
        val n = try {
            runInterruptible { input.read(buffer) }
        } catch (_: SocketTimeoutException) {
            continue
        } catch (_: IOException) {
            -1 // reset by the server: closed as well
        }
        if (n < 0) break
        out.write(buffer, 0, n)
    }
    out.toString(Charsets.ISO_8859_1)
}

class FaultsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    val fixture = serverFixture()
    val logs = captureLogs("dev.telnetkit")
    var probe = FaultProbe()
    beforeTest { probe = FaultProbe() }

    val commands = listOf(
        command("echo") { call -> call.writeResponse(call.args.joinToString(" ")) },
        // Never returns by itself: suspends until cancelled.
        command("work") { call ->
            probe.started.complete(call.session.id)
            try {
                awaitCancellation()
            } finally {
                probe.ended.complete("work")
            }
        },
        // Never returns by itself either: a blocking handler asleep until interrupted.
        command(
            "block",
            handler = CommandHandler.blocking { call ->
                probe.started.complete(call.session.id)
                try {
                    Thread.sleep(Long.MAX_VALUE)
                } finally {
                    probe.ended.complete("block")
                }
            },
        ),
        // Writes for ever, suspending while the client is slow to read.
        command("flood") { call ->
            probe.started.complete(call.session.id)
            try {
                while (true) call.writeResponse("x".repeat(1000))
            } finally {
                probe.ended.complete("flood")
            }
        },
        // Writes for ever with writeMessage, which never suspends (a chat room, a timer).
        command("spam") { call ->
            probe.started.complete(call.session.id)
            try {
                while (true) {
                    call.session.writeMessage("y".repeat(1000))
                    yield()
                }
            } finally {
                probe.ended.complete("spam")
            }
        },
        command("boom") { throw IllegalStateException("secret detail 42") },
        command("todo") { TODO("secret detail 42") },
        command("blockboom", handler = CommandHandler.blocking { throw IOException("secret detail 42") }),
    )

    fun shell() = ShellSettings(
        commands,
        onSessionStart = SessionHook { s -> probe.sessionStarts.add(s.id) },
        onSessionEnd = SessionHook { s -> probe.sessionEnds.computeIfAbsent(s.id) { AtomicInteger() }.incrementAndGet() },
    )

    /** Shows the server still serves: a new client runs a command. */
    suspend fun stillServes(server: TelnetServer) {
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT)
        client.sendLine("echo alive")
        client.awaitPrompt(PROMPT) shouldBe "echo alive\r\nalive\r\n"
    }

    /** The session's onSessionEnd ran, once, and the session is gone from the server. */
    suspend fun endedOnce(server: TelnetServer, id: Long) {
        awaitCondition("session $id is gone from server.sessions", 10.seconds) { server.sessions.none { it.id == id } }
        awaitCondition("onSessionEnd ran for session $id") { probe.endsOf(id) >= 1 }
        probe.endsOf(id) shouldBe 1
    }

    // Line mode (the raw client negotiates nothing): the prompt comes after connectMaxWait.
    val rawSettings = testSettings(connectMaxWait = Duration.ofMillis(200))

    for ((what, name) in listOf("a silent command" to "work", "a command that writes" to "flood")) {
        test("a client that resets the connection while $what runs: the session ends, onSessionEnd runs once, the server keeps serving") {
            val server = fixture.startShell(shell(), rawSettings)
            val client = fixture.rawSocket(server, receiveBuffer = 4096)
            client.readUntil(PROMPT)
            client.send("$name\r\n")
            val id = withTimeout(10.seconds) { probe.started.await() }

            // SO_LINGER 0: close() sends RST instead of FIN.
            withContext(Dispatchers.IO) {
                client.socket.setSoLinger(true, 0)
                client.socket.close()
            }

            endedOnce(server, id)
            withTimeout(5.seconds) { probe.ended.await() } shouldBe name
            stillServes(server)
            probe.endsOf(id) shouldBe 1
            logs.events.filter { it.level == Level.ERROR }.shouldBeEmpty()
        }
    }

    test("a client that half-closes after sending commands gets every answer, then the session ends once the handler sees the end of input") {
        val server = fixture.startShell(shell(), rawSettings)
        val client = fixture.rawSocket(server)
        client.send("echo one\r\necho two\r\n")
        withContext(Dispatchers.IO) { client.socket.shutdownOutput() }

        val text = client.readToEof()
        val one = text.indexOf("one\r\n")
        val two = text.indexOf("two\r\n")
        val goodbye = text.indexOf("Goodbye.\r\n")
        withClue("received '$text'") {
            (one >= 0 && two > one && goodbye > two).shouldBeTrue()
        }
        val id = probe.sessionStarts.single()
        endedOnce(server, id)
        stillServes(server)
        probe.endsOf(id) shouldBe 1
    }

    for ((what, name) in listOf("suspending writes" to "flood", "writeMessage, which never suspends," to "spam")) {
        test("a client that vanishes (reads and writes nothing) while a command writes with $what is cut off by the output bound, logged once") {
            val server = fixture.startShell(
                shell(),
                testSettings(connectMaxWait = Duration.ofMillis(200), outputBufferLimit = 8 * 1024, outputStallTimeout = Duration.ofMillis(500)),
            )
            // A tiny receive window, and never a read after the prompt.
            val client = fixture.rawSocket(server, receiveBuffer = 1024)
            client.readUntil(PROMPT)
            client.send("$name\r\n")
            val id = withTimeout(10.seconds) { probe.started.await() }

            endedOnce(server, id)
            withTimeout(5.seconds) { probe.ended.await() } shouldBe name
            stillServes(server)
            val cutOff = logs.events.filter { it.formattedMessage.contains("session $id ") && it.formattedMessage.contains("cut off") }
            withClue(logs.allText()) {
                cutOff shouldHaveSize 1
                cutOff.single().level shouldBe Level.WARN
                logs.events.filter { it.level == Level.ERROR }.shouldBeEmpty()
            }
            probe.endsOf(id) shouldBe 1
        }
    }

    for ((what, name) in listOf(
        "an exception" to "boom",
        "an Error (TODO())" to "todo",
        "a blocking handler's exception" to "blockboom",
    )) {
        test("a command that throws $what costs one error line; the session continues") {
            val server = fixture.startShell(shell())
            val client = fixture.connect(server)
            client.awaitPrompt(PROMPT)
            client.sendLine(name)
            client.awaitPrompt(PROMPT) shouldBe "$name\r\n$name: internal error; the details are in the server log.\r\n"
            client.sendLine("echo still here")
            client.awaitPrompt(PROMPT) shouldBe "echo still here\r\nstill here\r\n"
            client.isClosed shouldBe false
            probe.sessionEnds.size shouldBe 0
            val errors = logs.events.filter { it.level == Level.ERROR }
            errors shouldHaveSize 1
            errors.single().throwableProxy.message shouldContain "secret detail 42"
            client.output shouldNotContain "secret"
        }
    }

    for (name in listOf("work", "block")) {
        test("a command that never returns ($name) is ended by Ctrl-C; the session continues") {
            val server = fixture.startShell(shell())
            val client = fixture.connect(server)
            client.awaitPrompt(PROMPT)
            client.sendLine(name)
            withTimeout(10.seconds) { probe.started.await() }
            client.send(CTRL_C)
            client.awaitPrompt(PROMPT) shouldBe "$name\r\n^C\r\n"
            withTimeout(5.seconds) { probe.ended.await() } shouldBe name
            client.sendLine("echo next")
            client.awaitPrompt(PROMPT) shouldBe "echo next\r\nnext\r\n"
            probe.sessionEnds.size shouldBe 0
        }
    }

    test("commands that never return are ended by stop(grace) once the grace is over, and their sessions' onSessionEnd runs once") {
        val notice = "Going down."
        val grace = Duration.ofMillis(1500)
        val runningCommands: MutableSet<String> = ConcurrentHashMap.newKeySet()
        val endedCommands: MutableSet<String> = ConcurrentHashMap.newKeySet()
        val server = fixture.startShell(
            ShellSettings(
                listOf(
                    command("work") {
                        runningCommands.add("work")
                        try { awaitCancellation() } finally { endedCommands.add("work") }
                    },
                    command(
                        "block",
                        handler = CommandHandler.blocking {
                            runningCommands.add("block")
                            try { Thread.sleep(Long.MAX_VALUE) } finally { endedCommands.add("block") }
                        },
                    ),
                ),
                onSessionEnd = SessionHook { s -> probe.sessionEnds.computeIfAbsent(s.id) { AtomicInteger() }.incrementAndGet() },
            ),
            testSettings(shutdownNotice = notice),
        )
        val clients = listOf("work", "block", null).map { name ->
            fixture.connect(server).also { client ->
                client.awaitPrompt(PROMPT)
                if (name != null) {
                    client.sendLine(name)
                    client.awaitText("$name\r\n")
                }
            }
        }
        awaitCondition("both commands run") { runningCommands.size == 2 }
        endedCommands.shouldBeEmpty()

        val began = System.nanoTime()
        withTimeout(30.seconds) { server.stop(grace) }
        val tookMillis = (System.nanoTime() - began) / 1_000_000

        // The commands ignore the end of input, so stop waited the grace out, then cancelled them.
        tookMillis shouldBeGreaterThanOrEqual grace.toMillis()
        tookMillis shouldBeLessThan grace.toMillis() + 10_000
        endedCommands shouldBe setOf("work", "block")
        for (client in clients) {
            client.awaitText(notice)
            client.awaitClosed().shouldBeTrue()
        }
        probe.sessionEnds.size shouldBe 3
        probe.sessionEnds.values.map { it.get() } shouldBe listOf(1, 1, 1)
    }

    test("a command blocked in code that ignores interrupts does not keep stop(grace) from returning; its client gets the notice and is disconnected") {
        val notice = "Going down."
        val release = CountDownLatch(1)
        val running = CompletableDeferred<Unit>()
        val server = fixture.startShell(
            ShellSettings(
                listOf(
                    command(
                        "stubborn",
                        handler = CommandHandler.blocking {
                            running.complete(Unit)
                            while (true) {
                                try {
                                    if (release.await(60, TimeUnit.SECONDS)) break
                                } catch (_: InterruptedException) {
                                    // ignored, as badly written blocking code does
                                }
                            }
                        },
                    ),
                ),
                onSessionEnd = SessionHook { s -> probe.sessionEnds.computeIfAbsent(s.id) { AtomicInteger() }.incrementAndGet() },
            ),
            testSettings(shutdownNotice = notice),
        )
        try {
            val client = fixture.connect(server)
            client.awaitPrompt(PROMPT)
            client.sendLine("stubborn")
            withTimeout(10.seconds) { running.await() }

            val grace = Duration.ofSeconds(1)
            val began = System.nanoTime()
            withTimeout(30.seconds) { server.stop(grace) }
            val tookMillis = (System.nanoTime() - began) / 1_000_000
            println("stop with a stubborn handler took $tookMillis ms")
            tookMillis shouldBeLessThan grace.toMillis() + 15_000
            client.awaitText(notice)
            client.awaitClosed().shouldBeTrue()
            logs.allText() shouldContain "did not end when cancelled"
        } finally {
            release.countDown()
        }
        // Once the thread lets go, the session finishes as a cancelled one does.
        awaitCondition("onSessionEnd ran once the stubborn thread returned", 10.seconds) { probe.sessionEnds.size == 1 }
        probe.sessionEnds.values.single().get() shouldBe 1
    }

    test("stop(grace) with 1,000 sessions active: each gets its queued message and the notice, and onSessionEnd runs exactly once for each") {
        val sessions = 1000
        val notice = "The server is shutting down."
        val settings = ServerSettings(
            host = "127.0.0.1",
            port = 0,
            // Raw sockets answer no negotiation: each session starts its shell after this.
            connectMaxWait = Duration.ofMillis(100),
            idleTimeout = Duration.ofMinutes(5),
            shutdownNotice = notice,
            maxSessions = 2 * sessions,
            maxSessionsPerAddress = 2 * sessions,
            maxStartupsPerAddress = 2 * sessions,
        )
        val server = fixture.startShell(shell(), settings)
        // 1,000 plain sockets (2,000 descriptors in this JVM with the server's ends): they read
        // nothing until the end, the kernel's socket buffers keep what the server sends meanwhile.
        val clients = (1..sessions).map { fixture.rawSocket(server) }
        awaitCondition("all $sessions sessions run their shell", 60.seconds) { probe.sessionStarts.size == sessions }
        server.sessions.size shouldBe sessions

        // Queued on every session (above the prompt), then the stop follows at once.
        server.broadcast("before-stop") shouldBe sessions
        val grace = Duration.ofSeconds(20)
        val began = System.nanoTime()
        withTimeout(60.seconds) { server.stop(grace) }
        val tookMillis = (System.nanoTime() - began) / 1_000_000
        println("stop with $sessions sessions took $tookMillis ms")
        // Every handler ends on its own once its input ends: nothing needed the grace.
        tookMillis shouldBeLessThan grace.toMillis()

        val missing = ArrayList<String>()
        for ((i, client) in clients.withIndex()) {
            val text = client.readToEof()
            val message = text.indexOf("before-stop")
            val farewell = text.indexOf(notice)
            if (message < 0 || farewell < message) missing.add("client $i: '$text'")
        }
        withClue("clients without the message and then the notice (${missing.size})") { missing.take(5).shouldBeEmpty() }
        missing.size shouldBe 0

        probe.sessionEnds.keys shouldBe probe.sessionStarts
        probe.sessionEnds.size shouldBe sessions
        withClue("sessions whose onSessionEnd did not run exactly once") {
            probe.sessionEnds.filterValues { it.get() != 1 }.keys.shouldBeEmpty()
        }
        server.sessions.shouldBeEmpty()
        logs.allText() shouldNotContain "cut off"
    }
})
