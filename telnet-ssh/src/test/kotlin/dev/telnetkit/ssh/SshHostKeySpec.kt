package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.throwables.shouldThrowAny
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import kotlin.time.Duration.Companion.seconds

/** The host key file: the same key across restarts (OpenSSH's strict checking agrees), owner-only, never replaced when unreadable. */
class SshHostKeySpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val dir = Files.createTempDirectory("ssh-hostkey")

    fun server(hostKey: Path): TelnetServer = telnetServer {
        port = 0
        ssh {
            port = 0
            this.hostKey = hostKey
            password { user, password -> user == "alice" && password == "secret" }
        }
        command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
    }

    // The ports differ between the runs: the known_hosts entry is kept under one alias.
    val alias = listOf("-o", "HostKeyAlias=telnetkit-test")

    sshTest("a new server with the same host key file passes OpenSSH's strict host key check; one with another key fails it") {
        val keyFile = dir.resolve("keys/host.key")
        val home = Files.createTempDirectory("ssh-hostkey-client")
        val first = server(keyFile).start()
        try {
            val result = OpenSsh(first.portOf("ssh"), home).run("alice", listOf("echo", "one"), password = "secret", extra = alias)
            withClue(result) { result.exitCode shouldBe 0; result.stdout shouldBe "one\n" }
        } finally {
            first.stop()
        }
        val knownHosts = home.resolve("known_hosts")
        Files.readString(knownHosts) shouldContain "telnetkit-test ssh-ed25519 "
        withClue("the key file is readable by its owner only") {
            PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)) shouldBe "rw-------"
        }
        val keyBytes = Files.readAllBytes(keyFile)

        val second = server(keyFile).start()
        try {
            val result = OpenSsh(second.portOf("ssh"), home).run("alice", listOf("echo", "two"), password = "secret", extra = alias, strictHostKey = true)
            withClue(result) { result.exitCode shouldBe 0; result.stdout shouldBe "two\n" }
        } finally {
            second.stop()
        }
        Files.readAllBytes(keyFile) shouldBe keyBytes

        // The check means something: a server with another key is refused under the same alias.
        val stranger = server(dir.resolve("other.key")).start()
        try {
            val result = OpenSsh(stranger.portOf("ssh"), home).run("alice", listOf("echo", "three"), password = "secret", extra = alias, strictHostKey = true)
            withClue(result) {
                result.exitCode shouldBe 255
                result.stderr shouldContain "Host key verification failed"
                result.stdout shouldBe ""
            }
        } finally {
            stranger.stop()
        }
    }

    sshTest("a corrupt host key file stops start() with a message naming it, and is left as it was") {
        val keyFile = dir.resolve("corrupt.key")
        val garbage = "this is not a private key\n".toByteArray() + ByteArray(64) { (it * 7).toByte() }
        Files.write(keyFile, garbage)
        val built = server(keyFile)
        val error = shouldThrowAny { built.start() }
        val messages = generateSequence(error) { it.cause }.mapNotNull { it.message }.toList()
        withClue("messages: $messages") {
            messages.any { keyFile.toAbsolutePath().toString() in it } shouldBe true
            messages.joinToString("\n") shouldContain "host key"
        }
        Files.readAllBytes(keyFile) shouldBe garbage
    }

    sshTest("a host key file that is not there yet is made, and its directory with it") {
        val keyFile = dir.resolve("fresh/sub/host.key")
        val s = server(keyFile).start()
        try {
            Files.exists(keyFile) shouldBe true
            Files.size(keyFile) shouldNotBe 0L
        } finally {
            s.stop()
        }
    }
})
