package dev.telnetkit.interop

import dev.telnetkit.server.onTestTransport
import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

class InetutilsTelnetInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)

    test("inetutils telnet in tmux reports its TERM and pane size, gets answers on screen, and resizes live").config(
        enabledOrReasonIf = { InteropClients.skipReason()?.let { Enabled.disabled(it) } ?: Enabled.enabled },
    ) {
        InteropClients.requireAll()

        val seen = CompletableDeferred<Session>()
        val server = TelnetServer(
            ServerSettings(port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(60)).onTestTransport(),
        ) { s ->
            seen.complete(s)
            while (true) {
                val line = s.readLine("interop> ") ?: break
                s.writeLine("answer: ${line.uppercase()}")
            }
        }.start()
        try {
            TmuxTerminal.telnet("127.0.0.1", server.port, width = 100, height = 30).use { terminal ->
                val session = withTimeout(20.seconds) { seen.await() }
                terminal.awaitText("interop>") // capture-pane drops trailing blanks

                val pane = terminal.paneSize()
                println("inetutils telnet: terminalType=${session.terminalType} terminalTypes=${session.terminalTypes} " +
                    "size=${session.size} pane=$pane environment=${session.environment.keys} encoding=${session.encoding} " +
                    "serverEchoes=${session.serverEchoes}")
                session.terminalType shouldBe "xterm-256color"
                withClue("tmux pane size") { pane shouldBe TerminalSize(100, 30) }
                session.size shouldBe pane

                terminal.sendText("hello interop")
                terminal.sendKeys("Enter")
                terminal.awaitText("answer: HELLO INTEROP")

                terminal.resize(120, 40)
                val resized = terminal.paneSize()
                withClue("tmux pane size after resize-window") { resized shouldBe TerminalSize(120, 40) }
                val followed = withTimeoutOrNull(10.seconds) {
                    while (session.size != resized) delay(20.milliseconds)
                    true
                }
                withClue("session size after the pane became $resized (NAWS live)") { followed shouldBe true }
                session.size shouldBe resized

                terminal.sendText("again")
                terminal.sendKeys("Enter")
                terminal.awaitText("answer: AGAIN")
            }
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }
})
