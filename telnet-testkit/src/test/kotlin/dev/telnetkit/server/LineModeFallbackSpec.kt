package dev.telnetkit.server

import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import java.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toKotlinDuration

class LineModeFallbackSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    test("a client that answers nothing still gets the prompt within connect-maxwait, and is served in line mode") {
        val maxWait = Duration.ofMillis(300)
        val session = CompletableDeferred<Session>()
        val server = fixture.start(testSettings(connectMaxWait = maxWait)) { s ->
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server, TerminalProfile.RAW)

        // Silence never re-arms the wait, so it ends after one connect-maxwait; the margin is generous.
        client.awaitPrompt("> ", timeout = maxWait.toKotlinDuration() + 3.seconds)
        val s = withTimeout(5.seconds) { session.await() }
        s.serverEchoes shouldBe false
        s.terminalType shouldBe "unknown"
        s.size shouldBe TerminalSize.DEFAULT

        client.sendLine("hello")
        client.awaitPrompt("> ") shouldBe "got [hello]\r\n"
        // netcat sends a bare LF.
        client.send("from netcat\n")
        client.awaitPrompt("> ") shouldBe "got [from netcat]\r\n"
    }

    test("a client that refuses every option works in line mode: no server echo, a line comes back processed") {
        val session = CompletableDeferred<Session>()
        // A long connect wait: refusals settle the negotiation, so the prompt must not wait for it.
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofSeconds(20))) { s ->
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server, TerminalProfile.REFUSE_ALL)

        client.awaitPrompt("> ", timeout = 10.seconds)
        val s = withTimeout(5.seconds) { session.await() }
        s.serverEchoes shouldBe false
        client.isEnabled(OptionSide.REMOTE, TelnetOption.ECHO) shouldBe false
        client.isEnabled(OptionSide.REMOTE, TelnetOption.SGA) shouldBe false

        client.sendLine("hello world")
        // Nothing echoed, character by character or otherwise: only the answer, then the prompt.
        client.awaitPrompt("> ") shouldBe "got [hello world]\r\n"
        client.sendLine("")
        client.awaitPrompt("> ") shouldBe "got []\r\n"
    }

    test("100 hidden reads on a line-mode client each hide the input with WILL ECHO and give echo back with WONT ECHO") {
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofSeconds(20))) { s ->
            while (true) {
                s.readLine("pw: ", echo = false) ?: break
                s.writeLine("ok")
                s.readLine("> ") ?: break
            }
        }
        val raw = fixture.rawSocket(server)
        raw.readExactly(3).hex() shouldBe bytes(IAC, DO, TelnetOption.TTYPE).hex()
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE))
        raw.readExactly(15) // WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET
        // Line mode: the client keeps its own echo and refuses the rest.
        raw.send(bytes(IAC, DONT, TelnetOption.SGA, IAC, DONT, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS,
            IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET))

        val willEcho = bytes(IAC, WILL, TelnetOption.ECHO)
        val wontEcho = bytes(IAC, WONT, TelnetOption.ECHO)
        repeat(100) { round ->
            withClue("round ${round + 1}") {
                // The client agrees each time, so it stops echoing the password locally...
                raw.readUntil("pw: ").indexOf(willEcho) shouldNotBe -1
                raw.send(bytes(IAC, DO, TelnetOption.ECHO) + "secret$round\r\n".toByteArray())
                // ...and gets its echo back after the line, with the password never shown.
                val after = raw.readUntil("> ")
                after.indexOf(wontEcho) shouldNotBe -1
                String(after, Charsets.ISO_8859_1) shouldContain "ok\r\n"
                raw.send(bytes(IAC, DONT, TelnetOption.ECHO) + "next\r\n".toByteArray())
            }
        }
        String(raw.bytesSoFar, Charsets.ISO_8859_1) shouldNotContain "secret"
    }
})
