package dev.telnetkit.samples

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

/** The demo's shell, exactly as DESIGN.md's reference behaviour describes it. */
class DemoShellSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)

    val servers = Collections.synchronizedList(ArrayList<TelnetServer>())
    val clients = Collections.synchronizedList(ArrayList<TelnetTestClient>())
    afterTest {
        clients.toList().forEach { runCatching { it.close() } }
        clients.clear()
        servers.toList().forEach { withTimeoutOrNull(15.seconds) { it.stop(Duration.ZERO) } }
        servers.clear()
    }

    /** A client at the demo's first prompt. */
    suspend fun demo(login: Boolean = false): TelnetTestClient {
        val server = demoServer("127.0.0.1", 0, login).start().also { servers.add(it) }
        val client = TelnetTestClient.connect("127.0.0.1", server.port).also { clients.add(it) }
        if (!login) client.awaitPrompt(DEMO_PROMPT) shouldBe "$DEMO_WELCOME\r\n"
        return client
    }

    /** Sends [line] and returns what came back before the next prompt, without the echoed line. */
    suspend fun TelnetTestClient.run(line: String): String {
        sendLine(line)
        val answer = awaitPrompt(DEMO_PROMPT)
        answer.startsWith("$line\r\n").shouldBeTrue()
        return answer.removePrefix("$line\r\n")
    }

    test("help lists the commands one a line as NAME <params> - description, hidden term left out") {
        val client = demo()
        client.run("help") shouldBe listOf(
            "echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)",
            "timer <seconds> <message> - Show a message after a number of seconds.",
            "info - Show what the server knows about this session.",
            "history - List the lines you entered.",
            "help [command] - Show the commands, or describe one. (alias: ?)",
            "bye - End the session. (aliases: exit, quit)",
            "",
        ).joinToString("\r\n")
        client.run("?") shouldBe client.run("help")
    }

    test("help NAME prints exactly the usage line, a blank line and the long description (the summary without one), built-ins too") {
        val client = demo()
        client.run("help echo") shouldBe listOf(
            "echo <text to echo>",
            "",
            "Writes its parameters back, separated by single spaces.",
            "Quote a parameter to keep its spaces as they are: echo \"a   b\".",
            "",
        ).joinToString("\r\n")
        client.run("help timer") shouldBe listOf(
            "timer <seconds> <message>",
            "",
            "Waits the given number of seconds (0 to 86400), then shows the message,",
            "even while you are typing: your line is kept as it was.",
            "",
        ).joinToString("\r\n")
        client.run("help repeat") shouldBe client.run("help echo")
        client.run("help info") shouldBe "info\r\n\r\nShow what the server knows about this session.\r\n"
        for (name in listOf("bye", "exit", "quit")) client.run("help $name") shouldBe "bye\r\n\r\nEnd the session.\r\n"
        for (name in listOf("help", "?")) client.run("help $name") shouldBe "help [command]\r\n\r\nShow the commands, or describe one.\r\n"
    }

    test("info shows the mode and the history size, and history lists the lines entered, numbered") {
        val client = demo()
        client.run("echo one")
        client.run("echo two")
        client.run("info") shouldContain "\r\nMode: character\r\nHistory: 3 lines\r\n"
        client.run("history") shouldBe listOf("   1  echo one", "   2  echo two", "   3  info", "   4  history", "").joinToString("\r\n")

        // A client that negotiates nothing is served in line mode.
        val raw = TelnetTestClient.connect("127.0.0.1", servers.last().port, TerminalProfile.RAW).also { clients.add(it) }
        raw.awaitPrompt(DEMO_PROMPT, 10.seconds)
        raw.sendLine("info")
        raw.awaitPrompt(DEMO_PROMPT) shouldContain "\r\nMode: line\r\nHistory: 1 lines\r\n"
    }

    test("the hidden term command is described by help term and runs") {
        val client = demo()
        client.run("help term") shouldBe "term\r\n\r\nShow every terminal type name the client gave.\r\n"
        client.run("term").lowercase() shouldContain "xterm-256color"
    }

    test("echo follows the seeds' quoting: spaces kept inside quotes, a backslash escapes a space") {
        val client = demo()
        client.run("echo 1  \"2    3\"") shouldBe "1 2    3\r\n"
        client.run("echo 1\\ 2") shouldBe "1 2\r\n"
        client.run("echo 'a  b' c") shouldBe "a  b c\r\n"
        client.run("copy x") shouldBe "x\r\n"
        client.run("REPEAT y") shouldBe "y\r\n"
    }

    test("a trailing backslash or an open quote continues the line with the '... ' prompt") {
        val client = demo()
        client.sendLine("echo 1 \\")
        client.awaitPrompt("... ")
        client.sendLine("2 \"3")
        client.awaitPrompt("... ")
        client.sendLine("4\"  \"5\\")
        client.awaitPrompt("... ")
        client.sendLine("6\"")
        // echo joins the words 1, 2, "3\n4" and 56 with spaces; the line break goes out as CR LF.
        client.awaitPrompt(DEMO_PROMPT) shouldBe "6\"\r\n1 2 3\r\n4 56\r\n"
    }

    test("an unknown command gets a suggestion, and timer explains its usage") {
        val client = demo()
        client.run("ecko hi") shouldBe "Unknown command 'ecko'. Did you mean 'echo'?\r\n"
        client.run("tmier 1 x") shouldBe "Unknown command 'tmier'. Did you mean 'timer'?\r\n"
        client.run("timer soon hello") shouldBe "Usage: timer <seconds> <message>\r\n"
        client.run("timer 5") shouldBe "Usage: timer <seconds> <message>\r\n"
    }

    test("the timer message arrives with the prompt and the half-typed line drawn again below it") {
        val client = demo()
        client.run("timer 1 wake up") shouldBe "Waiting 1 seconds...\r\n"
        client.send("echo half")
        client.awaitText("wake up", 10.seconds)
        client.awaitScreen { screen ->
            screen.lines.map { it.trimEnd() }.filter { it.isNotEmpty() }.takeLast(2) == listOf("wake up", "${DEMO_PROMPT.trimEnd()} echo half")
        }
        client.sendLine("")
        client.awaitPrompt(DEMO_PROMPT) shouldContain "\r\nhalf\r\n"
    }

    test("with --login the demo asks for a name and a hidden password, accepts any non-empty pair and rejects an empty one") {
        val client = demo(login = true)
        client.awaitPrompt("Username: ") shouldBe "$DEMO_WELCOME\r\n"
        client.sendLine("")
        client.awaitPrompt("Password: ")
        client.sendLine("anything")
        client.awaitPrompt("Username: ") shouldBe "\r\nLogin incorrect.\r\n"
        client.sendLine("bob")
        client.awaitPrompt("Password: ")
        client.sendLine("s3cret")
        client.awaitPrompt(DEMO_PROMPT) shouldBe "\r\n"
        client.run("info") shouldContain "User: bob\r\n"
        client.output shouldNotContain "s3cret"
        client.output shouldNotContain "anything"
    }

    test("bye, exit and quit say goodbye and close the connection") {
        for (word in listOf("bye", "exit", "quit")) {
            val client = demo()
            client.sendLine(word)
            client.awaitText("Goodbye.\r\n")
            client.awaitClosed(10.seconds).shouldBeTrue()
        }
    }
})
