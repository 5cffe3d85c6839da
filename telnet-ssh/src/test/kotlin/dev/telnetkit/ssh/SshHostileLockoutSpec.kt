package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/**
 * Password guessing over SSH meets the server's per-address login lockout, the one the Telnet login
 * has: failures on either side count together, and a locked-out address is refused on both, even
 * with the right password.
 */
class SshHostileLockoutSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-lockout")

    suspend fun serve(): TelnetServer = telnetServer {
        port = 0
        prompt = "> "
        login(lockoutThreshold = 3, lockoutWindow = 10.minutes, lockoutDuration = 10.minutes, failureDelay = 10.milliseconds, maxAttempts = 5) { user, password ->
            user == "alice" && password == "secret"
        }
        ssh {
            port = 0
            hostKey = dir.resolve("host.key")
            failureDelay = 10.milliseconds
            password { user, password -> user == "alice" && password == "secret" }
        }
        command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
    }.start()

    /** One Telnet login attempt on a new connection; what the server said after the password. */
    suspend fun telnetLogin(server: TelnetServer, password: String): String =
        TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
            val greeting = client.awaitRegex(Regex("Username: |Too many failed logins"), 10.seconds)
            if (greeting.value != "Username: ") return client.output
            client.sendLine("alice")
            client.awaitPrompt("Password: ")
            client.sendLine(password)
            client.awaitRegex(Regex("> |Login incorrect\\.|Too many failed logins"), 10.seconds)
            client.output
        }

    sshTest("wrong SSH passwords lock the address out: then the right one is refused over SSH, and the Telnet login too") {
        val server = serve()
        try {
            val ssh = OpenSsh(server.portOf("ssh"))
            // It works before.
            ssh.run("alice", listOf("echo", "before"), password = "secret").stdout shouldBe "before\n"

            repeat(3) {
                val guess = ssh.run("alice", listOf("echo", "hi"), password = "guess$it")
                guess.exitCode shouldBe 255
                guess.stderr shouldContain "Permission denied"
            }
            // Locked: the right password is refused too, over SSH...
            val right = ssh.run("alice", listOf("echo", "hi"), password = "secret")
            println("SSH with the right password after 3 failures: exit ${right.exitCode}, ${right.stderr.trim()}")
            right.exitCode shouldBe 255
            right.stdout shouldBe ""
            // ...and over Telnet, where the lockout was never touched.
            val telnet = telnetLogin(server, "secret")
            println("Telnet login after SSH failures: ${telnet.trim().lines().last()}")
            telnet shouldContain "Too many failed logins from your address"
            telnet shouldNotContain "> "
        } finally {
            server.stop()
        }
    }

    sshTest("failed Telnet logins lock SSH out of the address too") {
        val server = serve()
        try {
            val ssh = OpenSsh(server.portOf("ssh"))
            ssh.run("alice", listOf("echo", "before"), password = "secret").stdout shouldBe "before\n"
            repeat(3) { telnetLogin(server, "guess$it") shouldContain "Login incorrect." }

            val right = ssh.run("alice", listOf("echo", "hi"), password = "secret")
            println("SSH with the right password after 3 Telnet failures: exit ${right.exitCode}, ${right.stderr.trim()}")
            right.exitCode shouldBe 255
            right.stdout shouldBe ""
            telnetLogin(server, "secret") shouldContain "Too many failed logins from your address"
        } finally {
            server.stop()
        }
    }

    sshTest("a mix of SSH and Telnet failures counts together") {
        val server = serve()
        try {
            val ssh = OpenSsh(server.portOf("ssh"))
            // Two over SSH, one over Telnet: 3 in all, the threshold; neither side alone reached it.
            repeat(2) { ssh.run("alice", listOf("echo", "hi"), password = "guess$it").exitCode shouldBe 255 }
            telnetLogin(server, "guess") shouldContain "Login incorrect."
            ssh.run("alice", listOf("echo", "hi"), password = "secret").exitCode shouldBe 255
            telnetLogin(server, "secret") shouldContain "Too many failed logins from your address"
        } finally {
            server.stop()
        }
    }
})
