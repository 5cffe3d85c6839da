package dev.telnetkit.server

import dev.telnetkit.wire.telnetOptions
import dev.telnetkit.session.Session

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldNotContainDuplicates
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.Collections
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Duration as KDuration

/**
 * Whole sessions of the demo-like shell with clients that never agree to anything: a Telnet client
 * that answers every DO with WONT and every WILL with DONT, and a netcat-like client that sends
 * nothing but text with bare LF line ends. Both must get the prompt, run commands, see a timer
 * message, read a password without it being echoed, and be disconnected by `bye`.
 *
 * The clients are written here byte by byte (not with the testkit's negotiator), so what the server
 * sends is seen exactly as a minimal client sees it.
 */
class RefusingClientSessionSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    val prompt = DEMO_LIKE_PROMPT

    test("a client that answers every DO with WONT and every WILL with DONT completes a whole session in line mode") {
        val session = CompletableDeferred<Session>()
        val secrets = Collections.synchronizedList(ArrayList<String>())
        val shell = demoLikeShell { secrets.add(it) }
        // A long connect wait: refusals settle the negotiation, so the prompt must not wait for it.
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofSeconds(30))) { s ->
            session.complete(s)
            shell.handle(s)
        }
        ByteLevelClient.connect(server.port, answers = true).use { client ->
            client.awaitText(prompt, timeout = 10.seconds) shouldContain DEMO_LIKE_WELCOME
            val s = withTimeout(5.seconds) { session.await() }
            s.serverEchoes shouldBe false
            s.telnetOptions!!.isEnabled(OptionSide.LOCAL, TelnetOption.SGA) shouldBe false
            val opening = client.received()
            withClue("the server asked and offered, and got refusals: $opening") {
                opening.shouldNotContainDuplicates() // no negotiation loop
                opening shouldContain "DO TTYPE"
                opening shouldContain "WILL ECHO"
                client.sent().toSet() shouldBe opening.map {
                    val (verb, option) = it.split(' ')
                    (if (verb == "DO") "WONT " else "DONT ") + option
                }.toSet()
            }

            client.send("echo hi\r\n")
            // Line mode: the client echoes, so the server sends no echo of the line, only the answer.
            client.awaitText(prompt) shouldBe "hi\r\n$prompt"

            client.send("timer 1 RING\r\n")
            client.awaitText(prompt) shouldBe "Waiting 1 seconds...\r\n$prompt"
            // The message comes on a line of its own and the prompt is shown again below it.
            client.awaitText(prompt) shouldBe "\r\nRING\r\n$prompt"

            val beforeSecret = client.received().size
            client.send("secret\r\n")
            // The server asks the client to stop echoing (WILL ECHO) before it shows the prompt.
            client.awaitText("Password: ", markers = true) shouldBe "«WILL ECHO»Password: "
            client.sent().last() shouldBe "DONT ECHO"
            client.send("hunter2\r\n")
            client.awaitText(prompt) shouldBe "got 7 chars\r\n$prompt"
            secrets shouldContainExactly listOf("hunter2")
            withClue("after the refused WILL ECHO the option is off: no WONT ECHO (nor anything else) follows") {
                client.received().drop(beforeSecret) shouldContainExactly listOf("WILL ECHO")
            }

            client.send("bye\r\n")
            client.awaitText("Goodbye.\r\n") shouldBe "Goodbye.\r\n"
            withClue("the server closes the connection after bye") { client.awaitEof() shouldBe true }
            client.transcript() shouldNotContain "hunter2"
            client.transcript() shouldNotContain "echo hi"
            awaitCondition("the session is gone from the server") { server.sessions.isEmpty() }
        }
    }

    test("a netcat-like client that sends no Telnet at all and ends lines with bare LF completes a whole session") {
        val session = CompletableDeferred<Session>()
        val secrets = Collections.synchronizedList(ArrayList<String>())
        val shell = demoLikeShell { secrets.add(it) }
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofMillis(300))) { s ->
            session.complete(s)
            shell.handle(s)
        }
        ByteLevelClient.connect(server.port, answers = false).use { client ->
            client.awaitText(prompt, timeout = 10.seconds) shouldContain DEMO_LIKE_WELCOME
            val s = withTimeout(5.seconds) { session.await() }
            s.serverEchoes shouldBe false
            s.terminalType shouldBe "unknown"

            client.send("echo hi\n")
            client.awaitText(prompt) shouldBe "hi\r\n$prompt"

            client.send("timer 1 RING\n")
            client.awaitText(prompt) shouldBe "Waiting 1 seconds...\r\n$prompt"
            client.awaitText(prompt) shouldBe "\r\nRING\r\n$prompt"

            client.send("secret\n")
            // A client that never negotiated is not asked to stop echoing: it could not answer.
            client.awaitText("Password: ", markers = true) shouldBe "Password: "
            client.send("hunter2\n")
            client.awaitText(prompt) shouldBe "got 7 chars\r\n$prompt"
            secrets shouldContainExactly listOf("hunter2")

            client.send("bye\n")
            client.awaitText("Goodbye.\r\n") shouldBe "Goodbye.\r\n"
            withClue("the server closes the connection after bye") { client.awaitEof() shouldBe true }
            withClue("the only Telnet command netcat ever sees is the opening DO TTYPE") {
                client.received() shouldContainExactly listOf("DO TTYPE")
            }
            client.sent().shouldBeEmpty()
            client.transcript() shouldNotContain "hunter2"
            client.transcript() shouldNotContain "echo hi"
            awaitCondition("the session is gone from the server") { server.sessions.isEmpty() }
        }
    }
})

