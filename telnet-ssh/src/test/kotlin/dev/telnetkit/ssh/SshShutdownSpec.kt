package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds

/**
 * A graceful stop reaches SSH users as it reaches Telnet users: the shutdown notice on their
 * terminal, then the session ends and the client exits; the server's own hooks run.
 */
class SshShutdownSpec : FunSpec({
    sshTest("stop() tells an interactive SSH session and ends it; the client exits") {
        val dir = Files.createTempDirectory("ssh-stop")
        val ended = java.util.concurrent.CountDownLatch(1)
        val server = telnetServer {
            port = 0
            prompt = "ssh> "
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                password { _, password -> password == "pw" }
            }
            onSessionEnd { ended.countDown() }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        val ssh = OpenSsh(server.portOf("ssh"))
        val out = Files.createTempFile(dir, "out", ".txt")
        val command = listOf("sshpass", "-p", "pw") + ssh.command("u", listOf("-tt", "-o", "PreferredAuthentications=password,keyboard-interactive", "-o", "PubkeyAuthentication=no"))
        val process = ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(true).start()
        try {
            // Wait for the prompt: the session is up.
            val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20)
            while (!Files.readString(out).contains("ssh> ") && System.nanoTime() < deadline) Thread.sleep(50)
            Files.readString(out) shouldContain "ssh> "
            server.stop()
            withContext(Dispatchers.IO) { process.waitFor(20, TimeUnit.SECONDS) }.shouldBeTrue()
            Files.readString(out) shouldContain "The server is shutting down."
            ended.await(5, TimeUnit.SECONDS).shouldBeTrue()
        } finally {
            process.destroyForcibly()
            server.stop()
        }
    }
})
