package dev.telnetkit.dsl

import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class TelnetServerDslSpec : FunSpec({
    test("settings declared in the DSL reach the server") {
        val server = telnetServer {
            host = "127.0.0.1"
            port = 0
            connectMaxWait = 300.milliseconds
            idleTimeout = 0.seconds
            encoding = Charsets.ISO_8859_1
            maxLineLength = 80
            session { writeLine("hi") }
        }
        server.settings.connectMaxWait.toMillis() shouldBe 300
        server.settings.idleTimeout.isZero shouldBe true
        server.settings.protocol.charsets.first() shouldBe Charsets.ISO_8859_1
        server.settings.maxLineLength shouldBe 80
    }

    test("the session block runs with the session as receiver") {
        val server = telnetServer {
            port = 0
            session {
                writeLine("size ${width}x$height type $terminalType")
                val line = readLine("? ")
                writeLine("read [$line]")
            }
        }.start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile(width = 91, height = 33)).use { client ->
                client.awaitText("size 91x33 type xterm-256color")
                client.awaitPrompt("? ")
                client.sendLine("abc")
                client.awaitText("read [abc]")
                client.awaitClosed(5.seconds) shouldBe true
            }
        } finally {
            server.stop()
        }
    }

    test("a server without a session block or with a bad setting fails to build with a clear message") {
        shouldThrow<IllegalArgumentException> { telnetServer { port = 0 } }.message shouldContain "session"
        shouldThrow<IllegalArgumentException> { telnetServer { port = 70000; session { } } }.message shouldContain "port"
        shouldThrow<IllegalArgumentException> { telnetServer { idleTimeout = (-1).seconds; session { } } }.message shouldContain "idleTimeout"
    }
})
