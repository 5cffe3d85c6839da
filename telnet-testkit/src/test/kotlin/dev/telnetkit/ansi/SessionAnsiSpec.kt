package dev.telnetkit.ansi

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.indexOf
import dev.telnetkit.server.onTestTransport
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.session.render
import dev.telnetkit.session.renderBox
import dev.telnetkit.session.screenControl
import dev.telnetkit.session.showsCp437
import dev.telnetkit.session.writeArt
import dev.telnetkit.terminal.AnsiStyle
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/** A SyncTERM-style picture: bold blue `╔═╗` in CP437, a line break, a smiley. */
private val PICTURE = byteArrayOf(0x1B, '['.code.toByte(), '1'.code.toByte(), ';'.code.toByte(), '3'.code.toByte(), '4'.code.toByte(), 'm'.code.toByte(),
    0xC9.toByte(), 0xCD.toByte(), 0xBB.toByte(), 0x1B, '['.code.toByte(), '0'.code.toByte(), 'm'.code.toByte(), 0x0D, 0x0A, 0x01)

private val ORANGE_TEXT = ansi { bold { fg(AnsiColor.rgb(255, 128, 0)) { +"orange" } } }

/**
 * The ANSI toolkit through a real Telnet connection: the session's colour level comes from what
 * the client negotiated, and what the handler writes reaches the client as that level shows it.
 */
class SessionAnsiSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)

    /** Runs [handler] for one client with [profile]; returns the session and every byte received up to `END`. */
    suspend fun run(profile: TerminalProfile, handler: suspend (Session) -> Unit): Pair<Session, ByteArray> {
        val seen = CompletableDeferred<Session>()
        val server = TelnetServer(
            ServerSettings(host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(30)).onTestTransport(),
            SessionHandler { s ->
                seen.complete(s)
                handler(s)
                s.writeLine("END")
                s.readLine("> ")
            },
        ).start()
        try {
            val client = TelnetTestClient.connect("127.0.0.1", server.port, profile)
            client.awaitText("END")
            client.close()
            return withTimeout(5.seconds) { seen.await() } to client.receivedBytes
        } finally {
            withTimeoutOrNull(10.seconds) { server.stop(Duration.ZERO) }
        }
    }

    test("xterm-256color with COLORTERM=truecolor: TRUECOLOR, and the RGB codes reach the client") {
        val (session, bytes) = run(TerminalProfile(terminalTypes = listOf("XTERM-256COLOR"), environment = mapOf("COLORTERM" to "truecolor"))) { s ->
            s.writeLine(s.render(ORANGE_TEXT))
        }
        session.colorLevel shouldBe ColorLevel.TRUECOLOR
        String(bytes, Charsets.UTF_8) shouldContain "\u001b[0;1;38;2;255;128;0morange\u001b[0m"
    }

    test("xterm-256color alone: the same text stepped down to palette 208") {
        val (session, bytes) = run(TerminalProfile(terminalTypes = listOf("XTERM-256COLOR"))) { s -> s.writeLine(s.render(ORANGE_TEXT)) }
        session.colorLevel shouldBe ColorLevel.PALETTE256
        String(bytes, Charsets.UTF_8) shouldContain "\u001b[0;1;38;5;208morange\u001b[0m"
    }

    test("vt100: bold without colour, from render and from Session.styled alike") {
        val (session, bytes) = run(TerminalProfile(terminalTypes = listOf("VT100"))) { s ->
            s.writeLine(s.render(ORANGE_TEXT))
            s.writeLine(s.styled("warn", AnsiStyle.BOLD, AnsiStyle.RED))
        }
        session.colorLevel shouldBe ColorLevel.ATTRIBUTES_ONLY
        val text = String(bytes, Charsets.UTF_8)
        text shouldContain "\u001b[0;1morange\u001b[0m"
        text shouldContain "\u001b[1mwarn\u001b[0m"
        text shouldNotContain "38;"
        text shouldNotContain "\u001b[1;31m"
    }

    test("a handler's choice overrides the detected level, and no level turns ANSI on for dumb") {
        val (_, bytes) = run(TerminalProfile(terminalTypes = listOf("XTERM-256COLOR"))) { s ->
            s.colorLevel = ColorLevel.BASIC16
            s.writeLine(s.render(ORANGE_TEXT))
        }
        String(bytes, Charsets.UTF_8) shouldContain "\u001b[0;1;33morange\u001b[0m"

        val (dumb, plain) = run(TerminalProfile(terminalTypes = listOf("DUMB"))) { s ->
            s.colorLevel = ColorLevel.TRUECOLOR
            s.write(s.screenControl.clearScreen())
            s.writeLine(s.render(ORANGE_TEXT) + s.screenControl.moveTo(1, 1))
        }
        dumb.colorLevel shouldBe ColorLevel.NONE
        plain.indexOf(byteArrayOf(0x1B)) shouldBe -1
        String(plain, Charsets.UTF_8) shouldContain "orange"
    }

    test("SyncTERM gets the art's CP437 bytes unchanged; xterm gets UTF-8; dumb gets it without codes") {
        val art = AnsiArt.of(PICTURE + byteArrayOf(0x1A))
        val (syncterm, raw) = run(TerminalProfile(terminalTypes = listOf("syncterm"))) { s -> s.writeArt(art) }
        syncterm.showsCp437 shouldBe true
        raw.indexOf(PICTURE) shouldNotBe -1

        val (_, utf8) = run(TerminalProfile(terminalTypes = listOf("XTERM-256COLOR"))) { s -> s.writeArt(art) }
        utf8.indexOf(PICTURE) shouldBe -1
        String(utf8, Charsets.UTF_8) shouldContain "\u001b[1;34m╔═╗\u001b[0m\r\n☺"

        val (_, dumb) = run(TerminalProfile(terminalTypes = listOf("DUMB"))) { s -> s.writeArt(art) }
        dumb.indexOf(byteArrayOf(0x1B)) shouldBe -1
        String(dumb, Charsets.UTF_8) shouldContain "╔═╗\r\n☺"
    }

    test("a box fits the terminal's NAWS width, and is ASCII for a dumb terminal") {
        val lines = listOf("漢字".repeat(30))
        val box = Box.builder().title("News").build()
        val (_, bytes) = run(TerminalProfile(terminalTypes = listOf("XTERM"), width = 20)) { s -> s.writeLine(s.renderBox(box, lines)) }
        val text = String(bytes, Charsets.UTF_8)
        text shouldContain "┌ News ────────────┐\r\n│漢字漢字漢字漢字漢│\r\n"
        val (_, plain) = run(TerminalProfile(terminalTypes = listOf("DUMB"), width = 20)) { s -> s.writeLine(s.renderBox(box, lines)) }
        String(plain, Charsets.UTF_8) shouldContain "+ News ------------+\r\n"
    }
})
