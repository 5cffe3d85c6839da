package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * Connections that never log in: a storm of them, and a client that stops in the middle of the key
 * exchange. The server must bound what they hold, close them after the auth timeout, and go on
 * serving everyone else.
 */
class SshHostileStormSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-storm")

    suspend fun serve(authTimeout: Duration, maxUnauthenticated: Int, perAddress: Int): TelnetServer = telnetServer {
        port = 0
        ssh {
            port = 0
            hostKey = dir.resolve("host.key")
            failureDelay = 10.milliseconds
            this.authTimeout = authTimeout
            this.maxUnauthenticated = maxUnauthenticated
            maxUnauthenticatedPerAddress = perAddress
            password { user, password -> user == "alice" && password == "secret" }
        }
        command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
    }.start()

    fun echo(ssh: OpenSsh, from: String = "127.0.0.1"): OpenSsh.Result =
        ssh.run("alice", listOf("echo", "hi"), password = "secret", extra = listOf("-b", from))

    sshTest("300 connections from one address that never log in: all but maxUnauthenticatedPerAddress are dropped at once; others still log in") {
        // A long auth timeout: whatever the server closes here it closes for the limit, not the timeout.
        val server = serve(authTimeout = 60.seconds, maxUnauthenticated = 100, perAddress = 10)
        val port = server.portOf("ssh")
        val ssh = OpenSsh(port)
        RawClients().use { storm ->
            try {
                // Half say hello as SSH clients do, half send nothing at all.
                repeat(300) { i -> storm.open(port, send = if (i % 2 == 0) CLIENT_IDENT else null) }
                val dropped = storm.pumpUntil(30.seconds) { storm.closedCount >= 290 }
                println("storm from one address: ${storm.closedCount} of 300 closed by the server, ${storm.all.count { !it.closedByServer }} held")
                dropped shouldBe true
                // The ones held stay held: the limit let exactly 10 in.
                storm.pumpFor(500.milliseconds)
                storm.closedCount shouldBe 290
                // The ones held talk SSH: the server said who it is.
                for (held in storm.all.filter { !it.closedByServer }) held.receivedText shouldStartWith "SSH-2.0-TelnetKit"

                // During the storm, a user from another address logs in and runs a command.
                val during = echo(ssh, from = "127.0.0.2")
                during.stdout shouldBe "hi\n"
                during.exitCode shouldBe 0
            } finally {
                storm.close()
            }
            // After it, the storm's address has its slots back as the server sees its connections go.
            awaitTrue(20.seconds, { "ssh from 127.0.0.1 still refused after the storm ended" }) {
                echo(ssh).exitCode == 0
            }
        }
        server.stop()
    }

    sshTest("300 connections from 30 addresses that never log in: maxUnauthenticated held in all, the rest dropped at once") {
        // A long auth timeout: whatever the server closes here it closes for the limit, not the timeout.
        val server = serve(authTimeout = 60.seconds, maxUnauthenticated = 50, perAddress = 10)
        val port = server.portOf("ssh")
        try {
            RawClients().use { storm ->
                for (a in 0 until 30) repeat(10) { i -> storm.open(port, from = "127.0.1.${a + 1}", send = if (i % 2 == 0) CLIENT_IDENT else null) }
                val dropped = storm.pumpUntil(30.seconds) { storm.closedCount >= 250 }
                storm.pumpFor(500.milliseconds)
                // The held ones heard the server's identification; the dropped ones were closed
                // before it said anything.
                val held = storm.all.filter { !it.closedByServer }
                val silent = storm.all.count { it.closedByServer && it.received.size() == 0 }
                println("storm from 30 addresses: ${storm.closedCount} of 300 closed by the server ($silent before a word), ${held.size} held")
                dropped shouldBe true
                storm.closedCount shouldBe 250
                silent shouldBe 250
                for (raw in held) raw.receivedText shouldStartWith "SSH-2.0-TelnetKit"
            }
            // The storm gone, its slots are free again.
            val ssh = OpenSsh(port)
            awaitTrue(20.seconds, { "ssh still refused after the storm ended" }) { echo(ssh).exitCode == 0 }
        } finally {
            server.stop()
        }
    }

    sshTest("connections that never log in are closed by the server after authTimeout; a login works during and after") {
        val server = serve(authTimeout = 2.seconds, maxUnauthenticated = 100, perAddress = 10)
        val port = server.portOf("ssh")
        val ssh = OpenSsh(port)
        try {
            RawClients().use { idle ->
                // Within the limits (10 from each of 4 addresses), so that only the timeout closes them.
                for (a in 0 until 4) repeat(10) { i -> idle.open(port, from = "127.0.2.${a + 1}", send = if (i % 2 == 0) CLIENT_IDENT else null) }
                val during = echo(ssh)
                during.stdout shouldBe "hi\n"
                val closed = idle.pumpUntil(30.seconds) { idle.closedCount == 40 }
                println("idle unauthenticated connections: ${idle.closedCount} of 40 closed by the server (auth timeout 2 s); ${idle.all.count { it.receivedText.startsWith("SSH-2.0-TelnetKit") }} had heard the server first")
                closed shouldBe true
                // Closed by the timeout, not dropped by a limit: every one had been let in.
                for (raw in idle.all) raw.receivedText shouldStartWith "SSH-2.0-TelnetKit"
            }
            val after = echo(ssh)
            after.stdout shouldBe "hi\n"
            after.exitCode shouldBe 0
        } finally {
            server.stop()
        }
    }

    sshTest("a client that stops in the middle of the key exchange is closed after authTimeout; other sessions go on") {
        val server = serve(authTimeout = 2.seconds, maxUnauthenticated = 100, perAddress = 10)
        val port = server.portOf("ssh")
        val ssh = OpenSsh(port)
        try {
            RawClients().use { stalled ->
                // The identification, then a KEXINIT packet that claims 1000 bytes and brings 40.
                val header = byteArrayOf(0, 0, 3, 0xE8.toByte(), 4, 20)
                val partial = CLIENT_IDENT + header + ByteArray(40) { it.toByte() }
                val raw = stalled.open(port, send = partial)
                // Another, that completed its identification and sent half a packet header.
                val raw2 = stalled.open(port, send = CLIENT_IDENT + byteArrayOf(0, 0))

                // Meanwhile another user logs in and works.
                echo(ssh).stdout shouldBe "hi\n"

                val closed = stalled.pumpUntil(30.seconds) { raw.closedByServer && raw2.closedByServer }
                println("stalled key exchanges: closed by the server: ${raw.closedByServer}, ${raw2.closedByServer}; server said ${raw.receivedText.lineSequence().first()}")
                closed shouldBe true
                raw.receivedText shouldStartWith "SSH-2.0-TelnetKit"
            }
            // And after.
            val after = echo(ssh)
            after.stdout shouldBe "hi\n"
            after.exitCode shouldBe 0
        } finally {
            server.stop()
        }
    }
})
