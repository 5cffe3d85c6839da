package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/** maxAuthTries bounds the authentication requests of one connection: the one past it is not heard. */
class SshAuthLimitsSpec : FunSpec({
    /** Logs in offering four wrong passwords, then the right one; true if it got in. */
    suspend fun loginAfterFourWrong(maxTries: Int): Boolean {
        val dir = Files.createTempDirectory("ssh-tries")
        val server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                maxAuthTries = maxTries
                failureDelay = 1.milliseconds
                password { _, password -> password == "right" }
            }
            // A lockout far away: only the per-connection bound is under test.
            login(lockoutThreshold = 1000) { _, _ -> false }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        val client = minaClient()
        try {
            val session = client.connect("u", "127.0.0.1", server.portOf("ssh")).verify(Duration.ofSeconds(20)).session
            for (password in listOf("w1", "w2", "w3", "w4", "right")) session.addPasswordIdentity(password)
            return runCatching { session.auth().verify(Duration.ofSeconds(30)) }.isSuccess && session.isAuthenticated
        } finally {
            client.stop()
            server.stop()
        }
    }

    test("with the default (10) the fifth password gets in") {
        loginAfterFourWrong(10).shouldBeTrue()
    }

    test("with maxAuthTries = 3 the connection is dropped before the fifth") {
        loginAfterFourWrong(3).shouldBeFalse()
    }
})
