package dev.telnetkit.ssh

import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** `ssh -T host`: a shell without a PTY, as scripts drive it: line by line, no echo, no ANSI, LF line ends. */
class SshNoPtySpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val dir = Files.createTempDirectory("ssh-nopty")
    lateinit var server: TelnetServer
    lateinit var ssh: OpenSsh

    beforeSpec {
        server = aliceServer(dir) {
            command("tty") { run { writeLine("$terminalType ${if (ansiEnabled) "ansi" else "plain"}") } }
        }.start()
        ssh = OpenSsh(server.portOf("ssh"))
    }
    afterSpec { server.stop() }

    sshTest("lines sent on stdin are run one by one; the output has no echo, no escape sequences and LF line ends") {
        val result = ssh.run("alice", emptyList(), password = "secret", extra = listOf("-T"), input = "echo one\necho two\ntty\n")
        withClue(result) {
            result.exitCode shouldBe 0
            result.stdout shouldNotContain "\r"
            result.stdout shouldNotContain "\u001b"
            result.stdout shouldNotContain "echo one"
            // No prompt without a terminal, as bash writes none: the output is the commands' alone.
            result.stdout shouldNotContain "> "
            result.stdout.lines() shouldContainInOrder listOf("one", "two", "dumb plain")
        }
    }

    sshTest("the shell answers each line as it comes (a conversation, not a batch)") {
        val cmd = listOf("sshpass", "-p", "secret") + ssh.command(
            "alice",
            listOf("-T", "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1"),
        )
        val process = ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        val out = ByteArrayOutputStream()
        val reader = thread(isDaemon = true) {
            val buf = ByteArray(4096)
            val input = process.inputStream
            while (true) {
                val n = input.read(buf)
                if (n < 0) break
                synchronized(out) { out.write(buf, 0, n) }
            }
        }
        suspend fun awaitOutput(text: String) = withTimeout(20.seconds) {
            while (text !in synchronized(out) { out.toString(Charsets.UTF_8) }) delay(20.milliseconds)
        }
        try {
            val stdin = process.outputStream
            stdin.write("echo first\n".toByteArray()); stdin.flush()
            awaitOutput("first\n")
            // The second line is sent only once the first was answered: the shell is live.
            stdin.write("echo second\n".toByteArray()); stdin.flush()
            awaitOutput("second\n")
            stdin.close()
            withContext(Dispatchers.IO) { process.waitFor(20, TimeUnit.SECONDS) } shouldBe true
            reader.join(5000)
            process.exitValue() shouldBe 0
            val text = synchronized(out) { out.toString(Charsets.UTF_8) }
            text shouldNotContain "\r"
            text shouldNotContain "echo first"
            text shouldContain "first\n"
            text shouldContain "second\n"
        } finally {
            process.destroyForcibly()
        }
    }
})

private infix fun List<String>.shouldContainInOrder(expected: List<String>) {
    var at = 0
    for (line in this) if (at < expected.size && line == expected[at]) at++
    withClue("lines $this should contain $expected in order") { at shouldBe expected.size }
}
