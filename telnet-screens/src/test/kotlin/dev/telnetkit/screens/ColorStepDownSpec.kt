package dev.telnetkit.screens

import dev.telnetkit.ansi.ColorLevel
import dev.telnetkit.testkit.TerminalProfile
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** ANSI macros step colours down to what the terminal type can show, and vanish without ANSI. */
class ColorStepDownSpec : FunSpec({
    val server = install(TelnetServerExtension { BbsFixture.server() })

    suspend fun colorsFor(profile: TerminalProfile): String {
        val client = server.connect(profile)
        client.awaitText("Online: 42")
        client.send("c")
        return client.awaitText("BLUE")
    }

    test("xterm-256color gets basic colours and a palette colour for #rrggbb") {
        val shown = colorsFor(TerminalProfile.XTERM)
        shown shouldContain "\u001b[31mRED"
        shown shouldContain "\u001b[38;5;208mORANGE"
        shown shouldContain "\u001b[44mBLUE"
    }

    test("a plain xterm gets #rrggbb stepped down to the nearest of 16 colours") {
        val shown = colorsFor(TerminalProfile(terminalTypes = listOf("XTERM")))
        shown shouldContain "\u001b[31mRED"
        shown shouldNotContain "38;5;"
        shown shouldContain "ORANGE"
    }

    test("vt100 gets no colour at all, but bold stays") {
        val client = server.connect(TerminalProfile(terminalTypes = listOf("VT100")))
        val menu = client.awaitText("Online: 42")
        menu shouldContain "\u001b[1mMAIN MENU"
        client.send("c")
        val shown = client.awaitText("BLUE")
        Regex("\u001b\\[(3|4|9|10)\\d").containsMatchIn(shown) shouldBe false
        shown shouldContain "RED\u001b[0m ORANGE\u001b[0m BLUE"
    }

    test("a dumb terminal gets no escape codes from the macros") {
        val client = server.connect(TerminalProfile(terminalTypes = listOf("DUMB")))
        client.awaitText("Online: 42")
        client.send("c")
        val shown = client.awaitText("BLUE")
        shown shouldContain "RED ORANGE BLUE"
        shown shouldNotContain "\u001b[3"
    }

    test("colour names, palette indexes and RGB step down to the level; attributes stay at vt100 level") {
        TerminalStyle(ColorLevel.TRUECOLOR).color("#ff8800") shouldBe "\u001b[38;2;255;136;0m"
        TerminalStyle(ColorLevel.PALETTE256).color("#ff8800") shouldBe "\u001b[38;5;208m"
        TerminalStyle(ColorLevel.BASIC16).color("bright_green", background = true) shouldBe "\u001b[102m"
        TerminalStyle(ColorLevel.ATTRIBUTES_ONLY).color("red") shouldBe ""
        TerminalStyle(ColorLevel.ATTRIBUTES_ONLY).sgr(1) shouldBe "\u001b[1m"
        TerminalStyle(ColorLevel.NONE).sgr(1) shouldBe ""
        TerminalColor.parse("no-such-colour") shouldBe null
    }
})
