package dev.telnetkit.shell

import dev.telnetkit.server.serverFixture
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlin.time.Duration.Companion.seconds

/** CommandShell.replaceCommands: a running shell's commands swapped under live sessions. */
class ReplaceCommandsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    test("the next command line runs the new commands, and the session stays connected") {
        val shell = CommandShell(ShellSettings(listOf(command("greet") { it.writeResponse("old hello") })))
        val server = fixture.start(dev.telnetkit.server.testSettings(), shell)
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT)
        client.sendLine("greet")
        client.awaitPrompt(PROMPT) shouldContain "old hello"

        shell.replaceCommands(listOf(command("greet") { it.writeResponse("new hello") }, command("extra") { it.writeResponse("extra ran") }))
        shell.commands.map { it.name } shouldBe listOf("greet", "extra")
        client.sendLine("greet")
        client.awaitPrompt(PROMPT) shouldContain "new hello"
        client.sendLine("extra")
        client.awaitPrompt(PROMPT) shouldContain "extra ran"
        server.sessions.size shouldBe 1
    }

    test("a command running during the swap finishes as it was") {
        val release = CompletableDeferred<Unit>()
        val started = CompletableDeferred<Unit>()
        val shell = CommandShell(ShellSettings(listOf(command("slow") { started.complete(Unit); release.await(); it.writeResponse("slow done") })))
        val server = fixture.start(dev.telnetkit.server.testSettings(), shell)
        val client = fixture.connect(server)
        client.awaitPrompt(PROMPT)
        client.sendLine("slow")
        started.await()
        shell.replaceCommands(listOf(command("fast") { it.writeResponse("fast done") }))
        release.complete(Unit)
        client.awaitPrompt(PROMPT) shouldContain "slow done"
        client.sendLine("slow")
        client.awaitPrompt(PROMPT) shouldContain "Unknown command 'slow'"
        client.sendLine("fast")
        client.awaitPrompt(PROMPT) shouldContain "fast done"
    }

    test("commands that clash are refused and the old ones stay") {
        val shell = CommandShell(ShellSettings(listOf(command("a") { it.writeResponse("a") })))
        shouldThrow<IllegalArgumentException> {
            shell.replaceCommands(listOf(command("b") { }, command("B") { }))
        }
        shouldThrow<IllegalArgumentException> { shell.replaceCommands(listOf(command("help") { })) }
        shell.commands.map { it.name } shouldBe listOf("a")
    }
})
