package dev.telnetkit.screens

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds

/**
 * The screens driven in tmux with GNU inetutils `telnet`: hot-key menus, a form, a paged list, a
 * resize of the window, and colours present for TERM=xterm-256color but stepped down to none for
 * TERM=vt100 (read with `capture-pane -e`, which keeps the attributes the terminal shows).
 */
class ScreensInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    val enabled: (io.kotest.core.test.TestCase) -> Enabled = {
        InteropClients.skipReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled
    }

    lateinit var server: TelnetServer
    beforeSpec { server = BbsFixture.server().start() }
    afterSpec { withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) } }

    test("inetutils telnet in tmux: menus by hot key, a form, a paged list, and a redraw at the new width").config(enabledOrReasonIf = enabled) {
        InteropClients.requireAll()
        TmuxTerminal.telnet("127.0.0.1", server.port, width = 100, height = 30).use { terminal ->
            terminal.awaitText("MAIN MENU")
            terminal.awaitText("Online: 42")
            withClue("xterm-256color shows the menu's red") { colourCodes(terminal).isNotEmpty() shouldBe true }

            terminal.sendKeys("a")
            terminal.awaitText("SCREEN A")
            terminal.sendKeys("b")
            terminal.awaitText("SCREEN B")
            terminal.sendKeys("r")
            terminal.awaitText("MAIN MENU")

            terminal.sendKeys("f")
            terminal.awaitText("Name:")
            terminal.sendText("zoe")
            terminal.sendKeys("Enter")
            terminal.awaitText("Password:")
            terminal.sendText("pass1234")
            terminal.sendKeys("Enter")
            terminal.awaitText("SIGNED UP zoe with a password of 8 characters")
            terminal.screen() shouldNotContain "pass1234"
            terminal.screen().contains("Password: ********") shouldBe true
            terminal.sendKeys("k")
            terminal.awaitText("MAIN MENU")

            terminal.sendKeys("l")
            terminal.awaitText("Page 1 of 2")
            terminal.sendKeys("n")
            terminal.awaitText("Page 2 of 2")
            terminal.awaitText("item number 50")
            terminal.screen() shouldNotContain "item number 27"
            terminal.sendKeys("p")
            terminal.awaitText("Page 1 of 2")
            terminal.sendKeys("q")
            terminal.awaitText("MAIN MENU")

            terminal.sendKeys("w")
            terminal.awaitText("Width: 100 Height: 30")
            terminal.resize(60, 20)
            terminal.awaitText("Width: 60 Height: 20")
            val rule = terminal.rows().first { it.startsWith("=") }
            rule shouldBe "=".repeat(59)
        }
    }

    test("TERM=vt100 gets the screens without colour; bold stays").config(enabledOrReasonIf = enabled) {
        InteropClients.requireAll()
        TmuxTerminal.telnet("127.0.0.1", server.port, width = 100, height = 30, term = "vt100").use { terminal ->
            terminal.awaitText("MAIN MENU")
            terminal.awaitText("Online: 42")
            terminal.sendKeys("c")
            terminal.awaitText("RED ORANGE BLUE")
            withClue("colour SGR codes on a vt100 screen") { colourCodes(terminal) shouldBe emptyList() }
        }
        TmuxTerminal.telnet("127.0.0.1", server.port, width = 100, height = 30, term = "xterm-256color").use { terminal ->
            terminal.awaitText("Online: 42")
            terminal.sendKeys("c")
            terminal.awaitText("RED ORANGE BLUE")
            withClue("colour SGR codes on an xterm-256color screen") { colourCodes(terminal).isNotEmpty() shouldBe true }
        }
    }
})

/** The colour parameters (foreground, background; defaults 39 and 49 left out) in the pane's `capture-pane -e -p`. */
private suspend fun colourCodes(terminal: TmuxTerminal): List<String> {
    val captured = withContext(Dispatchers.IO) {
        val process = ProcessBuilder("tmux", "-L", terminal.socketName, "capture-pane", "-e", "-p", "-t", "telnetkit")
            .redirectErrorStream(true).start()
        val text = process.inputStream.bufferedReader().readText()
        process.waitFor(10, TimeUnit.SECONDS)
        text
    }
    return Regex("\u001b\\[([0-9;:]*)m").findAll(captured).flatMap { it.groupValues[1].split(';', ':') }
        .filter { code -> code.toIntOrNull()?.let { it in 30..38 || it in 40..48 || it in 90..97 || it in 100..107 } == true }
        .toList()
}
