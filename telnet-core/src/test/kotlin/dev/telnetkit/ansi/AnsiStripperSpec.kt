package dev.telnetkit.ansi

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class AnsiStripperSpec : FunSpec({
    val e = "\u001b"

    test("CSI, OSC and two-byte escapes go; text, tabs and line breaks stay") {
        AnsiStripper.strip("$e[1;31mred$e[0m\t$e]0;title\u0007x$e(By$e[2J\r\n") shouldBe "red\txy\r\n"
    }

    test("cursor-forward becomes spaces, bounded for a hostile count") {
        AnsiStripper.strip("a$e[5Cb$e[Cc") shouldBe "a     b c"
        AnsiStripper.strip("$e[999999999C").length shouldBe AnsiStripper.MAX_FORWARD
    }

    test("other controls go, and a cut-off sequence at the end does not crash") {
        AnsiStripper.strip("a\u0007b\u0000c$e[12") shouldBe "abc"
        AnsiStripper.strip("x$e") shouldBe "x"
    }

    test("SGR step-down rewrites 256 and RGB colours and keeps other sequences") {
        SgrStepDown.apply("$e[38;2;255;0;0mr$e[48;5;208mo$e[0m$e[2;3H", ColorLevel.PALETTE256) shouldBe
            "$e[38;5;196mr$e[48;5;208mo$e[0m$e[2;3H"
        SgrStepDown.apply("$e[1;38;2;255;128;0mo", ColorLevel.BASIC16) shouldBe "$e[1;33mo"
        SgrStepDown.apply("$e[31mr$e[4;44mu", ColorLevel.ATTRIBUTES_ONLY) shouldBe "r$e[4mu"
        SgrStepDown.apply("$e[31mr$e[2;3H", ColorLevel.NONE) shouldBe "r"
        SgrStepDown.apply("$e[38;2;1;2;3mx", ColorLevel.TRUECOLOR) shouldBe "$e[38;2;1;2;3mx"
    }

    test("screen control writes nothing for a dumb terminal but a line break for clear screen") {
        val ansi = ScreenControl.forLevel(ColorLevel.ATTRIBUTES_ONLY)
        ansi.moveTo(2, 5) shouldBe "$e[2;5H"
        ansi.up(3) + ansi.back() + ansi.forward(0) shouldBe "$e[3A$e[1D"
        ansi.clearScreen() shouldBe "$e[H$e[2J"
        ansi.scrollRegion(2, 20) shouldBe "$e[2;20r"
        val plain = ScreenControl.forLevel(ColorLevel.NONE)
        plain.moveTo(2, 5) + plain.hideCursor() + plain.saveCursor() + plain.clearToEndOfLine() shouldBe ""
        plain.clearScreen() shouldBe "\n"
    }
})
