package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import org.apache.sshd.common.util.net.SshdSocketAddress
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.milliseconds

/**
 * Local port forwarding (`ssh -L`) is refused by default and works once `allowTcpForwarding` turns
 * it on: the same client, the same request, to a local echo server.
 */
class SshForwardingSettingSpec : FunSpec({
    /** Sends a line through a forwarded port; what came back, or null when the tunnel was refused. */
    fun throughTunnel(allow: Boolean): String? {
        val dir = Files.createTempDirectory("ssh-forward")
        ServerSocket(0).use { echo ->
            val echoing = thread(isDaemon = true) {
                runCatching { echo.accept().use { s -> s.getInputStream().read(ByteArray(64)).let { n -> if (n > 0) s.getOutputStream().write("echo".toByteArray()) } } }
            }
            val server = kotlinx.coroutines.runBlocking {
                telnetServer {
                    port = 0
                    ssh {
                        port = 0
                        hostKey = dir.resolve("host.key")
                        allowTcpForwarding = allow
                        failureDelay = 10.milliseconds
                        password { _, password -> password == "pw" }
                    }
                    command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
                }.start()
            }
            val client = minaClient()
            try {
                val session = client.login(server.portOf("ssh"), "u", "pw")
                val local = session.startLocalPortForwarding(SshdSocketAddress("127.0.0.1", 0), SshdSocketAddress("127.0.0.1", echo.localPort))
                return Socket().use { socket ->
                    socket.soTimeout = 10_000
                    socket.connect(InetSocketAddress("127.0.0.1", local.port), 10_000)
                    socket.getOutputStream().write("ping".toByteArray())
                    val buffer = ByteArray(64)
                    val n = try { socket.getInputStream().read(buffer) } catch (_: java.io.IOException) { -1 }
                    if (n <= 0) null else String(buffer, 0, n)
                }
            } finally {
                client.stop()
                kotlinx.coroutines.runBlocking { server.stop() }
                echoing.interrupt()
            }
        }
    }

    test("ssh -L is refused by default: the tunnel closes with nothing through") {
        throughTunnel(allow = false) shouldBe null
    }

    test("with allowTcpForwarding, ssh -L reaches the target") {
        throughTunnel(allow = true) shouldBe "echo"
    }
})
