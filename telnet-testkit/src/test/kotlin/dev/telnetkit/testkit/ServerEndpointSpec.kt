package dev.telnetkit.testkit

import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.transport.Transport
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import java.net.ServerSocket
import java.time.Duration

/**
 * One server, several endpoints: every one serves the same shell, sessions report the transport
 * they came by, `broadcast` and the session limits span them all, and a start that cannot bind one
 * of them leaves nothing bound.
 */
class ServerEndpointSpec : FunSpec({
    val whoami = Command("via", handler = CommandHandler { call -> call.session.writeLine("via ${call.session.transport}") })
    val shell = ShellSettings(listOf(whoami))

    test("the main port and a second endpoint serve the same shell; broadcast reaches both; the limits count both") {
        val memory = InMemoryTransport()
        val settings = ServerSettings(port = 0, maxSessions = 2, endpoints = listOf(ServerEndpoint.of(memory, 0)))
        val server = TelnetServer(settings, CommandShell(shell)).start()
        try {
            server.portOf("nio") shouldBe server.port
            // The in-memory transport binds no port: it reports the port it was given.
            server.portOf("memory") shouldBe 0
            shouldThrow<IllegalArgumentException> { server.portOf("ssh") }.message shouldContain "nio, memory"
            val telnet = TelnetTestClient.connect("127.0.0.1", server.port)
            val inMemory = memory.connect()
            telnet.awaitText("> ")
            inMemory.awaitText("> ")
            telnet.sendLine("via")
            telnet.awaitText("via nio")
            inMemory.sendLine("via")
            inMemory.awaitText("via memory")
            server.broadcast("to all") shouldBe 2
            telnet.awaitText("to all")
            inMemory.awaitText("to all")
            // A third session is over maxSessions (2), whichever way it comes.
            val third = memory.connect()
            third.awaitText(ServerSettings().busyMessage)
            telnet.close()
        } finally {
            server.stop(Duration.ZERO)
        }
    }

    test("two endpoints on one port are refused when the settings are made") {
        shouldThrow<IllegalArgumentException> {
            ServerSettings(port = 4000, endpoints = listOf(ServerEndpoint.of(Transport.nio(), 4000)))
        }.message shouldContain "127.0.0.1:4000"
    }

    test("a start that cannot bind an endpoint fails and releases the ports it had bound") {
        ServerSocket(0).use { taken ->
            val main = ServerSocket(0).use { it.localPort }
            val settings = ServerSettings(port = main, endpoints = listOf(ServerEndpoint.of(Transport.nio(), taken.localPort)))
            val server = TelnetServer(settings, CommandShell(shell))
            shouldThrow<Exception> { server.start() }
            // The main port is free again.
            ServerSocket(main).use { it.localPort shouldNotBe 0 }
        }
    }
})
