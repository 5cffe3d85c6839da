package dev.telnetkit.ssh

import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import kotlin.time.Duration.Companion.seconds

/** Data larger than the SSH window, both ways, arrives whole and in order; the client's environment reaches the session. */
class SshStreamsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    val dir = Files.createTempDirectory("ssh-streams")
    lateinit var server: TelnetServer
    lateinit var ssh: OpenSsh

    beforeSpec {
        server = aliceServer(dir) {
            command("lines") { run { args -> for (i in 1..args[0].toInt()) writeLine("line $i of the output, padded to be a little longer") } }
            command("env") {
                run { writeLine("GREETING=${userEnvironment["GREETING"]} USER=${environment["USER"]} user USER=${userEnvironment["USER"]} name=$username") }
            }
        }.start()
        ssh = OpenSsh(server.portOf("ssh"))
    }
    afterSpec { server.stop() }

    sshTest("an exec command's output of several megabytes arrives whole and in order") {
        val n = 60_000
        val result = ssh.run("alice", listOf("lines", n.toString()), password = "secret", timeoutSeconds = 90)
        result.exitCode shouldBe 0
        val lines = result.stdout.removeSuffix("\n").split('\n')
        lines.size shouldBe n
        lines.withIndex().firstOrNull { (i, l) -> l != "line ${i + 1} of the output, padded to be a little longer" } shouldBe null
    }

    sshTest("ssh -T input larger than the SSH window is all read, line by line") {
        val n = 20_000
        val input = (1..n).joinToString("") { "echo input line number $it\n" }
        withClue("the input is larger than the 256 KiB window") { (input.length > 256 * 1024) shouldBe true }
        val result = ssh.run("alice", emptyList(), password = "secret", extra = listOf("-T"), input = input, timeoutSeconds = 90)
        result.exitCode shouldBe 0
        val answers = result.stdout.lines().map { it.removePrefix("> ") }.filter { it.startsWith("input line number ") }
        answers.size shouldBe n
        answers.withIndex().firstOrNull { (i, l) -> l != "input line number ${i + 1}" } shouldBe null
    }

    sshTest("SetEnv variables reach the session's userEnvironment; an env request for USER cannot replace the login") {
        val result = ssh.run("alice", listOf("env"), password = "secret", extra = listOf("-o", "SetEnv=GREETING=hello USER=root"))
        withClue(result) {
            result.exitCode shouldBe 0
            result.stdout shouldBe "GREETING=hello USER=alice user USER=null name=alice\n"
        }
    }
})
