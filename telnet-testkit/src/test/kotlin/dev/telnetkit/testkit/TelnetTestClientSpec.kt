package dev.telnetkit.testkit

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.bytes
import dev.telnetkit.server.echoShell
import dev.telnetkit.server.hex
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainInOrder
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** A hand-scripted peer on 127.0.0.1: the test writes exactly the bytes the client should see. */
private class ScriptedPeer : AutoCloseable {
    private val listener = ServerSocket(0, 1, InetAddress.getLoopbackAddress())
    val port: Int get() = listener.localPort
    private val accepted = CompletableDeferred<Socket>()
    @Volatile private var connection: Socket? = null

    init {
        Thread {
            runCatching { listener.accept() }
                .onSuccess { connection = it; accepted.complete(it) }
                .onFailure { accepted.completeExceptionally(it) }
        }.apply { isDaemon = true; start() }
    }

    suspend fun socket(): Socket = withTimeout(5.seconds) { accepted.await() }

    suspend fun send(bytes: ByteArray) = withContext(Dispatchers.IO) { socket().getOutputStream().run { write(bytes); flush() } }
    suspend fun send(text: String) = send(text.toByteArray(Charsets.UTF_8))

    /** Reads exactly [n] bytes the client sent. */
    suspend fun read(n: Int): ByteArray = withContext(Dispatchers.IO) {
        val s = socket()
        s.soTimeout = 5000
        runInterruptible { s.getInputStream().readNBytes(n) }
    }

    override fun close() {
        runCatching { connection?.close() }
        runCatching { listener.close() } // also ends a pending accept
    }
}

class TelnetTestClientSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val closing = Channel<AutoCloseable>(Channel.UNLIMITED)
    afterTest {
        while (true) (closing.tryReceive().getOrNull() ?: break).close()
    }

    suspend fun pair(profile: TerminalProfile = TerminalProfile.RAW): Pair<ScriptedPeer, TelnetTestClient> {
        val peer = ScriptedPeer().also { closing.send(it) }
        val client = TelnetTestClient.connect("127.0.0.1", peer.port, profile).also { closing.send(it) }
        peer.socket()
        return peer to client
    }

    test("awaitText returns the text up to and including the match and moves the mark past it") {
        val (peer, client) = pair()
        peer.send("one A two A three")
        client.awaitText("A") shouldBe "one A"
        client.awaitText("A") shouldBe " two A"
        client.awaitText("three") shouldBe " three"
        client.unread shouldBe ""
        client.output shouldBe "one A two A three"
    }

    test("awaitRegex returns the match and moves the mark past it") {
        val (peer, client) = pair()
        peer.send("id=17 id=42 end")
        client.awaitRegex(Regex("""id=(\d+)""")).groupValues[1] shouldBe "17"
        client.awaitRegex(Regex("""id=(\d+)""")).groupValues[1] shouldBe "42"
        client.unread shouldBe " end"
    }

    test("awaitPrompt waits for the prompt at the very end, returns what came before and moves the mark to the end") {
        val (peer, client) = pair()
        peer.send("a > b\r\n> ")
        client.awaitPrompt("> ") shouldBe "a > b\r\n"
        client.unread shouldBe ""
        peer.send("more\r\n> ")
        client.awaitPrompt("> ") shouldBe "more\r\n"
    }

    test("awaitPrompt does not match a prompt that is followed by more text") {
        val (peer, client) = pair()
        peer.send("> typed")
        val e = shouldThrow<AssertionError> { client.awaitPrompt("> ", 300.milliseconds) }
        e.message shouldContain "> typed"
    }

    test("a timeout throws AssertionError showing the unread text, and leaves the mark where it was") {
        val (peer, client) = pair()
        peer.send("seen\r\nnot yet matched\u001b[1m")
        client.awaitText("seen")
        val e = shouldThrow<AssertionError> { client.awaitText("missing", 300.milliseconds) }
        e.message shouldContain "missing"
        e.message shouldContain "\\r\\nnot yet matched\\e[1m"
        e.message shouldContain "unread"
        client.awaitText("not yet") shouldBe "\r\nnot yet"
    }

    test("an await on a closed connection fails at once and says the connection closed") {
        val (peer, client) = pair()
        peer.send("last words")
        peer.close()
        client.awaitClosed().shouldBeTrue()
        val e = shouldThrow<AssertionError> { client.awaitText("never", 10.seconds) }
        e.message shouldContain "connection closed"
        e.message shouldContain "last words"
    }

    test("text is decoded as UTF-8 across reads, CR NUL loses its NUL, and receivedBytes keeps the wire bytes") {
        val (peer, client) = pair()
        val euro = "\u20ac".toByteArray()
        peer.send(bytes('x'.code) + euro.copyOfRange(0, 2))
        client.awaitText("x")
        peer.send(euro.copyOfRange(2, 3) + bytes(13, 0, 'y'.code, TelnetCommand.IAC, TelnetCommand.NOP))
        client.awaitText("\u20ac\ry") shouldBe "\u20ac\ry"
        client.receivedBytes.hex() shouldBe (bytes('x'.code) + euro + bytes(13, 0, 'y'.code, 255, TelnetCommand.NOP)).hex()
    }

    test("sendLine sends UTF-8 and CR LF, sendBytes sends bytes as they are, sendCommand sends IAC and the code") {
        val (peer, client) = pair()
        client.sendLine("h\u00ef")
        peer.read(5).hex() shouldBe bytes('h'.code, 0xC3, 0xAF, 13, 10).hex()
        client.sendBytes(bytes(255, 1))
        peer.read(2).hex() shouldBe bytes(255, 1).hex()
        client.sendCommand(TelnetCommand.AYT)
        peer.read(2).hex() shouldBe bytes(255, TelnetCommand.AYT).hex()
    }

    test("negotiationLog records both directions in order") {
        val (peer, client) = pair(TerminalProfile(width = 100, height = 30))
        peer.send(bytes(255, TelnetCommand.DO, TelnetOption.TTYPE, 255, TelnetCommand.DO, TelnetOption.NAWS, 255, TelnetCommand.WILL, TelnetOption.ECHO))
        peer.read(3 + 3 + 9 + 3).size shouldBe 18 // WILL TTYPE, WILL NAWS, SB NAWS 100x30, DO ECHO
        peer.send(bytes(255, TelnetCommand.SB, TelnetOption.TTYPE, 1, 255, TelnetCommand.SE))
        peer.read(4 + "XTERM-256COLOR".length + 2)
        client.negotiationLog shouldContainInOrder listOf(
            "recv DO TTYPE",
            "sent WILL TTYPE",
            "recv DO NAWS",
            "sent WILL NAWS",
            "sent SB NAWS 100x30",
            "recv WILL ECHO",
            "sent DO ECHO",
            "recv SB TTYPE 01",
            "sent SB TTYPE IS XTERM-256COLOR",
        )
    }

    test("against a real server: the log shows the server's offers and the client's answers") {
        val fixture = dev.telnetkit.server.ServerFixture()
        try {
            val server = fixture.start(handler = echoShell())
            val client = fixture.connect(server, TerminalProfile(environment = mapOf("USER" to "eve")))
            client.awaitPrompt("> ")
            val log = client.negotiationLog
            log shouldContainInOrder listOf("recv DO TTYPE", "sent WILL TTYPE", "recv SB TTYPE 01", "sent SB TTYPE IS XTERM-256COLOR")
            log shouldContainInOrder listOf("recv DO NEW-ENVIRON", "sent WILL NEW-ENVIRON", "recv SB NEW-ENVIRON 01 00 03", "sent SB NEW-ENVIRON IS {USER=eve}")
            log shouldContainInOrder listOf("recv WILL ECHO", "sent DO ECHO")
            client.isClosed.shouldBeFalse()
        } finally {
            fixture.cleanUp()
        }
    }
})
