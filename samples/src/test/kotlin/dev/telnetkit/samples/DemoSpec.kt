package dev.telnetkit.samples

import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

class DemoSpec : FunSpec({
    test("the demo greets, answers echo and info, and says goodbye on bye") {
        val server = demoServer("127.0.0.1", 0).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile(width = 100, height = 30)).use { client ->
                client.awaitText(DEMO_WELCOME)
                client.awaitPrompt(DEMO_PROMPT)
                client.sendLine("echo hello   world")
                client.awaitText("hello world\r\n")
                client.awaitPrompt(DEMO_PROMPT)
                client.sendLine("info")
                client.awaitPrompt(DEMO_PROMPT) shouldContain "info\r\n" +
                    "User: (not logged in)\r\n" +
                    "Terminal type: xterm-256color\r\n" +
                    "Width: 100\r\n" +
                    "Height: 30\r\n" +
                    "Encoding: UTF-8\r\n"
                client.sendLine("bye")
                client.awaitText("Goodbye.")
                client.awaitClosed(5.seconds) shouldBe true
            }
        } finally {
            server.stop()
        }
    }

    test("a raw client that negotiates nothing still gets the prompt and answers") {
        val server = demoServer("127.0.0.1", 0).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile.RAW).use { client ->
                client.awaitPrompt(DEMO_PROMPT, 5.seconds)
                client.sendLine("repeat abc")
                client.awaitText("abc\r\n")
            }
        } finally {
            server.stop()
        }
    }

    test("the timer message arrives while the user waits at the prompt") {
        val server = demoServer("127.0.0.1", 0).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                client.awaitPrompt(DEMO_PROMPT)
                client.sendLine("timer 0 wake up")
                client.awaitText("Waiting 0 seconds...")
                client.awaitText("wake up")
                client.awaitPrompt(DEMO_PROMPT)
            }
        } finally {
            server.stop()
        }
    }

    test("the command line takes --host and --port and rejects bad values with a message") {
        parseDemoOptions(arrayOf()) shouldBe DemoOptions("127.0.0.1", 2323)
        parseDemoOptions(arrayOf("--port", "0", "--host", "0.0.0.0")) shouldBe DemoOptions("0.0.0.0", 0)
        parseDemoOptions(arrayOf("--help")) shouldBe null
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--port", "70000")) }.message shouldContain "--port"
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--port")) }.message shouldContain "needs a value"
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--bogus")) }.message shouldContain "unknown option"
    }

    test("--encoding, --idle-timeout, --connect-maxwait, --log-level and --log-file parse to the right values") {
        val options = parseDemoOptions(
            arrayOf(
                "--encoding", "iso-8859-1", "--idle-timeout", "2.5", "--connect-maxwait", "0.25",
                "--log-level", "debug", "--log-file", "/tmp/telnetkit-demo.log",
            ),
        )!!
        options.encoding shouldBe Charsets.ISO_8859_1
        options.idleTimeout shouldBe Duration.ofMillis(2500)
        options.connectMaxWait shouldBe Duration.ofMillis(250)
        options.logLevel shouldBe "DEBUG"
        options.logFile shouldBe "/tmp/telnetkit-demo.log"
        parseDemoOptions(arrayOf("--idle-timeout", "0"))!!.idleTimeout shouldBe Duration.ZERO
        parseDemoOptions(arrayOf("--encoding", "US-ASCII"))!!.encoding shouldBe Charsets.US_ASCII
        parseDemoOptions(arrayOf("--log-level", "off"))!!.logLevel shouldBe "OFF"
        // The defaults when none is given.
        with(parseDemoOptions(arrayOf())!!) {
            encoding shouldBe Charsets.UTF_8
            idleTimeout shouldBe Duration.ofMinutes(5)
            connectMaxWait shouldBe Duration.ofSeconds(1)
            logLevel shouldBe "INFO"
            logFile shouldBe null
        }
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--connect-maxwait", "61")) }.message shouldContain "--connect-maxwait"
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--log-file")) }.message shouldContain "--log-file needs a value"
    }

    test("the demo holds 20,000 sessions unless --max-sessions says otherwise; the per-address limit stays the library's; --bench-broadcast adds the hidden broadcast command") {
        val plain = sampleServer(parseDemoOptions(arrayOf("--port", "0"))!!)
        plain.settings.maxSessions shouldBe 20_000
        plain.settings.maxSessionsPerAddress shouldBe 100
        val limited = sampleServer(parseDemoOptions(arrayOf("--port", "0", "--max-sessions", "5", "--max-sessions-per-address", "2"))!!)
        limited.settings.maxSessions shouldBe 5
        limited.settings.maxSessionsPerAddress shouldBe 2

        val server = sampleServer(parseDemoOptions(arrayOf("--port", "0", "--bench-broadcast"))!!).start()
        try {
            val listener = TelnetTestClient.connect("127.0.0.1", server.port)
            val sender = TelnetTestClient.connect("127.0.0.1", server.port)
            listener.use { sender.use {
                listener.awaitPrompt(DEMO_PROMPT)
                sender.awaitPrompt(DEMO_PROMPT)
                sender.sendLine("help")
                withClue("broadcast is hidden") { sender.awaitPrompt(DEMO_PROMPT) shouldNotContain "broadcast" }
                sender.sendLine("broadcast hello all")
                listener.awaitText("hello all")
            } }
        } finally {
            server.stop()
        }
    }

    test("--sample java, chat and counter start through the command line's parse, with its settings") {
        val greetings = mapOf(
            "java" to ("Welcome to the TelnetKit Java sample." to "java> "),
            "chat" to ("Welcome to the chat." to "Nickname: "),
            "counter" to ("Connection counter." to "Username: "),
        )
        for ((sample, expected) in greetings) {
            val options = parseDemoOptions(
                arrayOf("--sample", sample, "--port", "0", "--encoding", "ISO-8859-1", "--idle-timeout", "120", "--connect-maxwait", "0.3"),
            )!!
            val server = sampleServer(options)
            withClue(sample) {
                server.settings.host shouldBe "127.0.0.1"
                server.settings.protocol.charsets.first() shouldBe Charsets.ISO_8859_1
                server.settings.idleTimeout shouldBe Duration.ofSeconds(120)
                server.settings.connectMaxWait shouldBe Duration.ofMillis(300)
            }
            server.start()
            try {
                TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                    client.awaitText(expected.first)
                    client.awaitPrompt(expected.second)
                }
            } finally {
                server.stop()
            }
        }
    }

    test("--login turns the login on, alone or with other options, and is off by default") {
        parseDemoOptions(arrayOf())?.login shouldBe false
        parseDemoOptions(arrayOf("--login")) shouldBe DemoOptions(login = true)
        parseDemoOptions(arrayOf("--port", "0", "--login", "--host", "::1")) shouldBe DemoOptions(host = "::1", port = 0, login = true)
        shouldThrow<IllegalArgumentException> { parseDemoOptions(arrayOf("--login=yes")) }.message shouldContain "unknown option"
    }

    test("the server built from --login asks for a user name and a hidden password, and info shows the user") {
        val options = parseDemoOptions(arrayOf("--login", "--host", "127.0.0.1", "--port", "0"))!!
        val server = sampleServer(options).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                client.awaitPrompt("Username: ") shouldBe "$DEMO_WELCOME\r\n"
                client.sendLine("alice")
                client.awaitPrompt("Password: ") shouldBe "alice\r\n"
                client.sendLine("hunter2")
                client.awaitPrompt(DEMO_PROMPT) shouldBe "\r\n"
                client.sendLine("info")
                client.awaitPrompt(DEMO_PROMPT) shouldContain "\r\nUser: alice\r\n"
                client.output shouldNotContain "hunter2"
            }
        } finally {
            server.stop()
        }
    }
})
