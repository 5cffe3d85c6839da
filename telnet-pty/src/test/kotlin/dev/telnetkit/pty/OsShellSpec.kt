package dev.telnetkit.pty

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.pty.PtySupport.BASH_PROMPT
import dev.telnetkit.pty.PtySupport.eventually
import dev.telnetkit.pty.PtySupport.pgrep
import dev.telnetkit.testkit.TerminalProfile
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import dev.telnetkit.testkit.shouldShow
import dev.telnetkit.testkit.shouldShowPrompt
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldNotBeEmpty
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration.Companion.seconds

/**
 * The OS shell over real Telnet connections: a bash in a PTY bound to the session. When the tests run
 * as root (CI) the shells run as `nobody`, as the "never as root by default" rule asks.
 */
class OsShellSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)

    val server = install(
        TelnetServerExtension {
            telnetServer {
                port = 0
                osShell("shell") {
                    command = PtySupport.bash
                    runAs = PtySupport.testUser
                    environment = PtySupport.bashEnvironment
                    passEnvironment = setOf("ALLOWED_Y")
                    hangupGrace = 1.seconds
                }
                // Configured like a careless server author would: as root this must be refused.
                osShell("rootshell") { command = PtySupport.bash }
                // The explicit way to run as root.
                osShell("rootok") {
                    command = PtySupport.bash
                    allowRoot = true
                    environment = PtySupport.bashEnvironment
                }
                // The last command's exit status shows in the prompt, as in a Unix shell's "$?".
                prompt { session -> "[${session.exitStatus}]> " }
            }
        },
    )

    test("stty size inside the shell prints the client's NAWS size, and a resize updates it") {
        val client = server.connect(TerminalProfile(width = 100, height = 30))
        client shouldShowPrompt "> "
        client.sendLine("shell")
        client shouldShow BASH_PROMPT
        client.sendLine("echo SIZE=\$(stty size)")
        client shouldShow "SIZE=30 100"
        client.resize(120, 40)
        // The resize reaches the PTY asynchronously: ask until it shows (a lost resize fails here).
        val seen = eventually(10.seconds) {
            client.sendLine("echo SIZE=\$(stty size)")
            runCatching { client.awaitText("SIZE=40 120", 1.seconds) }.isSuccess
        }
        withClue("stty size after NAWS 120x40") { seen shouldBe true }
        client.sendLine("exit")
        client shouldShow "[OS shell ended, exit status 0]"
    }

    test("TERM comes from the client's terminal type; client variables pass only when allow-listed; the shell runs as the configured user") {
        val client = server.connect(TerminalProfile(environment = mapOf("ALLOWED_Y" to "ok", "SECRET_X" to "leak")))
        client shouldShowPrompt "> "
        client.sendLine("shell")
        client shouldShow BASH_PROMPT
        client.sendLine("echo T=\$TERM. X=[\$SECRET_X] Y=[\$ALLOWED_Y] U=\$(id -un) C=\$COLUMNS")
        client shouldShow "T=xterm-256color. X=[] Y=[ok] U=${PtySupport.testUser ?: System.getProperty("user.name")} C=80"
        client.sendLine("exit")
        client shouldShow "[OS shell ended, exit status 0]"
    }

    test("Ctrl-C and Telnet IP interrupt the running program with SIGINT, and the shell goes on") {
        val client = server.connect()
        client shouldShowPrompt "> "
        client.sendLine("shell")
        client shouldShow BASH_PROMPT
        client.sendLine("sleep 100.101")
        withClue("sleep started") { eventually { pgrep("sleep 100.101").isNotEmpty() } shouldBe true }
        client.send("\u0003")
        client shouldShow BASH_PROMPT
        client.sendLine("echo RC=\$?")
        client shouldShow "RC=130"
        pgrep("sleep 100.101").shouldBeEmpty()

        client.sendLine("sleep 100.102")
        withClue("second sleep started") { eventually { pgrep("sleep 100.102").isNotEmpty() } shouldBe true }
        client.sendCommand(TelnetCommand.IP)
        client shouldShow BASH_PROMPT
        client.sendLine("echo RC2=\$?")
        client shouldShow "RC2=130"
        client.sendLine("exit")
        client shouldShow "[OS shell ended, exit status 0]"
    }

    test("exit 3 ends the OS shell and returns to the TelnetKit shell with status 3") {
        val client = server.connect()
        client shouldShowPrompt "> "
        client.sendLine("shell")
        client shouldShow BASH_PROMPT
        client.sendLine("exit 3")
        client shouldShow "[OS shell ended, exit status 3]"
        client shouldShowPrompt "[3]> "
    }

    test("closing the client kills the program and everything it started, and pty4j's threads end") {
        val client = server.connect()
        client shouldShowPrompt "> "
        client.sendLine("shell")
        client shouldShow BASH_PROMPT
        client.sendLine("sleep 4242.17")
        withClue("sleep started") { eventually { pgrep("sleep 4242.17").isNotEmpty() } shouldBe true }
        val shells = pgrep("bash --norc --noprofile")
        shells.shouldNotBeEmpty()
        withClue("a pty4j reaper thread while the shell runs") { ptyReapers().shouldNotBeEmpty() }
        client.close()
        withClue("sleep 4242.17 still running after the client left") { eventually { pgrep("sleep 4242.17").isEmpty() } shouldBe true }
        withClue("the bash still running after the client left") {
            eventually { shells.none { pid -> ProcessHandle.of(pid).map { it.isAlive }.orElse(false) } } shouldBe true
        }
        withClue("pty4j reaper threads still running") {
            eventually { ptyReapers().isEmpty() } shouldBe true
        }
    }

    test("as root, a shell configured without runAs or allowRoot is refused with a clear message").config(
        enabledOrReasonIf = { if (PtySupport.asRoot) Enabled.enabled else Enabled.disabled("the tests do not run as root") },
    ) {
        val client = server.connect()
        client shouldShowPrompt "> "
        client.sendLine("rootshell")
        client shouldShow "The OS shell is not available."
        client shouldShowPrompt "[${OsShell.REFUSED}]> "
        client.output shouldNotContain BASH_PROMPT
    }

    test("allowRoot = true, set explicitly, lets the shell run as the server's user, root included") {
        val client = server.connect()
        client shouldShowPrompt "> "
        client.sendLine("rootok")
        client shouldShow BASH_PROMPT
        client.sendLine("echo UID=\$(id -u)")
        client shouldShow "UID=${ServerProcess.effectiveUid}"
        client.sendLine("exit")
        client shouldShow "[OS shell ended, exit status 0]"
    }

    test("no command configured is a configuration error when the server is built") {
        val error = shouldThrow<IllegalArgumentException> {
            telnetServer {
                port = 0
                osShell("shell") { runAs = "nobody" }
            }
        }
        error.message shouldContain "no command configured"
    }
})

/** pty4j's per-process waiting threads that are alive now. */
private fun ptyReapers(): List<Thread> =
    Thread.getAllStackTraces().keys.filter { it.isAlive && it.javaClass.name == "com.pty4j.unix.UnixPtyProcess\$Reaper" }
