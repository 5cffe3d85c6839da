package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** A logged-in connection with no session open (`ssh -N`) is not held forever: it is closed after authTimeout. */
class SshIdleConnectionSpec : FunSpec({
    sshTest("ssh -N is disconnected once it has had no session for authTimeout") {
        val dir = Files.createTempDirectory("ssh-idle")
        val server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                authTimeout = 2.seconds
                failureDelay = 10.milliseconds
                password { _, password -> password == "pw" }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        try {
            val ssh = OpenSsh(server.portOf("ssh"))
            // Without the limit this ssh would run until its own timeout (30 s) and fail the run.
            val result = ssh.run("u", emptyList(), password = "pw", extra = listOf("-N"), timeoutSeconds = 20)
            result.exitCode shouldNotBe 0 // the server closed the connection under it
            // The server still serves.
            ssh.run("u", listOf("echo", "ok"), password = "pw").stdout shouldBe "ok\n"
        } finally {
            server.stop()
        }
    }
})
