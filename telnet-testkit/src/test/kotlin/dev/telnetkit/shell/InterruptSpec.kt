package dev.telnetkit.shell

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.server.serverFixture
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

/** What one run of the long commands saw; a fresh one per test. */
private class Probe {
    val started = CompletableDeferred<Unit>()
    val cancelled = CompletableDeferred<Unit>()
    val interrupted = CompletableDeferred<Unit>()
    val interruptions = AtomicInteger()
    val release = CountDownLatch(1)
}

class InterruptSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    var probe = Probe()
    beforeTest { probe = Probe() }

    val commands = listOf(
        command("sleep") {
            probe.started.complete(Unit)
            try {
                delay(60.seconds)
            } catch (e: CancellationException) {
                probe.cancelled.complete(Unit)
                throw e
            }
        },
        command(
            "block",
            handler = CommandHandler.blocking {
                probe.started.complete(Unit)
                try {
                    Thread.sleep(60_000)
                } catch (e: InterruptedException) {
                    probe.interrupted.complete(Unit)
                    throw e
                }
            },
        ),
        // Blocks until the test releases it, whatever interrupts it meanwhile.
        command(
            "stubborn",
            handler = CommandHandler.blocking {
                probe.started.complete(Unit)
                while (true) {
                    try {
                        if (probe.release.await(60, TimeUnit.SECONDS)) break
                    } catch (_: InterruptedException) {
                        probe.interruptions.incrementAndGet()
                        probe.interrupted.complete(Unit)
                    }
                }
            },
        ),
        command("echo") { call -> call.writeResponse(call.args.joinToString(" ")) },
    )

    suspend fun TelnetTestClient.runAndInterrupt(command: String, interrupt: suspend TelnetTestClient.() -> Unit) {
        awaitPrompt(PROMPT)
        sendLine(command)
        withTimeout(10.seconds) { probe.started.await() }
        interrupt()
        awaitPrompt(PROMPT) shouldBe "$command\r\n^C\r\n"
        // The session goes on and the next command runs.
        sendLine("echo next")
        awaitPrompt(PROMPT) shouldBe "echo next\r\nnext\r\n"
    }

    val ctrlC: suspend TelnetTestClient.() -> Unit = { send(CTRL_C) }
    val iacIp: suspend TelnetTestClient.() -> Unit = { sendCommand(TelnetCommand.IP) }

    for ((how, interrupt) in listOf("Ctrl-C" to ctrlC, "IAC IP" to iacIp)) {
        test("$how cancels a long suspending command; the prompt returns with ^C and the next command runs") {
            val client = fixture.connect(fixture.startShell(ShellSettings(commands)))
            client.runAndInterrupt("sleep", interrupt)
            probe.cancelled.isCompleted.shouldBeTrue()
        }

        test("$how interrupts a blocking handler (Thread.sleep) the same way") {
            val client = fixture.connect(fixture.startShell(ShellSettings(commands)))
            client.runAndInterrupt("block", interrupt)
            probe.interrupted.isCompleted.shouldBeTrue()
        }
    }

    test("Ctrl-C still interrupts a running command after many separately sent keys of type-ahead, which then reach the next prompt") {
        val client = fixture.connect(fixture.startShell(ShellSettings(commands)))
        client.awaitPrompt(PROMPT)
        client.sendLine("sleep")
        withTimeout(10.seconds) { probe.started.await() }
        // Each key in a packet of its own, as typed: far more reads than the session's input queue holds.
        for (c in "echo typed-ahead") {
            client.send(c.toString())
            delay(2.milliseconds)
        }
        client.send(CTRL_C)
        withTimeout(10.seconds) { probe.cancelled.await() }
        client.awaitText("^C\r\n")
        client.sendLine("")
        client.awaitText("typed-ahead\r\n")
    }

    test("in line mode IAC IP cancels the command too") {
        val client = fixture.connect(fixture.startShell(ShellSettings(commands)), TerminalProfile.REFUSE_ALL)
        client.awaitPrompt(PROMPT)
        client.sendLine("sleep")
        withTimeout(10.seconds) { probe.started.await() }
        client.sendCommand(TelnetCommand.IP)
        // The server echoes nothing in line mode.
        client.awaitPrompt(PROMPT) shouldBe "^C\r\n"
        probe.cancelled.isCompleted.shouldBeTrue()
        client.sendLine("echo next")
        client.awaitPrompt(PROMPT) shouldBe "next\r\n"
    }

    test("a stray Ctrl-C while the command is still running does not leave an extra ^C at the next prompt") {
        val client = fixture.connect(fixture.startShell(ShellSettings(commands)))
        client.awaitPrompt(PROMPT)
        client.sendLine("stubborn")
        withTimeout(10.seconds) { probe.started.await() }
        client.send(CTRL_C)
        withTimeout(10.seconds) { probe.interrupted.await() }
        // The handler ignores the interrupt and keeps running; two more Ctrl-C (one an IAC IP) arrive meanwhile.
        client.send(CTRL_C)
        client.sendCommand(TelnetCommand.IP)
        // AYT is answered once everything sent before it has been handled.
        client.sendCommand(TelnetCommand.AYT)
        client.awaitText("[Yes]\r\n") shouldBe "stubborn\r\n[Yes]\r\n"
        probe.release.countDown()
        client.awaitPrompt(PROMPT) shouldBe "^C\r\n"
        client.sendLine("echo next")
        client.awaitPrompt(PROMPT) shouldBe "echo next\r\nnext\r\n"
        Regex("\\^C").findAll(client.output).count() shouldBe 1
        // The thread was interrupted once: later Ctrl-Cs only cancel the already cancelled job again.
        probe.interruptions.get() shouldBe 1
    }

    test("Ctrl-C at the prompt, with no command running, abandons the line being typed") {
        val client = fixture.connect(fixture.startShell(ShellSettings(commands)))
        client.awaitPrompt(PROMPT)
        client.send("echo abandoned")
        client.awaitText("abandoned")
        client.send(CTRL_C)
        client.awaitPrompt(PROMPT) shouldBe "^C\r\n"
        client.sendLine("echo kept")
        client.awaitPrompt(PROMPT) shouldBe "echo kept\r\nkept\r\n"
    }
})
