package dev.telnetkit.shell

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.SysopCommands
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InMemoryTransport
import dev.telnetkit.wire.PlainTerminal
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.delay
import java.time.Duration

class SysopCommandsSpec : FunSpec({
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    suspend fun serve(): Pair<InMemoryTransport, TelnetServer> {
        val memory = InMemoryTransport()
        val echo = Command("echo", handler = CommandHandler { call -> call.session.writeLine(call.args.joinToString(" ")) })
        val shell = ShellSettings(listOf(echo, SysopCommands.command { it.username == "root" }))
        val server = TelnetServer(ServerSettings(port = 0, transport = memory), CommandShell(shell)).start()
        servers += server
        return memory to server
    }

    test("a sysop lists every session, with client-sent text escaped") {
        val (memory, _) = serve()
        memory.connect(PlainTerminal(user = "ann", terminalType = "evil\u001b[2Jterm")).use { ann ->
            ann.awaitPrompt("> ")
            memory.connect(PlainTerminal(user = "root")).use { root ->
                root.awaitPrompt("> ")
                root.sendLine("sysop who")
                val listing = root.awaitText("2 sessions.")
                listing shouldContain "USER"
                listing shouldContain "ann"
                listing shouldContain "root"
                listing shouldContain "memory"
                listing shouldContain "evil\\u001b[2jterm"
                listing shouldNotContain "\u001b[2J"
            }
        }
    }

    test("anyone else is told the group is for sysops, and help does not list it") {
        val (memory, _) = serve()
        memory.connect(PlainTerminal(user = "ann")).use { ann ->
            ann.awaitPrompt("> ")
            ann.sendLine("sysop who")
            ann.awaitText("for sysops only")
            ann.sendLine("help")
            val help = ann.awaitText("echo")
            help shouldNotContain "sysop"
        }
    }

    test("a sysop messages one session, then every session, and kicks one") {
        val (memory, server) = serve()
        memory.connect(PlainTerminal(user = "ann")).use { ann ->
            ann.awaitPrompt("> ")
            memory.connect(PlainTerminal(user = "root")).use { root ->
                root.awaitPrompt("> ")
                val annId = server.sessions.first { it.username == "ann" }.id
                root.sendLine("sysop send $annId dinner is ready")
                root.awaitText("Sent to session $annId.")
                ann.awaitText("Message from the sysop: dinner is ready")
                root.sendLine("sysop wall back in five")
                root.awaitText("Sent to 2 sessions.")
                ann.awaitText("Message from the sysop: back in five")
                root.sendLine("sysop kick $annId time to go")
                root.awaitText("Session $annId kicked.")
                ann.awaitText("time to go")
                ann.awaitClosed().shouldBeTrue()
                repeat(100) { if (server.sessions.size > 1) delay(20) }
                server.sessions.map { it.username } shouldBe listOf("root")
                root.sendLine("sysop kick 9999")
                root.awaitText("no session 9999")
                root.sendLine("sysop kick abc")
                root.awaitText("'abc' is not a session id")
                root.sendLine("sysop kick ${server.sessions.single().id}")
                root.awaitText("that is your own session")
            }
        }
    }

    test("a sysop reads the server's running totals") {
        val (memory, _) = serve()
        memory.connect(PlainTerminal(user = "root")).use { root ->
            root.awaitPrompt("> ")
            root.sendLine("sysop stats")
            root.awaitText("sessions open 1")
            root.awaitText("bytes in")
        }
    }
})
