package dev.telnetkit.screens

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

    test("colour arithmetic: names, palette indexes and RGB step down") {
        TerminalColor.nearestIndexed(TerminalColor.Rgb(255, 136, 0)) shouldBe 208
        TerminalColor.nearestBasic(TerminalColor.Rgb(250, 10, 10)) shouldBe 9
        TerminalStyle(ansi = true, depth = TerminalStyle.ColorDepth.TRUECOLOR, unicode = true).color("#ff8800") shouldBe "\u001b[38;2;255;136;0m"
        TerminalStyle(ansi = true, depth = TerminalStyle.ColorDepth.BASIC16, unicode = true).color("bright_green", background = true) shouldBe "\u001b[102m"
        TerminalStyle(ansi = true, depth = TerminalStyle.ColorDepth.NONE, unicode = true).color("red") shouldBe ""
    }
})
