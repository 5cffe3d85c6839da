package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import org.apache.sshd.client.SshClient
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.atomic.AtomicLong
import java.util.concurrent.atomic.AtomicReference
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * A client floods input into a session whose command reads nothing: the SSH window (256 KiB) stops
 * the client, so the server holds no more than that, and other sessions are served meanwhile.
 */
class SshHostileFloodSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-flood")
    lateinit var server: TelnetServer
    lateinit var client: SshClient
    val release = CompletableDeferred<Unit>()

    beforeSpec {
        server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                password { user, password -> user == "alice" && password == "secret" }
            }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            // Reads nothing until the test lets it go.
            command("sleep") { run { release.await() } }
        }.start()
        client = minaClient()
    }
    afterSpec {
        release.complete(Unit)
        client.stop()
        server.stop()
    }

    sshTest("16 MiB of input lines into a command that reads nothing: the client is held at the window; another session still works") {
        val limit = 16L shl 20
        val written = AtomicLong()
        val failure = AtomicReference<Throwable?>()
        client.login(server.portOf("ssh"), "alice", "secret").use { session ->
            val channel = session.createExecChannel("sleep")
            channel.out = ByteArrayOutputStream()
            channel.err = ByteArrayOutputStream()
            channel.open().verify(Duration.ofSeconds(20))
            val input = channel.invertedIn
            // Whole lines: what a session could be tempted to keep as typed-ahead input.
            val chunk = ("x".repeat(63) + "\n").repeat(64).toByteArray()
            val writer = thread(name = "flood-writer", isDaemon = true) {
                try {
                    while (written.get() < limit) {
                        input.write(chunk)
                        input.flush()
                        written.addAndGet(chunk.size.toLong())
                    }
                } catch (e: Throwable) {
                    failure.set(e)
                }
            }
            try {
                // The writer fills the window, then stops: wait until its count no longer moves.
                awaitTrue(20.seconds, { "the writer never got 128 KiB out (${written.get()})" }) { written.get() >= 128 * 1024 }
                var last = -1L
                var stableFor = 0
                val deadline = System.nanoTime() + 30_000_000_000L
                while (stableFor < 10 && System.nanoTime() < deadline && written.get() < limit) {
                    delay(100.milliseconds)
                    val now = written.get()
                    if (now == last) stableFor++ else stableFor = 0
                    last = now
                }
                println("input flood: the client got ${written.get()} bytes out before the window held it (writer alive: ${writer.isAlive}, failure: ${failure.get()})")
                // The window (256 KiB) and one packet the client holds: never the 16 MiB.
                written.get() shouldBeLessThan 512L * 1024
                writer.isAlive shouldBe true

                // Meanwhile the server serves others, over a new connection and over this one.
                OpenSsh(server.portOf("ssh")).run("alice", listOf("echo", "hi"), password = "secret").stdout shouldBe "hi\n"
                val other = session.createExecChannel("echo still here")
                val out = ByteArrayOutputStream()
                other.out = out
                other.err = ByteArrayOutputStream()
                other.open().verify(Duration.ofSeconds(20))
                other.waitFor(java.util.EnumSet.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED), Duration.ofSeconds(20))
                out.toString(Charsets.UTF_8) shouldBe "still here\n"
            } finally {
                channel.close(true)
                writer.join(10_000)
            }
        }
    }
})
