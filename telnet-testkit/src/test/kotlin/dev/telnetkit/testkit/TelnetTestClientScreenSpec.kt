package dev.telnetkit.testkit

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import kotlin.time.Duration.Companion.milliseconds

/** A peer that accepts one connection and writes whatever the test gives it. */
private class Peer : AutoCloseable {
    private val listener = ServerSocket(0, 1, InetAddress.getLoopbackAddress())
    val port: Int get() = listener.localPort
    private var socket: Socket? = null

    suspend fun accept(): Socket = socket ?: runInterruptible(Dispatchers.IO) { listener.accept() }.also { socket = it }

    suspend fun send(bytes: ByteArray) = withContext(Dispatchers.IO) { accept().getOutputStream().run { write(bytes); flush() } }

    suspend fun send(text: String) = send(text.toByteArray(Charsets.UTF_8))

    suspend fun read(n: Int): ByteArray = withContext(Dispatchers.IO) {
        val s = accept()
        s.soTimeout = 5000
        s.getInputStream().readNBytes(n)
    }

    override fun close() {
        runCatching { socket?.close() }
        runCatching { listener.close() }
    }
}

private suspend fun connected(profile: TerminalProfile, test: suspend (Peer, TelnetTestClient) -> Unit) {
    Peer().use { peer ->
        TelnetTestClient.connect("127.0.0.1", peer.port, profile).use { client ->
            peer.accept()
            test(peer, client)
        }
    }
}

private val SILENT_10x4 = TerminalProfile(width = 10, height = 4, negotiates = false)

class TelnetTestClientScreenSpec : FunSpec({

    test("the screen is sized from the profile, and 80x24 when the profile has no width") {
        connected(SILENT_10x4) { _, client ->
            client.screen.width shouldBe 10
            client.screen.height shouldBe 4
        }
        connected(TerminalProfile(width = 0, height = 0, negotiates = false)) { _, client ->
            client.screen.width shouldBe 80
            client.screen.height shouldBe 24
        }
    }

    test("the screen shows the text received as a terminal would, escape sequences applied") {
        connected(SILENT_10x4) { peer, client ->
            peer.send("hello\r\nworld\u001b[1;1HJ\u001b[1;31m")
            client.awaitScreen { it.text == "Jello\nworld" }
            client.screen.cursorRow shouldBe 0
            client.screen.cursorColumn shouldBe 1
            client.output shouldBe "hello\r\nworld\u001b[1;1HJ\u001b[1;31m"
        }
    }

    test("a UTF-8 character split across writes reaches the screen whole, wide characters take two cells") {
        connected(SILENT_10x4) { peer, client ->
            val bytes = "日本".toByteArray(Charsets.UTF_8)
            peer.send(bytes.copyOfRange(0, 4))
            client.awaitScreen { it.text == "日" }
            peer.send(bytes.copyOfRange(4, bytes.size))
            val screen = client.awaitScreen { it.text == "日本" }
            screen.cursorColumn shouldBe 4
        }
    }

    test("awaitScreen fails on timeout with the screen in the message") {
        connected(SILENT_10x4) { peer, client ->
            peer.send("abc")
            client.awaitScreen { it.text == "abc" }
            val error = shouldThrow<AssertionError> { client.awaitScreen(150.milliseconds) { it.text == "xyz" } }
            error.message shouldContain "|abc|"
        }
    }

    test("resize reflows the screen first and then reports the new size with NAWS") {
        connected(SILENT_10x4) { peer, client ->
            peer.send("0123456789abc")
            client.awaitScreen { it.text == "0123456789\nabc" }
            client.resize(5, 4)
            client.screen.lines shouldContainExactly listOf("01234", "56789", "abc", "")
            client.screen.cursorRow shouldBe 2
            client.screen.cursorColumn shouldBe 3
            peer.read(9).map { it.toInt() and 0xff } shouldContainExactly listOf(255, 250, 31, 0, 5, 0, 4, 255, 240)
        }
    }
})