/**
 * A minimal client over a plain socket that parses the server's Telnet stream itself. With
 * [answers], every `DO x` is answered `WONT x` and every `WILL x` `DONT x` (DONT and WONT need no
 * answer: nothing is ever enabled); without, nothing is ever sent back. The transcript keeps the data
 * as text (the `NUL` of `CR NUL` dropped) with each negotiation received inline as `«VERB OPTION»`.
 */
private class ByteLevelClient private constructor(private val socket: Socket, private val answers: Boolean) : AutoCloseable {
    private val lock = Any()
    private val transcript = StringBuilder()
    private val receivedNegotiations = ArrayList<String>()
    private val sentNegotiations = ArrayList<String>()
    private var mark = 0
    @Volatile private var eof = false
    private val output = socket.getOutputStream()

    private val reader = thread(isDaemon = true, name = "byte-level-client") {
        val input = socket.getInputStream()
        val buffer = ByteArray(4096)
        var state = DATA
        var verb = 0
        var lastWasCr = false
        try {
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                for (i in 0 until n) {
                    val b = buffer[i].toInt() and 0xff
                    when (state) {
                        DATA -> when {
                            b == IAC -> state = GOT_IAC
                            lastWasCr && b == 0 -> lastWasCr = false
                            else -> { lastWasCr = b == '\r'.code; data(b) }
                        }
                        GOT_IAC -> when (b) {
                            IAC -> { data(IAC); state = DATA }
                            DO, DONT, WILL, WONT -> { verb = b; state = GOT_VERB }
                            SB -> state = IN_SB
                            else -> { synchronized(lock) { transcript.append("«").append(TelnetCommand.name(b)).append("»") }; state = DATA }
                        }
                        GOT_VERB -> { negotiation(verb, b); state = DATA }
                        IN_SB -> if (b == IAC) state = SB_IAC
                        SB_IAC -> state = if (b == SE) { synchronized(lock) { transcript.append("«SB»") }; DATA } else IN_SB
                    }
                }
            }
        } catch (_: IOException) {
            // Reset or closed: the conversation is over either way.
        } finally {
            eof = true
        }
    }

    private fun data(b: Int) {
        synchronized(lock) { transcript.append(b.toChar()) } // the demo's text is ASCII
    }

    private fun negotiation(verb: Int, option: Int) {
        val name = "${TelnetCommand.name(verb)} ${TelnetOption.name(option)}"
        synchronized(lock) {
            receivedNegotiations.add(name)
            transcript.append("«").append(name).append("»")
        }
        if (!answers) return
        val answer = when (verb) {
            DO -> WONT
            WILL -> DONT
            else -> return
        }
        synchronized(lock) { sentNegotiations.add("${TelnetCommand.name(answer)} ${TelnetOption.name(option)}") }
        write(bytes(IAC, answer, option))
    }

    private fun write(bytes: ByteArray) {
        synchronized(output) {
            output.write(bytes)
            output.flush()
        }
    }

    /** Sends [text] as ASCII, exactly as given. */
    suspend fun send(text: String) = withContext(Dispatchers.IO) { write(text.toByteArray(Charsets.US_ASCII)) }

    /** Every negotiation received, such as `DO TTYPE`, in order. */
    fun received(): List<String> = synchronized(lock) { receivedNegotiations.toList() }

    /** Every answer sent, such as `WONT TTYPE`, in order. */
    fun sent(): List<String> = synchronized(lock) { sentNegotiations.toList() }

    /** Everything received, negotiations inline. */
    fun transcript(): String = synchronized(lock) { transcript.toString() }

    /**
     * Waits until the data after the mark contains [expected]; returns that data up to and
     * including it (negotiations inline if [markers], else left out) and moves the mark past it.
     */
    suspend fun awaitText(expected: String, timeout: KDuration = 5.seconds, markers: Boolean = false): String {
        val found = withTimeoutOrNull(timeout) {
            while (true) {
                synchronized(lock) {
                    val rest = transcript.substring(mark)
                    val text = withoutMarkers(rest)
                    val at = text.indexOf(expected)
                    if (at >= 0) {
                        // Map the end of the match in the marker-free text back into the transcript.
                        var seen = 0
                        var i = 0
                        while (seen < at + expected.length) {
                            if (rest[i] == '«') i = rest.indexOf('»', i) + 1 else { seen++; i++ }
                        }
                        mark += i
                        return@withTimeoutOrNull if (markers) rest.substring(0, i) else text.substring(0, at + expected.length)
                    }
                }
                if (eof) return@withTimeoutOrNull null
                delay(5.milliseconds)
            }
            @Suppress("UNREACHABLE_CODE") null
        }
        return found ?: throw AssertionError(
            "no '${printable(expected)}' within $timeout${if (eof) " (connection closed)" else ""}; unread: '${printable(transcript().substring(mark))}'",
        )
    }

    /** True once the server has closed the connection, within [timeout]. */
    suspend fun awaitEof(timeout: KDuration = 10.seconds): Boolean = withTimeoutOrNull(timeout) {
        while (!eof) delay(5.milliseconds)
        true
    } ?: false

    override fun close() {
        runCatching { socket.close() }
        reader.join(5000)
    }

    companion object {
        private const val DATA = 0
        private const val GOT_IAC = 1
        private const val GOT_VERB = 2
        private const val IN_SB = 3
        private const val SB_IAC = 4

        suspend fun connect(port: Int, answers: Boolean): ByteLevelClient = withContext(Dispatchers.IO) {
            val socket = Socket()
            socket.tcpNoDelay = true
            socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
            ByteLevelClient(socket, answers)
        }

        private fun withoutMarkers(s: String): String = s.replace(Regex("«[^»]*»"), "")

        private fun printable(s: String): String = s.replace("\r", "\\r").replace("\n", "\\n").replace("\u001b", "\\e")
    }
}
