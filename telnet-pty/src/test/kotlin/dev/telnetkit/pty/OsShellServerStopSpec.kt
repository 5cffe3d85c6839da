package dev.telnetkit.pty

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.pty.PtySupport.BASH_PROMPT
import dev.telnetkit.pty.PtySupport.eventually
import dev.telnetkit.pty.PtySupport.pgrep
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.shouldShow
import dev.telnetkit.testkit.shouldShowPrompt
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/** A server stopping while a session is in the OS shell (the session is cancelled, its input never "ends"). */
class OsShellServerStopSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)

    test("stopping the server ends the program and everything it started, and the stop completes") {
        val server = telnetServer {
            port = 0
            osShell("shell") {
                command = PtySupport.bash
                runAs = PtySupport.testUser
                environment = PtySupport.bashEnvironment
                hangupGrace = 1.seconds
            }
        }.start()
        TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
            client shouldShowPrompt "> "
            client.sendLine("shell")
            client shouldShow BASH_PROMPT
            client.sendLine("sleep 4343.19")
            withClue("sleep started") { eventually { pgrep("sleep 4343.19").isNotEmpty() } shouldBe true }
            val stopped = withTimeoutOrNull(30.seconds) { server.stop(Duration.ZERO) } != null
            withClue("server.stop completed") { stopped shouldBe true }
            withClue("sleep 4343.19 still running after the server stopped") {
                eventually { pgrep("sleep 4343.19").isEmpty() } shouldBe true
            }
        }
    }
})
