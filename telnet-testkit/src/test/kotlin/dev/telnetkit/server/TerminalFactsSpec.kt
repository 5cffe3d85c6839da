package dev.telnetkit.server

import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.channels.Channel
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.seconds

class TerminalFactsSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    /** Starts a server whose handler hands its session out, then runs the echo shell. */
    suspend fun sessionOf(profile: TerminalProfile): Pair<Session, TelnetTestClient> {
        val seen = CompletableDeferred<Session>()
        val server = fixture.start { s ->
            seen.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server, profile)
        client.awaitPrompt("> ")
        return withTimeout(5.seconds) { seen.await() } to client
    }

    test("NAWS sets the session's width and height") {
        val (session, _) = sessionOf(TerminalProfile(width = 100, height = 30))
        session.width shouldBe 100
        session.height shouldBe 30
        session.size shouldBe TerminalSize(100, 30)
    }

    test("a NAWS width of 255 (an IAC byte, doubled on the wire) arrives intact") {
        val (session, _) = sessionOf(TerminalProfile(width = 255, height = 511))
        session.size shouldBe TerminalSize(255, 511)
    }

    test("TTYPE cycling under MTTS takes the second name and keeps every name") {
        val (session, client) = sessionOf(TerminalProfile(terminalTypes = listOf("MUDLET", "ANSI-256COLOR", "MTTS 137")))
        session.terminalType shouldBe "ansi-256color"
        session.terminalTypes shouldBe listOf("mudlet", "ansi-256color", "mtts 137")
        // SENDs are asked two at a time: two, then two more once both are answered (the fourth's answer is ignored).
        client.negotiationLog.count { it == "recv SB TTYPE 01" } shouldBe 4
    }

    test("TTYPE cycling stops when a three-name list wraps around to its first name") {
        // A wrapping client answers A, B, C, A; the server must stop asking at the repeat.
        val (session, client) = sessionOf(TerminalProfile(terminalTypes = listOf("XTERM", "VT220", "ANSI", "XTERM")))
        session.terminalType shouldBe "xterm"
        session.terminalTypes shouldBe listOf("xterm", "vt220", "ansi")
        client.negotiationLog.count { it == "recv SB TTYPE 01" } shouldBe 4
    }

    test("TTYPE cycling stops when an xterm-style client repeats its last name") {
        val (session, client) = sessionOf(TerminalProfile(terminalTypes = listOf("XTERM-256COLOR", "XTERM")))
        session.terminalType shouldBe "xterm-256color"
        session.terminalTypes shouldBe listOf("xterm-256color", "xterm")
        // Two SENDs, then two more: the first of those gets the repeat that ends the cycle.
        client.negotiationLog.count { it == "recv SB TTYPE 01" } shouldBe 4
    }

    test("NEW-ENVIRON values reach the session, including bytes that need escaping") {
        val env = mapOf("USER" to "bob", "LANG" to "de_DE.UTF-8", "ODD" to "a\u0001b\u0002c", "UNICODE" to "Zoë")
        val (session, _) = sessionOf(TerminalProfile(environment = env))
        session.environment shouldBe env
    }

    test("NEW-ENVIRON USERVARs land in userEnvironment and never overwrite a VAR of the same name") {
        val (session, client) = sessionOf(TerminalProfile(environment = mapOf("USER" to "alice")))
        session.environment shouldBe mapOf("USER" to "alice")
        session.userEnvironment shouldBe emptyMap()

        fun environ(kind: Int, vararg entries: Pair<Int, String>): ByteArray {
            val body = java.io.ByteArrayOutputStream().apply { write(kind) }
            for ((type, text) in entries) { body.write(type); body.write(text.toByteArray()) }
            return bytes(IAC, SB, TelnetOption.NEW_ENVIRON) + body.toByteArray() + bytes(IAC, SE)
        }
        // IS VAR USER=alice USERVAR USER=root, then the other order, then an INFO update.
        client.sendBytes(environ(0, 0 to "USER", 1 to "alice", 3 to "USER", 1 to "root"))
        client.roundTrip("one")
        session.environment shouldBe mapOf("USER" to "alice")
        session.userEnvironment shouldBe mapOf("USER" to "root")

        client.sendBytes(environ(0, 3 to "USER", 1 to "root", 3 to "COLORTERM", 1 to "truecolor", 0 to "USER", 1 to "alice"))
        client.roundTrip("two")
        session.environment shouldBe mapOf("USER" to "alice")
        session.userEnvironment shouldBe mapOf("USER" to "root", "COLORTERM" to "truecolor")

        client.sendBytes(environ(2, 3 to "USER", 1 to "admin", 3 to "COLORTERM"))
        client.roundTrip("three")
        session.environment shouldBe mapOf("USER" to "alice")
        session.userEnvironment shouldBe mapOf("USER" to "admin")
    }

    test("a client that accepts only ISO-8859-1 gets it as the session encoding, and text uses it both ways") {
        val session = CompletableDeferred<Session>()
        val lines = Channel<String>(Channel.UNLIMITED)
        val server = fixture.start { s ->
            session.complete(s)
            s.writeLine("caf\u00e9")
            while (true) {
                val line = s.readLine("> ") ?: break
                lines.send(line)
                s.writeLine("got [$line]")
            }
        }
        val client = fixture.connect(server, TerminalProfile(charsets = listOf("ISO-8859-1")))
        client.awaitPrompt("> ")
        withTimeout(5.seconds) { session.await() }.encoding shouldBe Charsets.ISO_8859_1

        val out = client.receivedBytes
        out.indexOf(bytes('c'.code, 'a'.code, 'f'.code, 0xE9, 13, 10)) shouldNotBe -1
        out.indexOf(bytes(0xC3, 0xA9)) shouldBe -1

        // "naïve" in ISO-8859-1: the ï is the single byte 0xEF.
        client.sendBytes(bytes('n'.code, 'a'.code, 0xEF, 'v'.code, 'e'.code, 13, 10))
        withTimeout(5.seconds) { lines.receive() } shouldBe "na\u00efve"
        client.awaitText("got [")
        client.awaitPrompt("> ")
        val all = client.receivedBytes
        // The echo of the typed ï and the answer both carry it as 0xEF, never as UTF-8.
        all.indexOf(bytes('g'.code, 'o'.code, 't'.code, ' '.code, '['.code, 'n'.code, 'a'.code, 0xEF, 'v'.code, 'e'.code, ']'.code)) shouldNotBe -1
        all.indexOf(bytes(0xC3, 0xAF)) shouldBe -1
    }

    test("a resize mid-session updates width and height and calls the resize listener") {
        val session = CompletableDeferred<Session>()
        val resizes = Channel<TerminalSize>(Channel.UNLIMITED)
        val server = fixture.start { s ->
            s.addResizeListener { resizes.trySend(it) }
            session.complete(s)
            echoShell().handle(s)
        }
        val client = fixture.connect(server)
        client.awaitPrompt("> ")
        val s = withTimeout(5.seconds) { session.await() }
        s.size shouldBe TerminalSize(80, 24)

        client.resize(120, 40)
        withTimeout(5.seconds) { resizes.receive() } shouldBe TerminalSize(120, 40)
        s.width shouldBe 120
        s.height shouldBe 40

        // The same size again is no change; the next real change is reported, in order.
        client.resize(120, 40)
        client.resize(100, 30)
        withTimeout(5.seconds) { resizes.receive() } shouldBe TerminalSize(100, 30)
        s.size shouldBe TerminalSize(100, 30)
    }

    test("a resize arrives while the handler is busy and not reading") {
        val resized = CompletableDeferred<TerminalSize>()
        val release = CompletableDeferred<Unit>()
        val server = fixture.start { s ->
            s.addResizeListener { resized.complete(it) }
            s.writeLine("busy")
            release.await() // a long-running command: no readLine
            s.writeLine("done ${s.width}x${s.height}")
        }
        val client = fixture.connect(server)
        client.awaitText("busy")
        client.resize(90, 33)
        withTimeout(5.seconds) { resized.await() } shouldBe TerminalSize(90, 33)
        release.complete(Unit)
        client.awaitText("done 90x33")
    }
})

/** One round trip through the echo shell: what was sent before it has been handled. */
private suspend fun TelnetTestClient.roundTrip(word: String) {
    sendLine(word)
    awaitText("got [$word]")
}
