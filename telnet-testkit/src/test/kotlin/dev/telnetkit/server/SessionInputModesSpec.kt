package dev.telnetkit.server

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.session.InterruptListener
import dev.telnetkit.terminal.Key
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.security.MessageDigest
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The session's reads beyond the line editor: single keys, raw text, interrupts taken as input,
 * masked and bounded fields, input triggers, and the raw 8-bit transfer over Telnet.
 */
class SessionInputModesSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    test("readKey returns each key as the terminal sends it, without echo") {
        val seen = CompletableDeferred<List<Key?>>()
        val server = fixture.start { s ->
            s.writeLine("ready")
            seen.complete(List(5) { s.readKey() })
        }
        val client = fixture.connect(server)
        client.awaitText("ready")
        client.send("a\u001b[A\u0003\u001b[6~\r")
        seen.await() shouldBe listOf(Key.Text.of('a'.code), Key.Up, Key.Interrupt, Key.PageDown, Key.Enter)
        client.output.substringAfter("ready") shouldNotContain "a"
    }

    test("awaitInput bounds the wait for a key and never loses one") {
        val keys = StringBuilder()
        val done = CompletableDeferred<String>()
        val server = fixture.start { s ->
            s.writeLine("ready")
            while (keys.length < 300) {
                // Very short waits, so that many time out just as a key arrives.
                if (!s.awaitInput(1.milliseconds)) continue
                keys.appendCodePoint((s.readKey() as Key.Text).codePoint)
            }
            done.complete(keys.toString())
        }
        val client = fixture.connect(server)
        client.awaitText("ready")
        val typed = (0 until 300).map { 'a' + it % 26 }.joinToString("")
        for (chunk in typed.chunked(3)) {
            client.send(chunk)
            delay(1)
        }
        done.await() shouldBe typed
    }

    test("readText hands escape sequences over raw, and takeInterrupts gives Ctrl-C to the reader, not the listeners") {
        val texts = CompletableDeferred<List<String?>>()
        val interrupts = AtomicInteger()
        val server = fixture.start { s ->
            s.addInterruptListener(InterruptListener { interrupts.incrementAndGet() })
            s.writeLine("ready")
            texts.complete(s.takeInterrupts { listOf(s.readText(), s.readText()) })
        }
        val client = fixture.connect(server)
        client.awaitText("ready")
        client.send("\u001b[A")
        delay(200)
        client.send("\u0003")
        texts.await() shouldBe listOf("\u001b[A", "\u0003")
        interrupts.get() shouldBe 0
    }

    test("a masked field shows one mask character per character typed and returns the text") {
        val line = CompletableDeferred<String?>()
        val server = fixture.start { s ->
            line.complete(s.readLine("Password: ", mask = '*'))
            s.writeLine("done")
        }
        val client = fixture.connect(server)
        client.awaitPrompt("Password: ")
        client.send("s3cr\u00e9t\r")
        line.await() shouldBe "s3cr\u00e9t"
        client.awaitText("done")
        client.output shouldContain "Password: ******"
        client.output shouldNotContain "s3cr"
    }

    test("maxLength refuses characters beyond it with a bell, and initial text is on the line to edit") {
        val lines = CompletableDeferred<List<String?>>()
        val server = fixture.start { s ->
            lines.complete(listOf(s.readLine("a: ", maxLength = 3), s.readLine("b: ", initial = "bob")))
        }
        val client = fixture.connect(server)
        client.awaitPrompt("a: ")
        client.send("abcdef\r")
        client.awaitPrompt("b: bob")
        client.send("\u007fx\r")
        lines.await() shouldBe listOf("abc", "box")
        client.output shouldContain "\u0007"
    }

    test("an input trigger runs in the reading coroutine, then the prompt and the typed text come back") {
        val line = CompletableDeferred<String?>()
        val server = fixture.start { s ->
            s.addInputTrigger("**\u0018B00") { session -> session.writeLine("transfer would start here") }
            line.complete(s.readLine("> "))
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        client.send("ab")
        client.awaitText("ab")
        client.send("**\u0018B0000000000000000\r\n")
        client.awaitText("transfer would start here")
        client.awaitText("> ab")
        client.send("c\r")
        line.await() shouldBe "abc"
    }

    test("binaryTransfer over Telnet: BINARY both ways, every byte value passes both ways, messages wait, and BINARY is given back") {
        val everyByte = ByteArray(256) { it.toByte() } + "\r\n\r\u0000\r".toByteArray()
        val received = CompletableDeferred<ByteArray>()
        val settings = testSettings(connectMaxWait = Duration.ofSeconds(20))
        val server = fixture.start(settings) { s ->
            s.readLine("> ")
            val modes = s.binaryTransfer { channel ->
                s.writeMessage("held back")
                channel.write(everyByte)
                channel.flush()
                val got = ByteArrayOutputStream()
                val buffer = ByteArray(7)
                while (got.size() < everyByte.size) {
                    val n = channel.read(buffer)
                    if (n < 0) break
                    got.write(buffer, 0, n)
                }
                received.complete(got.toByteArray())
                "${channel.binaryInput}/${channel.binaryOutput}"
            }
            s.writeLine("modes $modes")
            s.writeLine("line: ${s.readLine("> ")}")
        }
        val raw = fixture.rawSocket(server)
        raw.readExactly(3) // DO TTYPE
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE))
        raw.readExactly(15) // WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET
        raw.send(
            bytes(IAC, DO, TelnetOption.SGA, IAC, DONT, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS,
                IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET),
        )
        raw.readUntil("> ")
        raw.send("go\r\n")
        // The server asks for BINARY both ways and waits for the answers before any data.
        raw.readExactly(6).hex() shouldBe bytes(IAC, WILL, TelnetOption.BINARY, IAC, DO, TelnetOption.BINARY).hex()
        raw.send(bytes(IAC, DO, TelnetOption.BINARY, IAC, WILL, TelnetOption.BINARY))
        // Every byte value, IAC doubled and nothing else changed (a bare CR goes without NUL).
        val expectedOut = ByteArrayOutputStream()
        for (b in everyByte) {
            expectedOut.write(b.toInt())
            if (b == 0xff.toByte()) expectedOut.write(0xff)
        }
        raw.readExactly(expectedOut.size()).hex() shouldBe expectedOut.toByteArray().hex()
        val sent = ByteArrayOutputStream()
        for (b in everyByte) {
            sent.write(b.toInt())
            if (b == 0xff.toByte()) sent.write(0xff)
        }
        raw.send(sent.toByteArray())
        received.await().hex() shouldBe everyByte.hex()
        // Afterwards: BINARY given back both ways, then the message that waited, then text again.
        val after = raw.readUntil("> ")
        val afterText = String(after, Charsets.ISO_8859_1)
        afterText shouldContain String(bytes(IAC, WONT, TelnetOption.BINARY), Charsets.ISO_8859_1)
        afterText shouldContain String(bytes(IAC, DONT, TelnetOption.BINARY), Charsets.ISO_8859_1)
        afterText shouldContain "held back"
        afterText shouldContain "modes true/true"
        raw.send(bytes(IAC, DONT, TelnetOption.BINARY, IAC, WONT, TelnetOption.BINARY) + "after\r\n".toByteArray())
        String(raw.readUntil("line: after\r\n"), Charsets.ISO_8859_1) shouldContain "line: after"
    }

    test("binaryTransfer with a client that refuses BINARY still passes the bytes, and says so") {
        val modes = CompletableDeferred<String>()
        val digest = CompletableDeferred<String>()
        val data = ByteArray(4096) { (it * 31 + 7).toByte() }
        val server = fixture.start(testSettings(connectMaxWait = Duration.ofSeconds(20))) { s ->
            s.readLine("> ")
            s.binaryTransfer { channel ->
                modes.complete("${channel.binaryInput}/${channel.binaryOutput}")
                channel.write(data)
                channel.flush()
            }
            digest.complete("sent")
            s.writeLine("end")
        }
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE))
        raw.readExactly(15)
        raw.send(
            bytes(IAC, DO, TelnetOption.SGA, IAC, DONT, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS,
                IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET),
        )
        raw.readUntil("> ")
        raw.send("go\r\n")
        raw.readExactly(6)
        raw.send(bytes(IAC, DONT, TelnetOption.BINARY, IAC, WONT, TelnetOption.BINARY))
        modes.await() shouldBe "false/false"
        // NVT: IAC doubled and every CR as CR NUL (LF alone as it is); undoing both gives the data back.
        val wire = raw.readUntil("end\r\n")
        val body = wire.copyOfRange(0, wire.size - "end\r\n".length)
        val undone = ByteArrayOutputStream()
        var i = 0
        while (i < body.size) {
            val b = body[i].toInt() and 0xff
            undone.write(b)
            i += if ((b == 0xff && i + 1 < body.size && body[i + 1] == 0xff.toByte()) || (b == 13 && i + 1 < body.size && body[i + 1] == 0.toByte())) 2 else 1
        }
        MessageDigest.getInstance("SHA-256").digest(undone.toByteArray()).hex() shouldBe
            MessageDigest.getInstance("SHA-256").digest(data).hex()
        digest.await() shouldBe "sent"
    }
})
