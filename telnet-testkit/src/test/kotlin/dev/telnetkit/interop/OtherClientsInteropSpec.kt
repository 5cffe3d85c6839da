package dev.telnetkit.interop

import dev.telnetkit.server.onTestTransport
import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.server.DEMO_LIKE_PROMPT
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.demoLikeShell
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val PROMPT_SHOWN = DEMO_LIKE_PROMPT.trimEnd()

/**
 * The demo-like shell through the other real clients users connect with: BusyBox `telnet` and
 * PuTTY `plink -telnet` in a tmux pane (character mode, real keys), and OpenBSD `nc`, which answers
 * no negotiation at all (line mode, the client's own echo). Each is skipped with a message when the
 * program is missing, unless TELNETKIT_REQUIRE_INTEROP=1 (then it fails).
 */
class OtherClientsInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)

    fun interopTest(name: String, programs: List<InteropClients.Program>, body: suspend () -> Unit) {
        val skip = InteropClients.skipReason(programs)
        test(name).config(enabledOrReasonIf = { skip?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll(programs)
            body()
        }
    }

    /** A demo-like server; [block] gets it and a deferred that completes with the first session. */
    suspend fun withServer(block: suspend (TelnetServer, CompletableDeferred<Session>, List<String>) -> Unit) {
        val seen = CompletableDeferred<Session>()
        val secrets = Collections.synchronizedList(ArrayList<String>())
        val shell = demoLikeShell { secrets.add(it) }
        val server = TelnetServer(
            ServerSettings(port = 0, connectMaxWait = Duration.ofSeconds(2), idleTimeout = Duration.ofSeconds(60)).onTestTransport(),
        ) { s ->
            seen.complete(s)
            shell.handle(s)
        }.start()
        try {
            block(server, seen, secrets)
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }

    /** The pane's rows without trailing blanks, and without the blank rows below the last text. */
    fun rowsOf(screen: String): List<String> = screen.removeSuffix("\n").split('\n').map(String::trimEnd).dropLastWhile { it.isEmpty() }

    /** The rows of the pane once [predicate] holds for them. */
    suspend fun TmuxTerminal.awaitRows(predicate: (List<String>) -> Boolean): List<String> =
        rowsOf(awaitScreen { predicate(rowsOf(it)) })

    /** The last prompt row shows exactly `PROMPT text`. */
    suspend fun TmuxTerminal.awaitEditedLine(text: String) =
        awaitRows { rows -> rows.lastOrNull { it.startsWith(PROMPT_SHOWN) } == "$PROMPT_SHOWN $text".trimEnd() }

    /**
     * The character-mode checks every full-screen client must pass: editing with arrows and
     * Backspace, history with Up, an asynchronous message that leaves the half-typed line intact, a
     * password read that shows nothing, and `bye`.
     */
    suspend fun characterModeSession(terminal: TmuxTerminal, session: Session, secrets: List<String>) {
        terminal.awaitEditedLine("")
        withClue("the client agreed to character mode") { session.serverEchoes shouldBe true }

        terminal.sendText("echo abdc")
        terminal.awaitEditedLine("echo abdc")
        terminal.sendKeys("Left", "Right", "Left")
        terminal.sendKeys("BSpace")
        terminal.awaitEditedLine("echo abc")
        terminal.sendKeys("End")
        terminal.sendText("d")
        terminal.awaitEditedLine("echo abcd")
        terminal.sendKeys("Enter")
        terminal.awaitRows { rows -> "abcd" in rows && rows.last() == PROMPT_SHOWN }

        terminal.sendKeys("Up")
        terminal.awaitEditedLine("echo abcd")
        terminal.sendKeys("C-u")
        terminal.awaitEditedLine("")

        terminal.sendText("timer 1 ring")
        terminal.sendKeys("Enter")
        terminal.awaitText("Waiting 1 seconds...")
        terminal.sendText("echo part")
        val rows = terminal.awaitRows { rows -> "ring" in rows && rows.last() == "$PROMPT_SHOWN echo part" }
        withClue("the message is on its own row above the restored line") { rows.indexOf("ring") shouldBe rows.size - 2 }
        terminal.sendKeys("C-u")
        terminal.awaitEditedLine("")

        terminal.sendText("secret")
        terminal.sendKeys("Enter")
        terminal.awaitText("Password:")
        terminal.sendText("hunter2xyz")
        terminal.sendKeys("Enter")
        val screen = terminal.awaitText("got 10 chars")
        screen shouldNotContain "hunter2xyz"
        screen shouldNotContain "*****"
        secrets shouldContain "hunter2xyz"

        terminal.sendText("bye")
        terminal.sendKeys("Enter")
        terminal.awaitText("Goodbye.")
    }

    /**
     * A full-screen client in a 90x25 pane: [command] given the server's port starts it; the session
     * must see [terminalType] and the pane's size, then pass [characterModeSession].
     */
    fun fullScreenClientTest(client: InteropClients.Program, terminalType: String, command: (port: Int) -> List<String>) =
        interopTest("${client.name} in tmux: character mode, editing, history, a message while typing, a hidden password", listOf(client, InteropClients.tmux)) {
            withServer { server, seen, secrets ->
                TmuxTerminal.start(command(server.port), 90, 25).use { terminal ->
                    val session = withTimeout(20.seconds) { seen.await() }
                    terminal.awaitText(PROMPT_SHOWN)
                    println("${client.name}: terminalType=${session.terminalType} size=${session.size} serverEchoes=${session.serverEchoes}")
                    withClue("the client reports its terminal type and the pane's size") {
                        session.terminalType shouldBe terminalType
                        session.size shouldBe TerminalSize(90, 25)
                    }
                    characterModeSession(terminal, session, secrets)
                }
            }
        }

    // BusyBox passes TERM on; plink reports its own default, xterm.
    fullScreenClientTest(InteropClients.busybox, "xterm-256color") { port -> listOf(InteropClients.busybox.require(), "telnet", "127.0.0.1", port.toString()) }
    fullScreenClientTest(InteropClients.plink, "xterm") { port -> listOf(InteropClients.plink.require(), "-telnet", "-P", port.toString(), "127.0.0.1") }

    interopTest("OpenBSD nc answers no negotiation: the prompt still comes, lines are answered in line mode, bye closes", listOf(InteropClients.netcat)) {
        withServer { server, seen, _ ->
            val process = ProcessBuilder(InteropClients.netcat.require(), "127.0.0.1", server.port.toString())
                .redirectErrorStream(true).start()
            val received = ByteArrayOutputStream()
            val reader = Thread {
                val buffer = ByteArray(4096)
                while (true) {
                    val n = runCatching { process.inputStream.read(buffer) }.getOrDefault(-1)
                    if (n < 0) break
                    synchronized(received) { received.write(buffer, 0, n) }
                }
            }.apply { isDaemon = true; start() }
            fun text() = synchronized(received) { received.toString(Charsets.ISO_8859_1) }
            suspend fun awaitText(needle: String, count: Int = 1) {
                val ok = withTimeoutOrNull(15.seconds) {
                    while (text().windowed(needle.length).count { it == needle } < count) delay(20.milliseconds)
                    true
                }
                withClue("waiting for $count x '$needle' in what nc printed: ${text()}") { ok shouldBe true }
            }
            try {
                awaitText("$PROMPT_SHOWN ")
                val session = withTimeout(5.seconds) { seen.await() }
                withClue("no echo from the server: nc's user sees their own typing") { session.serverEchoes shouldBe false }
                val stdin = process.outputStream
                stdin.write("echo 1  \"2    3\"\n".toByteArray()); stdin.flush()
                awaitText("1 2    3\r\n")
                awaitText("$PROMPT_SHOWN ", count = 2)
                stdin.write("echo one \\\n".toByteArray()); stdin.flush()
                awaitText("... ")
                stdin.write("two\n".toByteArray()); stdin.flush()
                awaitText("one two\r\n")
                stdin.write("bye\n".toByteArray()); stdin.flush()
                awaitText("Goodbye.")
                val closed = withTimeoutOrNull(10.seconds) {
                    while (server.sessions.isNotEmpty()) delay(20.milliseconds)
                    true
                }
                withClue("the server ended the session after bye") { closed shouldBe true }
                text() shouldContain "You have connected to the telnet server."
                withClue("nothing is echoed back by the server") { text() shouldNotContain "echo one" }
            } finally {
                process.destroyForcibly()
            }
        }
    }
})
