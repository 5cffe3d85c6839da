package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import org.apache.sshd.client.SshClient
import org.apache.sshd.client.channel.ClientChannel
import org.apache.sshd.client.session.ClientSession
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * SSH sessions hold no thread each: the shell runs as MINA's asynchronous command and the session
 * on TelnetKit's shared threads. A hundred open shells leave the process's thread count about
 * where it was (MINA's client, in the same process, holds none per session either).
 */
class SshThreadsSpec : FunSpec({
    test("a hundred open SSH shells add no thread per session") {
        val dir = Files.createTempDirectory("ssh-threads")
        val server = telnetServer {
            port = 0
            maxSessionsPerAddress = 1000
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                maxUnauthenticatedPerAddress = 1000
                usernameOnly { true }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        val client = SshClient.setUpDefaultClient().apply { start() }
        val sessions = mutableListOf<ClientSession>()
        val channels = mutableListOf<ClientChannel>()
        try {
            fun open() {
                val session = client.connect("user", "127.0.0.1", server.portOf("ssh")).verify(Duration.ofSeconds(20)).session
                session.auth().verify(Duration.ofSeconds(20))
                val shell = session.createShellChannel()
                shell.out = ByteArrayOutputStream()
                shell.err = ByteArrayOutputStream()
                shell.open().verify(Duration.ofSeconds(20))
                sessions += session
                channels += shell
            }
            // Warm up both sides (MINA's worker threads start on first use), then count.
            repeat(5) { open() }
            withTimeout(20.seconds) { while (server.sessions.size < 5) delay(20.milliseconds) }
            val before = Thread.activeCount()
            repeat(100) { open() }
            withTimeout(30.seconds) { while (server.sessions.size < 105) delay(20.milliseconds) }
            server.sessions.size shouldBe 105
            server.sessions.all { it.transport == "ssh" } shouldBe true
            (Thread.activeCount() - before) shouldBeLessThan 20
        } finally {
            channels.forEach { runCatching { it.close(true) } }
            sessions.forEach { runCatching { it.close(true) } }
            client.stop()
            server.stop()
        }
    }
})
