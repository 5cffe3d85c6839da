package dev.telnetkit.ssh

import dev.telnetkit.server.TelnetServer
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Port forwarding and subsystems are refused by default, as the real OpenSSH client sees it. */
class SshForwardingSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val dir = Files.createTempDirectory("ssh-forwarding")
    lateinit var server: TelnetServer
    lateinit var ssh: OpenSsh

    beforeSpec {
        server = aliceServer(dir).start()
        ssh = OpenSsh(server.portOf("ssh"))
    }
    afterSpec { server.stop() }

    sshTest("-R remote forwarding is refused: ssh -N with ExitOnForwardFailure fails") {
        val result = ssh.run("alice", emptyList(), password = "secret", extra = listOf("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:9"))
        withClue(result) {
            result.exitCode shouldNotBe 0
            result.stderr shouldContain "forwarding failed"
        }
    }

    sshTest("-L local forwarding: the client listens, but the server refuses the channel") {
        val localPort = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
        val err = Files.createTempFile(dir, "ssh-L", ".err")
        val cmd = listOf("sshpass", "-p", "secret") + ssh.command(
            "alice",
            listOf(
                "-N", "-L", "127.0.0.1:$localPort:127.0.0.1:9",
                "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
            ),
            // ssh tells a refused channel at INFO ("channel N: open failed: ..."), below the usual ERROR.
        ).map { if (it == "LogLevel=ERROR") "LogLevel=INFO" else it }
        val process = ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start()
        try {
            // Wait for the client's listener (it opens it once logged in).
            val socket = withTimeout(20.seconds) {
                var connected: Socket? = null
                while (connected == null) {
                    withClue("ssh exited early: ${Files.readString(err)}") { process.isAlive shouldBe true }
                    connected = withContext(Dispatchers.IO) {
                        try {
                            Socket().apply { connect(InetSocketAddress("127.0.0.1", localPort), 1000) }
                        } catch (_: IOException) {
                            null
                        }
                    }
                    if (connected == null) delay(50.milliseconds)
                }
                connected!!
            }
            socket.use {
                it.soTimeout = 20_000
                // The refused channel closes the forwarded connection: end of stream, no data.
                withContext(Dispatchers.IO) { it.getInputStream().read() } shouldBe -1
            }
            val stderr = withTimeoutOrNull(20.seconds) {
                var text = Files.readString(err)
                while ("open failed" !in text) { delay(20.milliseconds); text = Files.readString(err) }
                text
            } ?: Files.readString(err)
            stderr shouldContain "open failed"
            stderr shouldContain "administratively prohibited"
        } finally {
            process.destroy()
            process.waitFor()
        }
    }

    sshTest("the sftp subsystem is refused") {
        val result = ssh.run("alice", listOf("sftp"), password = "secret", extra = listOf("-s"))
        withClue(result) {
            result.exitCode shouldNotBe 0
            result.stderr shouldContain "subsystem request failed"
        }
    }
})
