package dev.telnetkit.ansi

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.onTestTransport
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.render
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Any SGR colour parameter: 30–37, 38 (256/RGB), 40–47, 48, 90–97, 100–107. */
private val COLOR_SGR = Regex("""\u001b\[(?:[0-9;]*;)?(?:3[0-8]|4[0-8]|9[0-7]|10[0-7])(?:[;m])""")

/**
 * A true-colour line written by a handler, seen through GNU inetutils telnet in tmux: the colour
 * arrives stepped down to what the client's TERM reports, as tmux's pane keeps it
 * (`capture-pane -e`).
 */
class AnsiInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)
    val interop: (io.kotest.core.test.TestCase) -> Enabled = { InteropClients.skipReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled }

    /**
     * Connects inetutils telnet with [term] and `COLORTERM=truecolor` in its environment, and returns
     * the session and the styled pane. inetutils sends only the variables it was told to export:
     * with [exportColorTerm] a `~/.telnetrc` (in a HOME of its own) says `environ export COLORTERM`.
     */
    suspend fun paneFor(term: String, exportColorTerm: Boolean): Pair<Session, String> {
        val home = Files.createTempDirectory("telnetkit-home")
        if (exportColorTerm) Files.writeString(home.resolve(".telnetrc"), "DEFAULT environ export COLORTERM\n")
        InteropClients.requireAll()
        val seen = CompletableDeferred<Session>()
        val server = TelnetServer(
            ServerSettings(host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(60)).onTestTransport(),
            SessionHandler { s ->
                seen.complete(s)
                s.writeLine("before " + s.render(ansi { bold { fg(AnsiColor.rgb(255, 128, 0)) { +"orange" } } }) + " after")
                s.readLine("ansi> ")
            },
        ).start()
        try {
            val telnet = InteropClients.inetutilsTelnet.require()
            TmuxTerminal.start(listOf(telnet, "127.0.0.1", server.port.toString()), 100, 30, mapOf("TERM" to term, "COLORTERM" to "truecolor", "HOME" to home.toString())).use { terminal ->
                val session = withTimeout(20.seconds) { seen.await() }
                terminal.awaitText("ansi>")
                val pane = terminal.styledScreen()
                println("inetutils telnet TERM=$term exportColorTerm=$exportColorTerm: terminalTypes=${session.terminalTypes} " +
                    "userEnvironment=${session.userEnvironment} colorLevel=${session.colorLevel}")
                return session to pane
            }
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
            home.toFile().deleteRecursively()
        }
    }

    test("TERM=xterm-256color: the true colour arrives as palette colour 208").config(enabledOrReasonIf = interop) {
        val (session, pane) = paneFor("xterm-256color", exportColorTerm = false)
        session.colorLevel shouldBe ColorLevel.PALETTE256
        val line = pane.lines().first { "orange" in it }
        withClue(line) {
            line shouldContain "38;5;208"
            line shouldNotContain "38;2;"
        }
    }

    test("TERM=xterm-256color with COLORTERM=truecolor (sent as a NEW-ENVIRON USERVAR): the RGB itself").config(enabledOrReasonIf = interop) {
        val (session, pane) = paneFor("xterm-256color", exportColorTerm = true)
        session.userEnvironment["COLORTERM"] shouldBe "truecolor"
        session.colorLevel shouldBe ColorLevel.TRUECOLOR
        val line = pane.lines().first { "orange" in it }
        withClue(line) { line shouldContain "38;2;255;128;0" }
    }

    test("TERM=vt100 (even with COLORTERM=truecolor sent): no colour codes at all, bold kept").config(enabledOrReasonIf = interop) {
        val (session, pane) = paneFor("vt100", exportColorTerm = true)
        session.userEnvironment["COLORTERM"] shouldBe "truecolor"
        session.colorLevel shouldBe ColorLevel.ATTRIBUTES_ONLY
        val line = pane.lines().first { "orange" in it }
        withClue(line) {
            COLOR_SGR.find(line) shouldBe null
            line shouldContain "\u001b[1m"
            line.replace(Regex("\u001b\\[[0-9;]*m"), "") shouldContain "before orange after"
        }
    }
})
