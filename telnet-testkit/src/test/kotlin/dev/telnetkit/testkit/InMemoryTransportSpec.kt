package dev.telnetkit.testkit

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.InterruptListener
import dev.telnetkit.session.Session
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.wire.PlainTerminal
import dev.telnetkit.wire.telnetOptions
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

class InMemoryTransportSpec : FunSpec({
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    suspend fun serve(shell: ShellSettings, perAddress: Int = 100): InMemoryTransport {
        val memory = InMemoryTransport()
        val settings = ServerSettings(port = 0, transport = memory, idleTimeout = Duration.ofSeconds(30), maxSessionsPerAddress = perAddress)
        servers += TelnetServer(settings, CommandShell(shell)).start()
        return memory
    }

    /** A server whose handler reads one line; the session it serves, once started. */
    suspend fun serveOneRead(): Pair<InMemoryTransport, CompletableDeferred<Session>> {
        val started = CompletableDeferred<Session>()
        val memory = InMemoryTransport()
        servers += TelnetServer(ServerSettings(port = 0, transport = memory)) { session ->
            started.complete(session)
            session.readLine("> ")
        }.start()
        return memory to started
    }

    val whoami = Command("whoami", handler = CommandHandler { call ->
        with(call.session) { writeLine("user=$username type=$terminalType size=${width}x$height via $transport") }
    })
    val echo = Command("echo", handler = CommandHandler { call -> call.session.writeLine(call.args.joinToString(" ")) })
    val hold = Command("hold", handler = CommandHandler { call ->
        call.session.writeLine("holding")
        awaitCancellation()
    })
    val shell = ShellSettings(listOf(whoami, echo, hold), welcome = "Welcome.")

    test("a command runs and answers with no socket and no negotiation wait") {
        val memory = serve(shell)
        memory.connect().use { user ->
            user.awaitPrompt("> ") shouldContain "Welcome."
            user.sendLine("echo hello there")
            user.awaitText("hello there\r\n")
            user.sendLine("whoami")
            user.awaitText("user=null type=xterm size=80x24 via memory")
        }
    }

    test("the shell's login runs, and a user the transport authenticated skips it") {
        val login = LoginSettings(authenticator = { _, name, password -> name == "ann" && password == "pw" })
        val memory = serve(ShellSettings(listOf(whoami), login = login))
        memory.connect().use { user ->
            user.awaitText("Username: ")
            user.sendLine("ann")
            user.awaitText("Password: ")
            user.sendLine("pw")
            user.awaitPrompt("> ")
            user.sendLine("whoami")
            user.awaitText("user=ann")
            user.output shouldNotContain "pw"
        }
        memory.connect(InMemoryTransport.terminal(user = "bob")).use { user ->
            val before = user.awaitPrompt("> ")
            before shouldNotContain "login:"
            user.sendLine("whoami")
            user.awaitText("user=bob")
        }
    }

    test("a message from another thread lands above the prompt and the half-typed line") {
        val memory = serve(shell)
        memory.connect().use { user ->
            user.awaitPrompt("> ")
            user.send("ech")
            user.awaitText("ech")
            servers.single().broadcast("server news") shouldBe 1
            user.awaitScreen { screen -> screen.text.contains("server news\n> ech") }
            user.send("o x\r\n")
            user.awaitText("x\r\n")
        }
    }

    test("resize and interrupt come from the transport: the session sees the size, a running command is cancelled") {
        val memory = serve(shell)
        memory.connect(InMemoryTransport.terminal("vt100", 100, 30)).use { user ->
            user.awaitPrompt("> ")
            user.sendLine("whoami")
            user.awaitText("type=vt100 size=100x30")
            user.resize(120, 40)
            user.sendLine("whoami")
            user.awaitText("size=120x40")
            user.sendLine("hold")
            user.awaitText("holding")
            user.interrupt()
            user.awaitText("^C")
            user.awaitPrompt("> ")
            user.send("\u0003")
            user.sendLine("echo still here")
            user.awaitText("still here")
        }
    }

    test("line-by-line input on a terminal: the server draws nothing of the line, and hidden reads work") {
        val login = LoginSettings(authenticator = { _, _, password -> password == "pw" })
        val memory = serve(ShellSettings(listOf(echo), login = login))
        memory.connect(PlainTerminal(characterMode = false, tty = true)).use { user ->
            user.awaitText("Username: ")
            user.sendLine("ann")
            user.awaitText("Password: ")
            user.sendLine("pw")
            user.awaitPrompt("> ")
            user.sendLine("echo one")
            user.awaitText("one\r\n")
            user.output shouldNotContain "echo one"
        }
    }

    test("no terminal at all (a pipe, as ssh -T): no welcome, prompts or goodbye, nothing drawn, Unix line ends") {
        val memory = serve(ShellSettings(listOf(echo), welcome = "Welcome.", goodbye = "Bye."))
        memory.connect(PlainTerminal(user = "ann", characterMode = false)).use { user ->
            user.sendLine("echo one")
            user.awaitText("one\n")
            user.sendLine("echo two")
            user.awaitText("two\n")
            user.sendLine("bye")
            user.awaitClosed().shouldBeTrue()
            // As bash without a terminal: no banner, no prompt, so the output is the commands' alone.
            user.output shouldBe "one\ntwo\n"
        }
    }

    test("a session over memory has no Telnet options; its input ending ends it") {
        val (memory, started) = serveOneRead()
        val user = memory.connect()
        val session = withTimeout(5.seconds) { started.await() }
        session.telnetOptions.shouldBeNull()
        session.serverEchoes.shouldBeTrue()
        user.awaitPrompt("> ")
        user.close()
        user.awaitClosed().shouldBeTrue()
    }

    test("the server's limits hold in memory too: over maxSessionsPerAddress, a user is told the server is busy") {
        val memory = serve(shell, perAddress = 2)
        val first = memory.connect().also { it.awaitPrompt("> ") }
        val second = memory.connect().also { it.awaitPrompt("> ") }
        memory.connect().use { third ->
            third.awaitText("Server busy, try later.")
            third.awaitClosed().shouldBeTrue()
        }
        first.close()
        second.close()
    }

    test("a thousand sessions start, answer and end without sockets") {
        val memory = serve(shell, perAddress = 1000)
        coroutineScope {
            repeat(1000) { n ->
                launch {
                    memory.connect().use { user ->
                        user.awaitPrompt("> ")
                        user.sendLine("echo n$n")
                        user.awaitText("n$n\r\n")
                    }
                }
            }
        }
    }

    test("environment handed in by the transport: well-known names in environment, the rest in userEnvironment") {
        val (memory, started) = serveOneRead()
        memory.connect(PlainTerminal("XTERM-256color", environment = mapOf("USER" to "ann", "LANG" to "C.UTF-8"))).use {
            val session = withTimeout(5.seconds) { started.await() }
            session.terminalType shouldBe "xterm-256color"
            session.environment shouldBe mapOf("USER" to "ann")
            session.userEnvironment shouldBe mapOf("LANG" to "C.UTF-8")
        }
    }

    test("an interrupt listener hears the transport's interrupt") {
        val heard = CompletableDeferred<Unit>()
        val memory = InMemoryTransport()
        servers += TelnetServer(ServerSettings(port = 0, transport = memory)) { session ->
            session.addInterruptListener(InterruptListener { heard.complete(Unit) })
            session.writeLine("ready")
            session.readLine("")
        }.start()
        memory.connect().use { user ->
            user.awaitText("ready")
            user.interrupt()
            withTimeout(5.seconds) { heard.await() }
        }
    }
})
