package dev.telnetkit.chat

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * The operator's message as a real user sees it: GNU inetutils telnet in a tmux pane, half a line
 * typed at the shell prompt, then `capture-pane` shows the message above and the half line at the
 * prompt below it, with the cursor at its end. Skipped unless telnet and tmux are installed (fails
 * instead with TELNETKIT_REQUIRE_INTEROP=1).
 */
class OperatorMessageInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val skip = InteropClients.skipReason()

    test("inetutils telnet: the operator message lands above the half-typed line, which stays at the prompt")
        .config(enabledOrReasonIf = { skip?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll()
            val rooms = ChatRooms.create()
            val server = telnetServer {
                host = "127.0.0.1"
                port = 0
                prompt = "bbs> "
                onSessionStart { rooms.register(this) }
                chat(rooms)
            }.start()
            var terminal: TmuxTerminal? = null
            try {
                val t = TmuxTerminal.telnet("127.0.0.1", server.port, 80, 24).also { terminal = it }
                t.awaitScreen { screen -> screen.lines().any { it.startsWith("bbs>") } }
                val name = rooms.who().single().name
                t.sendText("say half of what I me")
                t.awaitText("bbs> say half of what I me")

                rooms.messageUser(name, "the server restarts in 5 minutes") shouldBe true

                val rows = t.awaitScreen { screen ->
                    val lines = screen.lines()
                    val at = lines.indexOf("!! sysop: the server restarts in 5 minutes")
                    at >= 0 && lines.getOrNull(at + 1) == "bbs> say half of what I me"
                }.lines()
                val row = rows.indexOf("bbs> say half of what I me")
                t.cursor() shouldBe TmuxTerminal.Cursor("bbs> say half of what I me".length, row)

                t.sendText("ant")
                t.sendKeys("Enter")
                t.awaitText("[lobby] <$name> half of what I meant")
            } finally {
                withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
                terminal?.close()
            }
        }
})
