package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import org.apache.sshd.client.SshClient
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The server's session limits count SSH and Telnet sessions together, and a refused SSH client is told and gets a failure status. */
class SshLimitsSpec : FunSpec({
    sshTest("with maxSessions = 1, a Telnet session leaves no room for an SSH one, and the other way round") {
        val dir = Files.createTempDirectory("ssh-limits")
        val server = telnetServer {
            port = 0
            maxSessions = 1
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                password { _, password -> password == "pw" }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        val ssh = OpenSsh(server.portOf("ssh"))
        try {
            TelnetTestClient.connect("127.0.0.1", server.port).use { telnet ->
                telnet.awaitText("> ")
                val refused = ssh.run("u", listOf("echo", "hi"), password = "pw")
                refused.stdout shouldContain "Server busy, try later."
                refused.exitCode shouldBe 1
            }
            withTimeout(10.seconds) { while (server.sessions.isNotEmpty()) delay(20.milliseconds) }
            val client = SshClient.setUpDefaultClient().apply { start() }
            try {
                val session = client.connect("u", "127.0.0.1", server.portOf("ssh")).verify(Duration.ofSeconds(20)).session
                session.addPasswordIdentity("pw")
                session.auth().verify(Duration.ofSeconds(20))
                val shell = session.createShellChannel().apply { out = ByteArrayOutputStream(); err = ByteArrayOutputStream() }
                shell.open().verify(Duration.ofSeconds(20))
                withTimeout(10.seconds) { while (server.sessions.isEmpty()) delay(20.milliseconds) }
                TelnetTestClient.connect("127.0.0.1", server.port).use { telnet -> telnet.awaitText("Server busy, try later.") }
                ssh.run("u", listOf("echo", "hi"), password = "pw").exitCode shouldBe 1
            } finally {
                client.stop()
            }
        } finally {
            server.stop()
        }
    }
})
