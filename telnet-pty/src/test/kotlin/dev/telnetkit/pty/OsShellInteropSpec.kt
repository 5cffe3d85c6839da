package dev.telnetkit.pty

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.pty.PtySupport.BASH_PROMPT
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/** The OS shell behind a real client: GNU inetutils telnet in a tmux window. */
class OsShellInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)

    test("stty size in the OS shell matches the tmux window, and tmux resize-window changes it").config(
        enabledOrReasonIf = { InteropClients.skipReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled },
    ) {
        InteropClients.requireAll()
        val server = telnetServer {
            port = 0
            osShell("shell") {
                command = PtySupport.bash
                runAs = PtySupport.testUser
                environment = PtySupport.bashEnvironment
                hangupGrace = 1.seconds
            }
        }.start()
        try {
            TmuxTerminal.telnet("127.0.0.1", server.port, width = 100, height = 30).use { terminal ->
                terminal.awaitText(">")
                terminal.sendText("shell")
                terminal.sendKeys("Enter")
                terminal.awaitText(BASH_PROMPT.trim())
                terminal.sendText("echo SIZE=\$(stty size)")
                terminal.sendKeys("Enter")
                terminal.awaitText("SIZE=30 100")

                terminal.resize(120, 40)
                withClue("tmux pane after resize-window") { terminal.paneSize() shouldBe TerminalSize(120, 40) }
                // NAWS travels to the server and on to the PTY: ask until the new size shows.
                val seen = PtySupport.eventually(20.seconds) {
                    terminal.sendText("echo SIZE=\$(stty size)")
                    terminal.sendKeys("Enter")
                    runCatching { terminal.awaitText("SIZE=40 120", 2.seconds) }.isSuccess
                }
                withClue("stty size after the tmux window became 120x40") { seen shouldBe true }

                terminal.sendText("exit 5")
                terminal.sendKeys("Enter")
                terminal.awaitText("[OS shell ended, exit status 5]")
            }
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }
})
