package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * One logged-in connection opens session channels and never starts a command in them: each could
 * hold a window of input (256 KiB) before any session limit sees it, so their number is bounded.
 */
class SshHostileChannelsSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-channels")

    sshTest("a connection cannot open session channels without bound") {
        val server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                password { user, password -> user == "alice" && password == "secret" }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        }.start()
        val client = minaClient()
        try {
            client.login(server.portOf("ssh"), "alice", "secret").use { session ->
                var opened = 0
                for (i in 0 until 200) {
                    // A bare session channel: no shell or exec request, so no TelnetKit session (nor its limits).
                    val channel = org.apache.sshd.client.channel.ChannelSession()
                    channel.out = ByteArrayOutputStream()
                    channel.err = ByteArrayOutputStream()
                    session.getService(org.apache.sshd.common.session.ConnectionService::class.java).registerChannel(channel)
                    val ok = runCatching { channel.open().verify(Duration.ofSeconds(10)).isOpened }.getOrDefault(false)
                    if (!ok) break
                    opened++
                }
                println("session channels one connection could open: $opened of 200 tried")
                // The bound is 10; MINA's check lets one channel past it (11 opened).
                opened shouldBeLessThanOrEqual 11
            }
            // Other connections are not affected.
            OpenSsh(server.portOf("ssh")).run("alice", listOf("echo", "hi"), password = "secret").stdout shouldBe "hi\n"
        } finally {
            client.stop()
            server.stop()
        }
    }
})
