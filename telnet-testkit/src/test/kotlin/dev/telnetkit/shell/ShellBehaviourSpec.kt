package dev.telnetkit.shell

import dev.telnetkit.session.AttributeKey
import dev.telnetkit.session.ErrorFormatter

import ch.qos.logback.classic.Level
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.server.serverFixture
import dev.telnetkit.server.testSettings
import dev.telnetkit.terminal.AnsiStyle
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

class ShellBehaviourSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()
    val logs = captureLogs("dev.telnetkit.shell")

    val users = Collections.synchronizedList(ArrayList<String>())
    beforeTest { users.clear() }

    val slowStarted = arrayOf(CompletableDeferred<Unit>())
    val slowGate = arrayOf(CompletableDeferred<Unit>())
    beforeTest {
        slowStarted[0] = CompletableDeferred()
        slowGate[0] = CompletableDeferred()
    }

    val commands = listOf(
        command("echo", "copy", "repeat", usage = "<text to echo>", summary = "Echo text back to the console.") { call ->
            call.writeResponse(call.args.joinToString(" "))
        },
        command("args", "params", summary = "Show the parameters.") { call ->
            call.writeResponse("name=${call.name} args=${call.args.joinToString("|") { "[$it]" }}")
            call.writeResponse("raw=" + call.raw.replace("\n", "\\n"))
        },
        command("timer", summary = "A visible command starting with t.") { call -> call.writeResponse("timer ran") },
        command("term", summary = "Show the terminal.", hidden = true) { call -> call.writeResponse("term ran") },
        Command(
            name = "user",
            summary = "Manage users.",
            subcommands = listOf(
                command("add", usage = "<name>", summary = "Add a user.") { call ->
                    users.add(call.args.single())
                    call.writeResponse("added ${call.args.single()}")
                },
                command("list", "ls", summary = "List the users.") { call -> call.writeResponse("users: ${users.joinToString(", ")}") },
                command("purge", summary = "Remove everyone.", hidden = true) { call -> users.clear(); call.writeResponse("purged") },
            ),
        ),
        command("error", summary = "Write an error.") { call -> call.writeError("bad thing") },
        command("refuse", summary = "Fail with a message for the user.") { throw CommandException("no such file: x.txt") },
        command("crash", summary = "Fail with a bug.") { throw IllegalStateException("secret detail 42") },
        command("fatal", summary = "Fail with an Error.") { TODO("secret detail 43") },
        command("style", summary = "Write styled text.") { call ->
            call.writeResponse(call.session.styled("warn", AnsiStyle.RED, AnsiStyle.BOLD) + " " + call.session.ansiEnabled)
        },
        command("slow", summary = "Wait for the test.") { call ->
            slowStarted[0].complete(Unit)
            slowGate[0].await()
            call.writeResponse("slow done")
        },
    )
    val settings = ShellSettings(commands)

    test("help lists the visible commands one a line, with usage, summary and aliases, then the built-ins") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("help")
        client.awaitPrompt(PROMPT) shouldBe listOf(
            "help",
            "echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)",
            "args - Show the parameters. (alias: params)",
            "timer - A visible command starting with t.",
            "user <command> - Manage users.",
            "error - Write an error.",
            "refuse - Fail with a message for the user.",
            "crash - Fail with a bug.",
            "fatal - Fail with an Error.",
            "style - Write styled text.",
            "slow - Wait for the test.",
            "help [command] - Show the commands, or describe one. (alias: ?)",
            "bye - End the session. (aliases: exit, quit)",
            "",
        ).joinToString("\r\n")
        client.sendLine("?")
        client.awaitPrompt(PROMPT) shouldContain "\r\nbye - End the session. (aliases: exit, quit)\r\n"
    }

    test("a hidden command is absent from help and from completion, but help describes it and it runs") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("help")
        val help = client.awaitPrompt(PROMPT)
        help shouldNotContain "term"
        help shouldNotContain "purge"
        client.sendLine("help term")
        client.awaitPrompt(PROMPT) shouldBe "help term\r\nterm\r\n\r\nShow the terminal.\r\n"
        client.sendLine("term")
        client.awaitPrompt(PROMPT) shouldBe "term\r\nterm ran\r\n"
        // "t" + Tab: only the visible "timer" is a candidate, so the word completes and Enter runs it.
        client.send("t\t")
        client.sendLine("")
        client.awaitPrompt(PROMPT) shouldContain "\r\ntimer ran\r\n"
        // Inside a group too: "user pu" + Tab completes nothing, because "purge" is hidden.
        client.send("user pu\t")
        client.sendLine("")
        client.awaitPrompt(PROMPT) shouldContain "\r\nUnknown command 'user pu'. Type 'help user' for a list.\r\n"
        client.sendLine("user purge")
        client.awaitPrompt(PROMPT) shouldBe "user purge\r\npurged\r\n"
        client.sendLine("help user purge")
        client.awaitPrompt(PROMPT) shouldBe "help user purge\r\nuser purge\r\n\r\nRemove everyone.\r\n"
    }

    test("aliases run the same command, names and aliases match in any case, and the handler sees the name as typed") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        for (name in listOf("echo", "copy", "repeat", "ECHO", "Copy", "rEpEaT")) {
            client.sendLine("$name hi there")
            client.awaitPrompt(PROMPT) shouldBe "$name hi there\r\nhi there\r\n"
        }
        client.sendLine("PARAMS x")
        client.awaitPrompt(PROMPT) shouldBe "PARAMS x\r\nname=PARAMS args=[x]\r\nraw=PARAMS x\r\n"
        client.sendLine("HELP COPY")
        // Exactly the synopsis, a blank line and the text: the aliases are in the help list, not repeated here.
        client.awaitPrompt(PROMPT) shouldBe "HELP COPY\r\necho <text to echo>\r\n\r\nEcho text back to the console.\r\n"
    }

    test("a command group runs its subcommands, and help, the bare name and unknown subcommands explain it") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("user add alice")
        client.awaitPrompt(PROMPT) shouldBe "user add alice\r\nadded alice\r\n"
        client.sendLine("User ADD bob")
        client.awaitPrompt(PROMPT) shouldBe "User ADD bob\r\nadded bob\r\n"
        client.sendLine("user list")
        client.awaitPrompt(PROMPT) shouldBe "user list\r\nusers: alice, bob\r\n"
        client.sendLine("user ls")
        client.awaitPrompt(PROMPT) shouldBe "user ls\r\nusers: alice, bob\r\n"

        val groupHelp = "user <command>\r\n\r\nManage users.\r\n\r\nCommands:\r\n" +
            "  user add <name> - Add a user.\r\n  user list - List the users. (alias: ls)\r\n"
        client.sendLine("help user")
        client.awaitPrompt(PROMPT) shouldBe "help user\r\n$groupHelp"
        client.sendLine("user")
        client.awaitPrompt(PROMPT) shouldBe "user\r\n$groupHelp"
        client.sendLine("help user add")
        client.awaitPrompt(PROMPT) shouldBe "help user add\r\nuser add <name>\r\n\r\nAdd a user.\r\n"

        client.sendLine("user lsit")
        client.awaitPrompt(PROMPT) shouldBe "user lsit\r\nUnknown command 'user lsit'. Did you mean 'user list'?\r\n"
        client.sendLine("user bogus 1 2")
        client.awaitPrompt(PROMPT) shouldBe "user bogus 1 2\r\nUnknown command 'user bogus'. Type 'help user' for a list.\r\n"
        client.sendLine("help user lsit")
        client.awaitPrompt(PROMPT) shouldBe "help user lsit\r\nUnknown command 'user lsit'. Did you mean 'user list'?\r\n"
        users shouldBe listOf("alice", "bob")
    }

    test("help on a built-in prints the synopsis, a blank line and the description, for every name and alias") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        for (name in listOf("help", "?", "HELP")) {
            client.sendLine("help $name")
            client.awaitPrompt(PROMPT) shouldBe "help $name\r\nhelp [command]\r\n\r\nShow the commands, or describe one.\r\n"
        }
        for (name in listOf("bye", "exit", "quit")) {
            client.sendLine("help $name")
            client.awaitPrompt(PROMPT) shouldBe "help $name\r\nbye\r\n\r\nEnd the session.\r\n"
        }
        client.sendLine("? bye")
        client.awaitPrompt(PROMPT) shouldBe "? bye\r\nbye\r\n\r\nEnd the session.\r\n"
    }

    test("in a group of groups, help and the unknown-subcommand hints name the full command path") {
        val net = Command(
            name = "net",
            summary = "Network settings.",
            subcommands = listOf(
                Command(
                    name = "iface",
                    summary = "Network interfaces.",
                    description = "Look at and change the interfaces.",
                    subcommands = listOf(
                        command("list", "ls", summary = "List the interfaces.") { call -> call.writeResponse("eth0, lo") },
                        command("up", usage = "<name>", summary = "Bring an interface up.") { call -> call.writeResponse("up ${call.args.single()}") },
                    ),
                ),
            ),
        )
        val client = fixture.connect(fixture.startShell(ShellSettings(listOf(net))))
        client.awaitPrompt(PROMPT)
        client.sendLine("net iface list")
        client.awaitPrompt(PROMPT) shouldBe "net iface list\r\neth0, lo\r\n"
        client.sendLine("NET Iface up eth1")
        client.awaitPrompt(PROMPT) shouldBe "NET Iface up eth1\r\nup eth1\r\n"

        client.sendLine("net iface lsit")
        client.awaitPrompt(PROMPT) shouldBe "net iface lsit\r\nUnknown command 'net iface lsit'. Did you mean 'net iface list'?\r\n"
        client.sendLine("net iface bogus 1")
        client.awaitPrompt(PROMPT) shouldBe "net iface bogus 1\r\nUnknown command 'net iface bogus'. Type 'help net iface' for a list.\r\n"
        client.sendLine("net ifcae")
        client.awaitPrompt(PROMPT) shouldBe "net ifcae\r\nUnknown command 'net ifcae'. Did you mean 'net iface'?\r\n"
        client.sendLine("help net iface lsit")
        client.awaitPrompt(PROMPT) shouldBe "help net iface lsit\r\nUnknown command 'net iface lsit'. Did you mean 'net iface list'?\r\n"
        client.sendLine("help net iface bogus")
        client.awaitPrompt(PROMPT) shouldBe "help net iface bogus\r\nUnknown command 'net iface bogus'. Type 'help net iface' for a list.\r\n"

        val ifaceHelp = "net iface <command>\r\n\r\nLook at and change the interfaces.\r\n\r\nCommands:\r\n" +
            "  net iface list - List the interfaces. (alias: ls)\r\n  net iface up <name> - Bring an interface up.\r\n"
        client.sendLine("help net iface")
        client.awaitPrompt(PROMPT) shouldBe "help net iface\r\n$ifaceHelp"
        client.sendLine("net iface")
        client.awaitPrompt(PROMPT) shouldBe "net iface\r\n$ifaceHelp"
        client.sendLine("help net iface ls")
        client.awaitPrompt(PROMPT) shouldBe "help net iface ls\r\nnet iface list\r\n\r\nList the interfaces.\r\n"
    }

    test("an unknown command gets exactly one line, with a suggestion when one is close") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("ecko hello")
        client.awaitPrompt(PROMPT) shouldBe "ecko hello\r\nUnknown command 'ecko'. Did you mean 'echo'?\r\n"
        client.sendLine("ehco")
        client.awaitPrompt(PROMPT) shouldBe "ehco\r\nUnknown command 'ehco'. Did you mean 'echo'?\r\n"
        client.sendLine("xyzzy")
        client.awaitPrompt(PROMPT) shouldBe "xyzzy\r\nUnknown command 'xyzzy'. Type 'help' for a list.\r\n"
        // A one-letter typo is not taken for the one-letter built-in '?'.
        client.sendLine("x")
        client.awaitPrompt(PROMPT) shouldBe "x\r\nUnknown command 'x'. Type 'help' for a list.\r\n"
        client.sendLine("help ecko")
        client.awaitPrompt(PROMPT) shouldBe "help ecko\r\nUnknown command 'ecko'. Did you mean 'echo'?\r\n"
        // Quotes are removed before the lookup; an empty line does nothing.
        client.sendLine("'echo' \"a  b\"")
        client.awaitPrompt(PROMPT) shouldBe "'echo' \"a  b\"\r\na  b\r\n"
        client.sendLine("   ")
        client.awaitPrompt(PROMPT) shouldBe "   \r\n"
    }

    test("a trailing backslash shows the continuation prompt, and the handler gets the words and the raw text of both lines") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("args 1 \\")
        client.awaitPrompt("... ") shouldBe "args 1 \\\r\n"
        client.sendLine("2")
        client.awaitPrompt(PROMPT) shouldBe "2\r\nname=args args=[1]|[2]\r\nraw=args 1 \\\\n2\r\n"

        // An open quote continues too, and keeps the line break inside the word.
        client.sendLine("args \"a")
        client.awaitPrompt("... ")
        client.sendLine("b\" c")
        client.awaitPrompt(PROMPT) shouldBe "b\" c\r\nname=args args=[a\r\nb]|[c]\r\nraw=args \"a\\nb\" c\r\n"

        // The seeds' four lines.
        for (line in listOf("args 1 \\", "2 \"3", "4\"  \"5\\")) {
            client.sendLine(line)
            client.awaitPrompt("... ")
        }
        client.sendLine("6\"")
        client.awaitPrompt(PROMPT) shouldContain "name=args args=[1]|[2]|[3\r\n4]|[56]\r\n"
    }

    test("Ctrl-C at the continuation prompt drops the whole command, which never runs") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("args 1 \\")
        client.awaitPrompt("... ")
        client.sendLine("2 \"open")
        client.awaitPrompt("... ")
        client.send(CTRL_C)
        client.awaitPrompt(PROMPT) shouldBe "^C\r\n"
        client.sendLine("echo after")
        client.awaitPrompt(PROMPT) shouldBe "echo after\r\nafter\r\n"
        client.output shouldNotContain "name=args"
    }

    test("Ctrl-D at the continuation prompt says the input ended unfinished, drops the command, and the session goes on") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("args \"open")
        client.awaitPrompt("... ")
        client.send(CTRL_D)
        client.awaitPrompt(PROMPT) shouldBe "\r\nUnexpected end of input: a double quote is open.\r\n"
        client.sendLine("args 1 \\")
        client.awaitPrompt("... ")
        client.send(CTRL_D)
        client.awaitPrompt(PROMPT) shouldBe "\r\nUnexpected end of input: a backslash ends the line.\r\n"
        client.sendLine("echo still here")
        client.awaitPrompt(PROMPT) shouldBe "echo still here\r\nstill here\r\n"
        client.output shouldNotContain "name=args"
        client.output shouldNotContain "Goodbye."
    }

    test("a command spanning more than maxContinuationLines is dropped with an error, and the session goes on") {
        val client = fixture.connect(fixture.startShell(ShellSettings(commands, maxContinuationLines = 2)))
        client.awaitPrompt(PROMPT)
        client.sendLine("args \"a")
        client.awaitPrompt("... ")
        client.sendLine("b")
        client.awaitPrompt(PROMPT) shouldBe "b\r\nThe command spans more than 2 lines; it was dropped.\r\n"
        client.sendLine("args \"a")
        client.awaitPrompt("... ")
        client.sendLine("b\"")
        client.awaitPrompt(PROMPT) shouldBe "b\"\r\nname=args args=[a\r\nb]\r\nraw=args \"a\\nb\"\r\n"
    }

    test("writeError, CommandException and unknown commands go through a custom ErrorFormatter") {
        val formatter = ErrorFormatter { session, text -> "!! ${session.username ?: "guest"}: $text !!" }
        val client = fixture.connect(fixture.startShell(ShellSettings(commands, errorFormatter = formatter)))
        client.awaitPrompt(PROMPT)
        client.sendLine("error")
        client.awaitPrompt(PROMPT) shouldBe "error\r\n!! guest: bad thing !!\r\n"
        client.sendLine("refuse")
        client.awaitPrompt(PROMPT) shouldBe "refuse\r\n!! guest: no such file: x.txt !!\r\n"
        client.sendLine("ecko")
        client.awaitPrompt(PROMPT) shouldBe "ecko\r\n!! guest: Unknown command 'ecko'. Did you mean 'echo'? !!\r\n"

        // The default formatter shows the text as it is.
        val plain = fixture.connect(fixture.startShell(settings))
        plain.awaitPrompt(PROMPT)
        plain.sendLine("error")
        plain.awaitPrompt(PROMPT) shouldBe "error\r\nbad thing\r\n"
    }

    test("styled output has ANSI codes for xterm, none for a raw client or a dumb terminal, and none when the shell turns ANSI off") {
        val server = fixture.startShell(settings)
        val xterm = fixture.connect(server)
        xterm.awaitPrompt(PROMPT)
        xterm.sendLine("style")
        xterm.awaitPrompt(PROMPT) shouldBe "style\r\n\u001b[31;1mwarn\u001b[0m true\r\n"

        // A raw client gets its prompt after connectMaxWait: keep that short.
        val raw = fixture.connect(fixture.startShell(settings, testSettings(connectMaxWait = Duration.ofMillis(300))), TerminalProfile.RAW)
        raw.awaitPrompt(PROMPT)
        raw.sendLine("style")
        raw.awaitPrompt(PROMPT) shouldBe "warn false\r\n"
        raw.output shouldNotContain "\u001b"

        // A terminal that says it is dumb (TTYPE DUMB) gets no escape codes either.
        val dumb = fixture.connect(server, TerminalProfile(terminalTypes = listOf("DUMB")))
        dumb.awaitPrompt(PROMPT)
        dumb.sendLine("style")
        dumb.awaitPrompt(PROMPT) shouldBe "style\r\nwarn false\r\n"
        dumb.output shouldNotContain "\u001b["

        val off = fixture.connect(fixture.startShell(ShellSettings(commands, ansi = false)))
        off.awaitPrompt(PROMPT)
        off.sendLine("style")
        off.awaitPrompt(PROMPT) shouldBe "style\r\nwarn false\r\n"
    }

    test("a CommandException prints its message, nothing is logged as an error, and the session goes on") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("refuse")
        client.awaitPrompt(PROMPT) shouldBe "refuse\r\nno such file: x.txt\r\n"
        client.sendLine("echo still here")
        client.awaitPrompt(PROMPT) shouldBe "echo still here\r\nstill here\r\n"
        logs.events.filter { it.level == Level.ERROR } shouldHaveSize 0
    }

    for (failing in listOf("crash", "fatal")) {
        test("a handler failing with anything else ($failing) prints one line without the exception text, is logged, and the session goes on") {
            val client = fixture.connect(fixture.startShell(settings))
            client.awaitPrompt(PROMPT)
            client.sendLine(failing)
            client.awaitPrompt(PROMPT) shouldBe "$failing\r\n$failing: internal error; the details are in the server log.\r\n"
            client.output shouldNotContain "secret detail"
            client.output shouldNotContain "Exception"
            client.output shouldNotContain "NotImplementedError"
            val errors = logs.events.filter { it.level == Level.ERROR }
            errors shouldHaveSize 1
            errors.single().formattedMessage shouldContain "'$failing' failed"
            errors.single().throwableProxy.message shouldContain "secret detail"

            client.sendLine("echo still here")
            client.awaitPrompt(PROMPT) shouldBe "echo still here\r\nstill here\r\n"
        }
    }

    test("typed session attributes keep values between commands, separately for each session") {
        val note = AttributeKey<String>("note")
        val count = AttributeKey<AtomicInteger>("count")
        val attributeCommands = listOf(
            command("remember") { call -> call.session.attributes[note] = call.args.joinToString(" ") },
            command("recall") { call -> call.writeResponse("note=${call.session.attributes[note] ?: "(none)"}") },
            command("forget") { call -> call.writeResponse("forgot ${call.session.attributes.remove(note) ?: "(none)"}") },
            command("count") { call ->
                val n = call.session.attributes.computeIfAbsent(count) { AtomicInteger() }.incrementAndGet()
                call.writeResponse("count=$n")
            },
        )
        val server = fixture.startShell(ShellSettings(attributeCommands))
        val ann = fixture.connect(server)
        val bob = fixture.connect(server)
        ann.awaitPrompt(PROMPT)
        bob.awaitPrompt(PROMPT)
        suspend fun TelnetTestClient.run(line: String): String {
            sendLine(line)
            return awaitPrompt(PROMPT).removePrefix("$line\r\n")
        }
        ann.run("recall") shouldBe "note=(none)\r\n"
        ann.run("remember buy milk") shouldBe ""
        ann.run("recall") shouldBe "note=buy milk\r\n"
        bob.run("recall") shouldBe "note=(none)\r\n"
        ann.run("count") shouldBe "count=1\r\n"
        ann.run("count") shouldBe "count=2\r\n"
        bob.run("count") shouldBe "count=1\r\n"
        ann.run("forget") shouldBe "forgot buy milk\r\n"
        ann.run("recall") shouldBe "note=(none)\r\n"
        ann.run("forget") shouldBe "forgot (none)\r\n"
        ann.run("count") shouldBe "count=3\r\n"
    }

    test("lines typed while a command runs are not echoed then, and run afterwards, in order") {
        val client = fixture.connect(fixture.startShell(settings))
        client.awaitPrompt(PROMPT)
        client.sendLine("slow")
        withTimeout(5.seconds) { slowStarted[0].await() }
        client.sendLine("echo a")
        client.sendLine("user add carol")
        client.sendLine("echo b")
        // The server answers AYT after handling everything sent before it: the lines are in.
        client.sendCommand(TelnetCommand.AYT)
        client.awaitText("[Yes]\r\n") shouldBe "slow\r\n[Yes]\r\n"
        slowGate[0].complete(Unit)
        client.awaitText("> echo b\r\nb\r\n> ") shouldBe
            "slow done\r\n> echo a\r\na\r\n> user add carol\r\nadded carol\r\n> echo b\r\nb\r\n> "
        users shouldBe listOf("carol")
    }
})
