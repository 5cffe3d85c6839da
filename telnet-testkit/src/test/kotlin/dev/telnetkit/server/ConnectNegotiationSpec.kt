package dev.telnetkit.server

import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption.CHARSET
import dev.telnetkit.protocol.TelnetOption.ECHO
import dev.telnetkit.protocol.TelnetOption.NAWS
import dev.telnetkit.protocol.TelnetOption.NEW_ENVIRON
import dev.telnetkit.protocol.TelnetOption.SGA
import dev.telnetkit.protocol.TelnetOption.TTYPE
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.comparables.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import java.nio.charset.Charset
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/** What the handler saw the moment it started. */
private data class StartFacts(
    val terminalType: String,
    val terminalTypes: List<String>,
    val size: TerminalSize,
    val environment: Map<String, String>,
    val encoding: Charset,
    val serverEchoes: Boolean,
)

private fun Session.facts() = StartFacts(terminalType, terminalTypes, size, environment, encoding, serverEchoes)

/** The server's half of the opening, as bytes on the wire. */
private val OPENING = bytes(IAC, DO, TTYPE)
private val AFTER_FIRST_ANSWER = bytes(
    IAC, SB, TTYPE, 1, IAC, SE, // SEND, because the client agreed to TTYPE,
    IAC, SB, TTYPE, 1, IAC, SE, // and a second at once: the cycle is asked two at a time
    IAC, WILL, SGA,
    IAC, WILL, ECHO,
    IAC, DO, NAWS,
    IAC, DO, NEW_ENVIRON,
    IAC, DO, CHARSET,
)

class ConnectNegotiationSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    test("the first bytes on the wire are exactly IAC DO TTYPE and nothing follows until the client answers") {
        val server = fixture.start(testSettings(connectMaxWait = java.time.Duration.ofSeconds(10)), echoShell())
        val raw = fixture.rawSocket(server)

        raw.readExactly(3).hex() shouldBe OPENING.hex()
        // The server must wait for the answer: no offer, no prompt. Only a window can show silence.
        raw.readFor(300.milliseconds).hex() shouldBe ""
    }

    test("after the client's first answer the server asks SEND twice and offers WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET in that order") {
        val server = fixture.start(testSettings(connectMaxWait = java.time.Duration.ofSeconds(10)), echoShell())
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)

        raw.send(bytes(IAC, WILL, TTYPE))

        raw.readExactly(AFTER_FIRST_ANSWER.size).hex() shouldBe AFTER_FIRST_ANSWER.hex()
        // Requests are still pending, so the handler has not started: no prompt yet.
        raw.readFor(300.milliseconds).hex() shouldBe ""
    }

    test("a hand-played client that answers everything gets the prompt once negotiation settles, with its facts in the session") {
        val started = CompletableDeferred<StartFacts>()
        val server = fixture.start(testSettings(connectMaxWait = java.time.Duration.ofSeconds(20))) { s ->
            started.complete(s.facts())
            s.readLine("> ")
        }
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        raw.send(bytes(IAC, WILL, TTYPE))
        raw.readExactly(AFTER_FIRST_ANSWER.size)

        raw.send(
            bytes(IAC, SB, TTYPE, 0) + "VT100".toByteArray() + bytes(IAC, SE) +
                // The answer to the second SEND: the repeated name ends the cycle.
                bytes(IAC, SB, TTYPE, 0) + "VT100".toByteArray() + bytes(IAC, SE) +
                bytes(IAC, DO, SGA, IAC, DO, ECHO) +
                bytes(IAC, WILL, NAWS, IAC, SB, NAWS, 0, 100, 0, 30, IAC, SE) +
                bytes(IAC, WONT, NEW_ENVIRON, IAC, WONT, CHARSET),
        )

        // The connect wait is 20 s: only settling can start the handler within this bound.
        val rest = raw.readUntil("> ", timeout = 10.seconds)
        rest.toString(Charsets.ISO_8859_1) shouldBe "> "
        started.await() shouldBe StartFacts("vt100", listOf("vt100"), TerminalSize(100, 30), emptyMap(), Charsets.UTF_8, true)
    }

    test("TelnetTestClient sees the same opening in its raw received bytes") {
        val server = fixture.start(handler = echoShell())
        val client = fixture.connect(server)
        client.awaitPrompt("> ")

        val received = client.receivedBytes
        received.copyOf(OPENING.size + AFTER_FIRST_ANSWER.size).hex() shouldBe (OPENING + AFTER_FIRST_ANSWER).hex()
        client.isEnabled(OptionSide.REMOTE, ECHO) shouldBe true
        client.isEnabled(OptionSide.REMOTE, SGA) shouldBe true
    }

    test("the handler starts only after negotiation settled: every fact is filled in when it starts") {
        val started = CompletableDeferred<StartFacts>()
        // A connect wait far beyond the await bound: the prompt can only come from settling.
        val server = fixture.start(testSettings(connectMaxWait = java.time.Duration.ofSeconds(20))) { s ->
            started.complete(s.facts())
            echoShell().handle(s)
        }
        val profile = TerminalProfile(
            terminalTypes = listOf("XTERM-256COLOR"),
            width = 132,
            height = 43,
            environment = mapOf("USER" to "alice", "LANG" to "en_US.ISO-8859-1"),
            charsets = listOf("ISO-8859-1"),
        )
        val client = fixture.connect(server, profile)

        client.awaitPrompt("> ", timeout = 10.seconds)
        withTimeout(5.seconds) { started.await() } shouldBe StartFacts(
            terminalType = "xterm-256color",
            terminalTypes = listOf("xterm-256color"),
            size = TerminalSize(132, 43),
            environment = mapOf("USER" to "alice", "LANG" to "en_US.ISO-8859-1"),
            encoding = Charsets.ISO_8859_1,
            serverEchoes = true,
        )
    }

    test("a raw client typing lines during the connect wait gets its prompt after about one connect-maxwait, not five") {
        val maxWait = java.time.Duration.ofMillis(1000)
        val server = fixture.start(testSettings(connectMaxWait = maxWait), echoShell())
        val started = TimeSource.Monotonic.markNow()
        val raw = fixture.rawSocket(server)
        raw.readExactly(3).hex() shouldBe OPENING.hex()
        coroutineScope {
            // A netcat user typing (or pasting) a line every 150 ms, until well past five waits.
            val typist = launch {
                repeat(40) { n ->
                    raw.send("line $n\r\n")
                    delay(150.milliseconds)
                }
            }
            // Data never re-arms the wait: the prompt comes one connect-maxwait after the connect.
            val first = raw.readUntil("> ", timeout = 4.seconds)
            val elapsed = started.elapsedNow()
            typist.cancel()
            String(first, Charsets.ISO_8859_1) shouldStartWith "> "
            elapsed shouldBeGreaterThan 900.milliseconds
            elapsed shouldBeLessThan 2500.milliseconds
        }
        // What was typed meanwhile is served, in order, once the shell runs.
        raw.readFor(500.milliseconds)
        String(raw.bytesSoFar, Charsets.ISO_8859_1) shouldContain "> got [line 0]\r\n> got [line 1]\r\n> "
    }
})
