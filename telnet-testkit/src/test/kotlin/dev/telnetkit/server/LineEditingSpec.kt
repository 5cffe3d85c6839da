package dev.telnetkit.server

import dev.telnetkit.session.Session

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.locks.LockSupport
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.seconds

/**
 * What a message shown during a read looks like on the wire: carriage return, an erase (to the end
 * of the line or of the screen), the message on a line of its own, then [redrawn] (prompt and typed
 * text) drawn again, with nothing else in between.
 */
private fun messageRedraw(message: String, redrawn: String): Regex =
    Regex("""\r\u001b\[[0-2]?[JK]""" + Regex.escape(message) + """\r\n""" + Regex.escape(redrawn))

class LineEditingSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    /** A server running the echo shell and a character-mode client at its first prompt. */
    suspend fun shell(profile: TerminalProfile = TerminalProfile.XTERM, settings: ServerSettings = testSettings()): TelnetTestClient {
        val server = fixture.start(settings, echoShell())
        return fixture.connect(server, profile).also { it.awaitPrompt("> ") }
    }

    test("typed characters are echoed, and Enter answers with CR LF before the response") {
        val client = shell()
        client.send("abc")
        client.awaitText("abc")
        client.send("\r\n")
        client.awaitPrompt("> ") shouldBe "\r\ngot [abc]\r\n"
    }

    test("BS and DEL each erase the last character and echo BS SP BS") {
        val client = shell()
        client.send("abx\bc")
        client.awaitText("abx\b \bc")
        client.send("dy\u007f\r\n")
        client.awaitPrompt("> ") shouldBe "dy\b \b\r\ngot [abcd]\r\n"
    }

    test("CR LF, CR NUL, a lone CR and a lone LF each end exactly one line") {
        val client = shell()
        client.send("a\r\nb\r\u0000c\rd\nend\r\n")
        client.awaitText("got [end]\r\n> ")
        val answers = Regex("""got \[(.*?)]""").findAll(client.output).map { it.groupValues[1] }.toList()
        answers shouldBe listOf("a", "b", "c", "d", "end")
    }

    for ((name, ending) in listOf("CR LF" to "\r\n", "CR NUL" to "\r\u0000", "a lone CR" to "\r", "a lone LF" to "\n")) {
        test("$name sent on its own ends the line once, with no extra empty line") {
            val client = shell()
            client.send("x$ending")
            client.awaitPrompt("> ") shouldBe "x\r\ngot [x]\r\n"
            client.sendLine("next")
            client.awaitPrompt("> ") shouldBe "next\r\ngot [next]\r\n"
        }
    }

    test("a CR at the end of one TCP write and the LF at the start of the next end one line") {
        val client = shell()
        client.send("first\r")
        // The CR alone ends the line; the LF is still to come in a later packet.
        client.awaitPrompt("> ") shouldBe "first\r\ngot [first]\r\n"
        client.send("\nsecond\r")
        client.awaitPrompt("> ") shouldBe "second\r\ngot [second]\r\n"
        client.send("\u0000third\r\n")
        client.awaitPrompt("> ") shouldBe "third\r\ngot [third]\r\n"
    }

    test("with BINARY input (no NVT line-ending rules in the decoder) CR LF still ends one line, even split across writes") {
        val server = fixture.start(handler = echoShell())
        val raw = fixture.rawSocket(server)
        raw.readExactly(3) // IAC DO TTYPE
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE, IAC, WILL, TelnetOption.BINARY))
        val offers = raw.readExactly(18) // WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET, DO BINARY
        offers.indexOf(bytes(IAC, DO, TelnetOption.BINARY)) shouldNotBe -1
        raw.send(
            bytes(IAC, DO, TelnetOption.SGA, IAC, DO, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS) +
                bytes(IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET),
        )
        raw.readUntil("> ").toString(Charsets.ISO_8859_1) shouldBe "> "

        raw.send("one\r\n")
        raw.readUntil("> ").toString(Charsets.ISO_8859_1) shouldBe "one\r\ngot [one]\r\n> "
        raw.send("two\r")
        raw.readUntil("> ").toString(Charsets.ISO_8859_1) shouldBe "two\r\ngot [two]\r\n> "
        raw.send("\nthree\r")
        raw.readUntil("> ").toString(Charsets.ISO_8859_1) shouldBe "three\r\ngot [three]\r\n> "
        raw.send("\u0000four\n")
        raw.readUntil("> ").toString(Charsets.ISO_8859_1) shouldBe "four\r\ngot [four]\r\n> "
    }

    test("a read with echo off echoes nothing typed, not even erasures") {
        val lines = Channel<String>(Channel.UNLIMITED)
        val server = fixture.start { s ->
            val secret = s.readLine("Password: ", echo = false) ?: return@start
            lines.send(secret)
            s.writeLine("checked")
            echoShell().handle(s)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("Password: ")
        client.send("hunter3\b2\r\n")
        withTimeout(5.seconds) { lines.receive() } shouldBe "hunter2"
        client.awaitPrompt("> ") shouldBe "\r\nchecked\r\n"
    }

    test("IAC AYT is answered with the areYouThereAnswer, and the prompt and typed text are redrawn") {
        val client = shell(settings = testSettings(areYouThereAnswer = "[still here]"))
        client.send("ab")
        client.awaitText("ab")
        client.sendCommand(TelnetCommand.AYT)
        // Back to the start of the line, erase, the answer on its own line, then prompt and typed text again.
        client.awaitText("[still here]\r\n> ab") shouldMatch messageRedraw("[still here]", "> ab")
        client.sendLine("c")
        client.awaitPrompt("> ") shouldBe "c\r\ngot [abc]\r\n"
    }

    test("IAC IP abandons the line typed so far") {
        val client = shell()
        client.send("rm -rf")
        client.awaitText("rm -rf")
        client.sendCommand(TelnetCommand.IP)
        client.awaitText("^C\r\n> ")
        client.sendLine("ls")
        client.awaitPrompt("> ") shouldBe "ls\r\ngot [ls]\r\n"
    }

    test("Ctrl-C abandons the line typed so far") {
        val client = shell()
        client.send("oops\u0003")
        client.awaitText("oops^C\r\n> ")
        client.sendLine("ok")
        client.awaitPrompt("> ") shouldBe "ok\r\ngot [ok]\r\n"
    }

    test("IAC EC and IAC EL erase in line mode") {
        val client = shell(TerminalProfile.REFUSE_ALL)
        client.send("abc")
        client.sendCommand(TelnetCommand.EC)
        client.sendLine("d")
        client.awaitPrompt("> ") shouldBe "got [abd]\r\n"

        client.send("wrong")
        client.sendCommand(TelnetCommand.EL)
        client.sendLine("right")
        client.awaitPrompt("> ") shouldBe "got [right]\r\n"
    }

    test("UTF-8 characters split across writes arrive intact") {
        val client = shell()
        val e = "\u00e9".toByteArray() // 2 bytes
        val euro = "\u20ac".toByteArray() // 3 bytes
        val grin = "\ud83d\ude00".toByteArray() // 4 bytes
        client.sendBytes("a".toByteArray() + e.copyOfRange(0, 1))
        client.awaitText("a")
        client.sendBytes(e.copyOfRange(1, 2) + euro.copyOfRange(0, 1))
        client.awaitText("\u00e9")
        client.sendBytes(euro.copyOfRange(1, 2))
        client.sendBytes(euro.copyOfRange(2, 3) + grin.copyOfRange(0, 2))
        client.awaitText("\u20ac")
        client.sendBytes(grin.copyOfRange(2, 4) + "\r\n".toByteArray())
        client.awaitPrompt("> ") shouldBe "\ud83d\ude00\r\ngot [a\u00e9\u20ac\ud83d\ude00]\r\n"
    }

    test("invalid UTF-8 becomes U+FFFD and the session goes on") {
        val client = shell()
        client.sendBytes(bytes('x'.code, 0x80, 'y'.code, 0xC3, 0x28, 13, 10))
        client.awaitText("got [x\ufffdy\ufffd(]\r\n> ")
        client.sendLine("fine")
        client.awaitPrompt("> ") shouldBe "fine\r\ngot [fine]\r\n"
    }

    test("writeMessage from another thread while half a line is typed redraws the prompt and the partial input") {
        val session = CompletableDeferred<Session>()
        val server = fixture.start { s ->
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.send("hal")
        client.awaitText("hal")

        val s = withTimeout(5.seconds) { session.await() }
        withContext(Dispatchers.IO) {
            val t = Thread { s.writeMessage("Broadcast: lunch is ready") }
            t.start()
            t.join()
        }
        client.awaitText("Broadcast: lunch is ready\r\n> hal") shouldMatch messageRedraw("Broadcast: lunch is ready", "> hal")
        client.sendLine("f")
        client.awaitPrompt("> ") shouldBe "f\r\ngot [half]\r\n"
    }

    test("writeMessage in line mode puts the message on a line of its own and prompts again") {
        val session = CompletableDeferred<Session>()
        val server = fixture.start { s ->
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server, TerminalProfile.REFUSE_ALL)
        client.awaitPrompt("> ")
        withTimeout(5.seconds) { session.await() }.writeMessage("news")
        client.awaitPrompt("> ") shouldBe "\r\nnews\r\n"
    }

    test("messages arriving while lines are entered never draw a prompt for a line that is already finished") {
        val session = CompletableDeferred<Session>()
        val server = fixture.start { s ->
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        val s = withTimeout(5.seconds) { session.await() }
        val stop = AtomicBoolean(false)
        // Messages as fast as the screen lock lets them through, so that some land right as Enter is handled.
        val spammer = thread(name = "spammer") {
            var n = 0
            while (!stop.get()) {
                s.writeMessage("m${n++}")
                LockSupport.parkNanos(20_000)
            }
        }
        try {
            repeat(300) { i ->
                client.send("x$i\r")
                client.awaitText("got [x$i]\r\n")
            }
        } finally {
            stop.set(true)
            withContext(Dispatchers.IO) { spammer.join() }
        }
        // A stray prompt is a prompt drawn again below a message after Enter: the answer then follows it.
        client.output shouldNotContain "> got ["
    }

    test("a kill at one prompt is yanked at the next: the kill buffer belongs to the session") {
        val client = shell()
        client.send("rm -rf build\u0015")
        client.send("ls\r")
        client.awaitText("got [ls]\r\n> ")
        client.send("\u0019\r")
        client.awaitText("got [rm -rf build]\r\n> ")
    }

    test("what is typed at an echo-off prompt never reaches the session's kill buffer") {
        val server = fixture.start { s ->
            s.readLine("Password: ", echo = false) ?: return@start
            echoShell().handle(s)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("Password: ")
        // Typed, killed with Ctrl-U and Ctrl-W, typed again.
        client.send("hunter2\u0015old pw\u0017\u0017pw\r")
        client.awaitPrompt("> ")
        client.send("\u0019\r")
        client.awaitPrompt("> ") shouldBe "\r\ngot []\r\n"
        client.output shouldNotContain "hunter2"
    }

    test("closing the connection in character mode with half a line typed ends the read without that line") {
        val read = CompletableDeferred<String?>()
        val server = fixture.start { s -> read.complete(s.readLine("> ")) }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.send("rm -rf /")
        client.awaitText("rm -rf /") // echoed by the server: character mode
        client.close()
        withTimeout(5.seconds) { read.await() } shouldBe null
    }

    test("in line mode a last line without a line end is still a line when the client closes its input") {
        val read = Channel<String?>(Channel.UNLIMITED)
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofMillis(200))) { s ->
            while (true) {
                val line = s.readLine("> ")
                read.send(line)
                if (line == null) break
            }
        }
        // A plain socket answers no option: line mode, as with `printf 'first\nsecond' | nc`.
        val raw = fixture.rawSocket(server)
        raw.readUntil("> ")
        raw.send("first\nsecond")
        withContext(Dispatchers.IO) { raw.socket.shutdownOutput() }
        withTimeout(5.seconds) { listOf(read.receive(), read.receive(), read.receive()) } shouldBe listOf("first", "second", null)
    }

    test("type-ahead still waiting when the client closes its input is read before the end") {
        val gate = CompletableDeferred<Unit>()
        val read = Channel<String?>(Channel.UNLIMITED)
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofMillis(200))) { s ->
            s.write("> ")
            gate.await()
            while (true) {
                val line = s.readLine()
                read.send(line)
                if (line == null) break
            }
        }
        // Lines in more reads than the session's queue holds (4), then the end of input, all while
        // the handler reads nothing: most reads wait as type-ahead when the end arrives. (The pauses
        // make the server read the chunks apart; nothing tells when it has, but a pass is never false.)
        val raw = fixture.rawSocket(server)
        raw.readUntil("> ")
        val lines = (1..200).map { "line $it" }
        for (chunk in lines.chunked(10)) {
            raw.send(chunk.joinToString("") { "$it\n" })
            kotlinx.coroutines.delay(30)
        }
        withContext(Dispatchers.IO) { raw.socket.shutdownOutput() }
        // Nothing tells when the server has seen the end; give it a moment (a pass is never false).
        kotlinx.coroutines.delay(300)
        gate.complete(Unit)
        val got = withTimeout(10.seconds) {
            buildList {
                do {
                    val line = read.receive()
                    add(line)
                } while (line != null)
            }
        }
        got shouldBe lines + listOf(null)
    }
})
