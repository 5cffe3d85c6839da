package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry
import org.apache.sshd.common.config.keys.KeyUtils
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver
import java.nio.file.Files
import java.nio.file.Path
import java.security.PublicKey
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The ways in, with the real OpenSSH client: keys from ssh-keygen, keyboard-interactive through sshpass, a name alone. */
class SshAuthenticationSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val dir = Files.createTempDirectory("ssh-auth")
    val keys = OpenSsh(0, dir.resolve("keys").also { Files.createDirectories(it) })
    val alice = keys.keygen("alice")
    val other = keys.keygen("other")
    val servers = mutableListOf<TelnetServer>()

    fun publicKeyOf(privateKey: Path): PublicKey =
        AuthorizedKeyEntry.readAuthorizedKeys(Path.of("$privateKey.pub")).single().resolvePublicKey(null, PublicKeyEntryResolver.FAILING)!!

    suspend fun serverWith(configure: SshScope.() -> Unit): OpenSsh {
        val server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                configure()
            }
            command("whoami") { run { writeLine(username ?: "nobody") } }
        }.start()
        servers += server
        return OpenSsh(server.portOf("ssh"))
    }

    afterSpec { servers.forEach { it.stop() } }

    sshTest("a key from ssh-keygen listed in authorizedKeys logs in; another key is refused") {
        val authorized = dir.resolve("authorized_keys")
        Files.copy(Path.of("$alice.pub"), authorized)
        val ssh = serverWith { authorizedKeys = authorized }
        val ok = ssh.run("alice", listOf("whoami"), identity = alice)
        withClue(ok) { ok.exitCode shouldBe 0; ok.stdout shouldBe "alice\n" }
        val refused = ssh.run("alice", listOf("whoami"), identity = other)
        withClue(refused) {
            refused.exitCode shouldBe 255
            refused.stderr shouldContain "Permission denied"
            refused.stdout shouldBe ""
        }
    }

    sshTest("a publicKey callback accepts the key it knows and refuses another") {
        val expected = publicKeyOf(alice)
        val asked = Collections.synchronizedList(ArrayList<String>())
        val ssh = serverWith {
            publicKey { user, key ->
                asked += user
                user == "alice" && KeyUtils.compareKeys(key, expected)
            }
        }
        val ok = ssh.run("alice", listOf("whoami"), identity = alice)
        withClue(ok) { ok.exitCode shouldBe 0; ok.stdout shouldBe "alice\n" }
        asked shouldContain "alice"
        val refused = ssh.run("alice", listOf("whoami"), identity = other)
        withClue(refused) {
            refused.exitCode shouldBe 255
            refused.stderr shouldContain "Permission denied"
        }
    }

    sshTest("keyboard-interactive alone: sshpass answers the Password: prompt") {
        val answers = Collections.synchronizedList(ArrayList<List<String>>())
        val ssh = serverWith {
            keyboardInteractive { user, given ->
                answers += given
                user == "bob" && given == listOf("open sesame")
            }
        }
        val ok = ssh.run("bob", listOf("whoami"), password = "open sesame")
        withClue(ok) { ok.exitCode shouldBe 0; ok.stdout shouldBe "bob\n" }
        answers shouldContain listOf("open sesame")
        val refused = ssh.run("bob", listOf("whoami"), password = "wrong")
        withClue(refused) {
            refused.exitCode shouldBe 255
            refused.stderr shouldContain "Permission denied"
        }
    }

    sshTest("username-only lets guest in with BatchMode and no credential, and nobody else") {
        val ssh = serverWith { usernameOnly { it == "guest" } }
        val ok = ssh.run("guest", listOf("whoami"))
        withClue(ok) { ok.exitCode shouldBe 0; ok.stdout shouldBe "guest\n" }
        val refused = ssh.run("mallory", listOf("whoami"))
        withClue(refused) {
            refused.exitCode shouldBe 255
            refused.stderr shouldContain "Permission denied"
        }
    }
})
