package dev.telnetkit.samples

import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
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
