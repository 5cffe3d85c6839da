package dev.telnetkit.dsl

import dev.telnetkit.session.Session

import dev.telnetkit.shell.AnnotatedCommands
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandException
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Job
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.net.ConnectException
import java.net.Socket
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

/** Commands declared with `telnetServer { command(…) { } }`, run over the wire. */
class TelnetServerScopeCommandsSpec : FunSpec({
    test("run { args -> } runs with the session as receiver and the parsed words") {
        serving({
            command("who", aliases = listOf("w")) {
                run { args -> writeResponse("session $id from ${remoteAddress.substringBefore(':')} args ${args.joinToString("|")}") }
            }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("W one \"two  three\" 'four'")
                client.awaitText("session ${server.sessions.single().id} from 127.0.0.1 args one|two  three|four\r\n")
            }
        }
    }

    test("runCall sees the name as typed, the words and the raw input with its continued lines") {
        serving({
            command("say", aliases = listOf("s")) {
                runCall { writeResponse("name=$name command=${command.name} args=$args raw=[${raw.replace("\n", "|")}]") }
            }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("S \"a  b\" \\")
                client.awaitPrompt("... ")
                client.sendLine("c")
                client.awaitText("name=S command=say args=[a  b, c] raw=[S \"a  b\" \\|c]\r\n")
            }
        }
    }

    test("launch { } timers run in the background and die with the session") {
        val ticks = AtomicInteger()
        val jobs = ArrayList<Job>()
        val cancelled = CompletableDeferred<Unit>()
        serving({
            command("timer") {
                run { args ->
                    val seconds = args.single().toDouble()
                    launch {
                        delay((seconds * 1000).toLong())
                        writeMessage("Time is up!")
                    }
                    writeResponse("Timer set.")
                }
            }
            command("ticker") {
                run {
                    jobs += launch {
                        try {
                            while (true) {
                                delay(20)
                                ticks.incrementAndGet()
                            }
                        } finally {
                            cancelled.complete(Unit)
                        }
                    }
                }
            }
            command("crash") { run { launch { throw IllegalStateException("background failure") } } }
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("timer 0.3")
                client.awaitText("Timer set.")
                client.awaitPrompt("> ")
                client.awaitText("Time is up!", 5.seconds)
                client.awaitPrompt("> ")

                // A failing background job is logged; the session goes on.
                client.sendLine("crash")
                client.awaitPrompt("> ")
                client.sendLine("echo alive")
                client.awaitText("alive\r\n")
                client.awaitPrompt("> ")

                // A timer still pending when the session ends never fires.
                client.sendLine("timer 1")
                client.awaitText("Timer set.")
                client.sendLine("ticker")
                client.awaitPrompt("> ")
                withTimeout(5.seconds) { while (ticks.get() < 3) delay(10) }
                client.sendLine("bye")
                client.awaitClosed(5.seconds) shouldBe true
                withTimeout(5.seconds) { cancelled.await() }
                jobs.single().isCancelled.shouldBeTrue()
                val after = ticks.get()
                delay(1500)
                ticks.get() shouldBe after
                client.output.split("Time is up!").size shouldBe 2
            }
        }
    }

    test("a group runs its subcommands, its own handler for other words, and help describes it") {
        serving({
            command("user") {
                summary = "Manage users."
                command("add", aliases = listOf("new")) {
                    usage = "<name>"
                    summary = "Add a user."
                    run { args -> writeResponse("added ${args.single()}") }
                }
                command("list") {
                    summary = "List users."
                    run { writeResponse("ann, bob") }
                }
                command("purge") {
                    hidden = true
                    summary = "Remove everyone."
                    run { writeResponse("purged") }
                }
            }
            command("net") {
                summary = "Network."
                command("if") {
                    summary = "Interfaces."
                    command("up") {
                        usage = "<interface>"
                        run { args -> writeResponse("${args.single()} is up") }
                    }
                }
                run { args -> writeResponse("net itself: $args") }
            }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("user NEW carol")
                client.awaitText("added carol\r\n")
                client.awaitPrompt("> ")
                client.sendLine("user list")
                client.awaitText("ann, bob\r\n")
                client.awaitPrompt("> ")
                client.sendLine("user purge")
                client.awaitText("purged\r\n")
                client.awaitPrompt("> ")
                client.sendLine("net if up eth0")
                client.awaitText("eth0 is up\r\n")
                client.awaitPrompt("> ")
                client.sendLine("net status now")
                client.awaitText("net itself: [status, now]\r\n")
                client.awaitPrompt("> ")

                client.sendLine("help")
                client.awaitText("\r\n")
                val help = client.awaitPrompt("> ")
                help shouldContain "user <command> - Manage users.\r\n"
                help shouldContain "net <command> - Network.\r\n"
                client.sendLine("user")
                client.awaitText("\r\n")
                client.awaitPrompt("> ") shouldBe "user <command>\r\n\r\nManage users.\r\n\r\nCommands:\r\n" +
                    "  user add <name> - Add a user. (alias: new)\r\n  user list - List users.\r\n"
                client.sendLine("help net if")
                client.awaitText("\r\n")
                client.awaitPrompt("> ") shouldContain "net if <command>\r\n\r\nInterfaces.\r\n\r\nCommands:\r\n  net if up <interface>\r\n"
                client.sendLine("user lst")
                client.awaitText("Unknown command 'user lst'. Did you mean 'user list'?")
            }
        }
    }

    test("Tab completes command names, subcommands and a command's own candidates over the wire") {
        serving({
            prompt = "tab> "
            command("greet") {
                complete { request -> listOf("alice", "albert", "bob").filter { it.startsWith(request.word) } }
                run { args -> writeResponse("hello ${args.joinToString(" and ")}") }
            }
            command("user") {
                command("add") { run { args -> writeResponse("added $args") } }
                command("list") { run { writeResponse("nobody") } }
            }
            command("gremlin") {
                hidden = true
                run { writeResponse("hidden") }
            }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("tab> ")
                client.send("gre\t")
                client.awaitScreen { it.rowText(it.cursorRow) == "tab> greet" }
                client.send("b\t")
                client.awaitScreen { it.rowText(it.cursorRow) == "tab> greet bob" }
                client.send("al\t")
                client.awaitScreen { it.rowText(it.cursorRow) == "tab> greet bob al" && it.bellCount > 0 }
                client.send("\t") // a second Tab lists the candidates
                client.awaitScreen { screen -> screen.lines.any { it.contains("albert") && it.contains("alice") } }
                client.send("i\t\r")
                client.awaitText("hello bob and alice\r\n")
                client.awaitPrompt("tab> ")

                client.send("user l\t")
                client.awaitScreen { it.rowText(it.cursorRow) == "tab> user list" }
                client.send("\r")
                client.awaitText("nobody\r\n")
                client.awaitPrompt("tab> ")
            }
        }
    }

    test("broadcast reaches the sessions the filter accepts, above their prompts") {
        serving({
            login(askPassword = false) { user, _ -> user.isNotBlank() }
            prompt { "${it.username}> " }
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
        }) { server ->
            val ann = server.connect()
            val bob = server.connect()
            try {
                for ((client, name) in listOf(ann to "ann", bob to "bob")) {
                    client.awaitPrompt("Username: ")
                    client.sendLine(name)
                    client.awaitPrompt("$name> ")
                }
                server.broadcast("for ann only") { session: Session -> session.username == "ann" } shouldBe 1
                ann.awaitText("for ann only\r\n")
                ann.awaitPrompt("ann> ")
                server.broadcast("for everyone") shouldBe 2
                ann.awaitText("for everyone\r\n")
                bob.awaitText("for everyone\r\n")
                bob.awaitPrompt("bob> ")
                bob.output shouldNotContain "for ann only"
                server.broadcast("nobody") { false } shouldBe 0
            } finally {
                ann.close()
                bob.close()
            }
        }
    }

    test("server.use { } stops the server and tells the sessions") {
        val (client, port) = telnetServer {
            port = 0
            shutdownNotice = "Going down."
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
        }.start().use { server ->
            val client = server.connect()
            client.awaitPrompt("> ")
            client.sendLine("echo up")
            client.awaitText("up\r\n")
            client to server.port
        }
        client.use {
            it.awaitText("Going down.")
            it.awaitClosed(5.seconds) shouldBe true
        }
        shouldThrow<ConnectException> { Socket("127.0.0.1", port).close() }
    }

    test("close() shows every session the notice and releases the port before it returns") {
        // Both used to fail now and then: the notice was queued but the session was cancelled before
        // it went out, and NIO closed the listening channel (registered with a selector) lazily.
        repeat(30) { round ->
            val server = telnetServer {
                port = 0
                shutdownNotice = "Going down."
                command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
            }.start()
            val port = server.port
            server.connect().use { client ->
                client.awaitPrompt("> ")
                server.close()
                withClue("round $round") {
                    shouldThrow<ConnectException> { Socket("127.0.0.1", port).close() }
                    client.awaitText("Going down.")
                    client.awaitClosed(5.seconds) shouldBe true
                }
            }
        }
    }

    test("annotatedCommands(objects) adds annotated handler objects and commands(list) Command values to the DSL's commands") {
        serving({
            annotatedCommands(AnnotatedHandlers())
            commands(AnnotatedCommands.from(MoreAnnotatedHandlers()))
            commands(listOf(Command("echo", handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) })))
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("echo a  b")
                client.awaitText("a b\r\n")
                client.awaitPrompt("> ")
                client.sendLine("shout hey you")
                client.awaitText("HEY YOU\r\n")
                client.awaitPrompt("> ")
                client.sendLine("whisper HEY")
                client.awaitText("hey\r\n")
                client.awaitPrompt("> ")
                client.sendLine("help")
                client.awaitPrompt("> ") shouldContain "shout <text> - Shout it. (alias: yell)"
            }
        }
        // Several objects at once, in order; one with a marked method that is not public fails at once, naming it.
        serving({ annotatedCommands(AnnotatedHandlers(), MoreAnnotatedHandlers()) }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("help")
                val help = client.awaitPrompt("> ")
                help shouldContain "shout <text> - Shout it. (alias: yell)"
                help shouldContain "whisper <text> - Whisper it."
            }
        }
        shouldThrow<IllegalArgumentException> { telnetServer { annotatedCommands(AnnotatedHandlers(), PrivateAnnotatedHandlers()) } }
            .message shouldContain "PrivateAnnotatedHandlers.secret: a @Command method must be public"
    }

    test("description is the text of help NAME, exactly; without one, the summary") {
        serving({
            command("deploy", aliases = listOf("ship")) {
                usage = "<service> [version]"
                summary = "Deploy a service."
                description = "Builds the service and rolls it out.\nWithout a version, the latest build is used."
                run { }
            }
            command("status") {
                summary = "Show the status."
                run { }
            }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("help ship")
                client.awaitPrompt("> ") shouldBe "help ship\r\ndeploy <service> [version]\r\n\r\n" +
                    "Builds the service and rolls it out.\r\nWithout a version, the latest build is used.\r\n"
                client.sendLine("help status")
                client.awaitPrompt("> ") shouldBe "help status\r\nstatus\r\n\r\nShow the status.\r\n"
                client.sendLine("help")
                client.awaitPrompt("> ") shouldContain "\r\ndeploy <service> [version] - Deploy a service. (alias: ship)\r\n"
            }
        }
    }

    test("a CommandException in run { } is shown as an error line, and the session goes on") {
        serving({
            errorFormatter { "ERR $it" }
            command("fail") { run { throw CommandException("no such thing") } }
            command("boom") { run { error("unexpected") } }
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("fail")
                client.awaitText("ERR no such thing\r\n")
                client.sendLine("boom")
                client.awaitText("ERR boom: internal error; the details are in the server log.\r\n")
                client.sendLine("echo fine")
                client.awaitText("fine\r\n")
            }
        }
    }

    test("duplicate command names are rejected at build with a message naming both commands") {
        val clash = shouldThrow<IllegalArgumentException> {
            telnetServer {
                command("list") { run { } }
                command("show", aliases = listOf("LIST")) { run { } }
            }
        }
        clash.message shouldContain "'list'"
        clash.message shouldContain "'show'"

        val sameName = shouldThrow<IllegalArgumentException> {
            telnetServer {
                command("status") { summary = "first"; run { } }
                command("Status") { summary = "second"; run { } }
            }
        }
        sameName.message shouldContain "'status'"
        sameName.message shouldContain "'Status'"

        val inGroup = shouldThrow<IllegalArgumentException> {
            telnetServer {
                command("user") {
                    command("add") { run { } }
                    command("create", aliases = listOf("add")) { run { } }
                }
            }
        }
        inGroup.message shouldContain "command 'user'"
        inGroup.message shouldContain "'add'"
        inGroup.message shouldContain "'create'"

        shouldThrow<IllegalArgumentException> { telnetServer { command("help") { run { } } } }.message shouldContain "built-in"
        shouldThrow<IllegalArgumentException> { telnetServer { command("x", aliases = listOf("quit")) { run { } } } }.message shouldContain "'quit'"
        shouldThrow<IllegalArgumentException> { telnetServer { command("empty") { } } }.message shouldContain "'empty'"
        shouldThrow<IllegalArgumentException> { telnetServer { command("two words") { run { } } } }.message shouldContain "'two words'"
        shouldThrow<IllegalStateException> { telnetServer { command("twice") { run { }; run { } } } }.message shouldContain "'twice'"
        shouldThrow<IllegalArgumentException> {
            telnetServer {
                command("x") { run { } }
                session { }
            }
        }.message shouldContain "session { }"
    }

    test("a command handler that suspends is cancelled by Ctrl-C, and the prompt returns") {
        val cancelled = CompletableDeferred<Unit>()
        val started = CompletableDeferred<Unit>()
        serving({
            command("wait") {
                run {
                    started.complete(Unit)
                    try {
                        awaitCancellation()
                    } finally {
                        cancelled.complete(Unit)
                    }
                }
            }
            command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendLine("wait")
                withTimeout(5.seconds) { started.await() }
                client.send("\u0003")
                client.awaitText("^C\r\n")
                client.awaitPrompt("> ")
                withTimeout(5.seconds) { cancelled.await() }
                client.sendLine("echo ok")
                client.awaitText("ok\r\n")
            }
        }
    }
})

/** A Kotlin handler class in the telnetsrv style. */
class AnnotatedHandlers {
    @dev.telnetkit.annotations.Command(names = "shout", aliases = ["yell"], usage = "<text>", summary = "Shout it.")
    fun shout(args: List<String>): String = args.joinToString(" ").uppercase()
}

class MoreAnnotatedHandlers {
    @dev.telnetkit.annotations.Command(names = "whisper", usage = "<text>", summary = "Whisper it.")
    fun whisper(args: List<String>): String = args.joinToString(" ").lowercase()
}

class PrivateAnnotatedHandlers {
    @dev.telnetkit.annotations.Command(names = "secret")
    private fun secret(): String = "never"

    /** Keeps the compiler from calling [secret] unused. */
    override fun toString(): String = secret()
}
