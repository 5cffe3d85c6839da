package dev.telnetkit.testkit

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.wire.PlainTerminal
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.Duration
import java.util.concurrent.ConcurrentLinkedQueue

/**
 * A command line run alone (what SSH's `exec` hands in as `PlainTerminal.command`): no welcome and
 * no prompt, output with LF line ends on a pipe, errors apart where the transport keeps them apart,
 * and the session's exit status as a shell's. Shown over the in-memory transport, so that these
 * rules hold for any transport, not only SSH.
 */
class CommandLineRunSpec : FunSpec({
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    val echo = Command("echo", handler = CommandHandler { call -> call.session.writeLine(call.args.joinToString(" ")) })
    val fail = Command("fail", handler = CommandHandler { throw CommandException("fail: no luck") })
    val crash = Command("crash", handler = CommandHandler { error("boom") })
    val status = Command("status", handler = CommandHandler { call -> call.session.exitStatus = call.args.single().toInt() })
    val started = ConcurrentLinkedQueue<String>()
    val shell = ShellSettings(
        listOf(echo, fail, crash, status),
        welcome = "Welcome.",
        goodbye = "Bye.",
        onSessionStart = SessionHook { started.add(it.command ?: "(interactive)") },
    )

    suspend fun serve(): InMemoryTransport {
        val memory = InMemoryTransport()
        servers += TelnetServer(ServerSettings(port = 0, transport = memory), CommandShell(shell)).start()
        return memory
    }

    /** A pipe's terminal for [command], its error lines collected in [errors]. */
    fun pipe(command: String, errors: MutableList<String>) = PlainTerminal(
        terminalType = "dumb", size = TerminalSize.DEFAULT, user = "alice", characterMode = false,
        command = command, tty = false, errorOutput = PlainTerminal.ErrorOutput { errors.add(it.decodeToString()); true },
    )

    test("a command line runs alone: its output only, LF line ends, exit status 0, then the session ends") {
        val errors = mutableListOf<String>()
        val terminal = pipe("echo hi there", errors)
        val client = serve().connect(terminal)
        client.awaitClosed().shouldBeTrue()
        client.output shouldBe "hi there\n"
        terminal.exitStatus shouldBe 0
        errors shouldBe emptyList()
        started.contains("echo hi there").shouldBeTrue()
    }

    test("an unknown command: its message apart from the output, exit status 127") {
        val errors = mutableListOf<String>()
        val terminal = pipe("nosuch", errors)
        val client = serve().connect(terminal)
        client.awaitClosed().shouldBeTrue()
        client.output shouldBe ""
        errors.single() shouldBe "Unknown command 'nosuch'. Type 'help' for a list.\n"
        terminal.exitStatus shouldBe 127
    }

    test("a failing command exits 1, an internal error 1, an unfinished quote 2, a status the command sets is kept") {
        for ((line, expected) in listOf("fail" to 1, "crash" to 1, "echo 'open" to 2, "status 42" to 42, "exit" to 0)) {
            val errors = mutableListOf<String>()
            val terminal = pipe(line, errors)
            val client = serve().connect(terminal)
            client.awaitClosed().shouldBeTrue()
            terminal.exitStatus shouldBe expected
            client.output shouldNotContain "Bye."
            if (expected in 1..2) errors.single() shouldContain if (line == "crash") "internal error" else ""
        }
    }

    test("without a separate error stream, errors go with the output; an interactive session keeps the last command's status") {
        val terminal = PlainTerminal(user = "alice")
        val client = serve().connect(terminal)
        client.awaitText("Welcome.")
        client.sendLine("fail")
        client.awaitText("fail: no luck")
        client.awaitText("> ")
        terminal.exitStatus shouldBe 1
        client.sendLine("echo ok")
        client.awaitText("ok")
        client.awaitText("> ")
        terminal.exitStatus shouldBe 0
        client.output shouldContain "\r\n"
    }
})
