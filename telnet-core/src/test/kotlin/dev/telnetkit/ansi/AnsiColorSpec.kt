package dev.telnetkit.ansi

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class AnsiColorSpec : FunSpec({
    test("pure red steps down to palette 196, then to bright red 9") {
        val red = AnsiColor.rgb(255, 0, 0)
        red.stepDown(ColorLevel.TRUECOLOR) shouldBe red
        red.stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(196)
        red.stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(9)
        AnsiColor.indexed(196).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(9)
    }

    test("orange steps down to cube 208, then to the standard yellow 3") {
        val orange = AnsiColor.rgb(255, 128, 0)
        orange.stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(208)
        orange.stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(3)
        AnsiColor.indexed(208).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(3)
    }

    test("greys go to the grey ramp, not the cube, and to black, grey or white among the 16") {
        AnsiColor.rgb(128, 128, 128).stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(244)
        AnsiColor.rgb(8, 8, 8).stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(232)
        AnsiColor.rgb(238, 238, 238).stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(255)
        AnsiColor.rgb(40, 40, 40).stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(235)
        AnsiColor.rgb(128, 128, 128).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(8)
        AnsiColor.rgb(10, 10, 10).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(0)
        AnsiColor.rgb(250, 250, 250).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(15)
        AnsiColor.indexed(244).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.basic(8)
    }

    test("an exact cube colour stays itself") {
        AnsiColor.rgb(95, 135, 175).stepDown(ColorLevel.PALETTE256) shouldBe AnsiColor.indexed(16 + 36 * 1 + 6 * 2 + 3)
    }

    test("no colour at all without colour levels, and low palette indexes are the basic ones") {
        AnsiColor.rgb(1, 2, 3).stepDown(ColorLevel.ATTRIBUTES_ONLY) shouldBe null
        AnsiColor.RED.stepDown(ColorLevel.NONE) shouldBe null
        AnsiColor.indexed(4).stepDown(ColorLevel.BASIC16) shouldBe AnsiColor.BLUE
    }

    test("SGR parameters for each kind, foreground and background") {
        AnsiColor.RED.sgr(ColorLevel.TRUECOLOR) shouldBe "31"
        AnsiColor.BRIGHT_RED.sgr(ColorLevel.BASIC16, background = true) shouldBe "101"
        AnsiColor.rgb(255, 128, 0).sgr(ColorLevel.TRUECOLOR) shouldBe "38;2;255;128;0"
        AnsiColor.rgb(255, 128, 0).sgr(ColorLevel.PALETTE256, background = true) shouldBe "48;5;208"
        AnsiColor.rgb(255, 128, 0).sgr(ColorLevel.BASIC16) shouldBe "33"
        AnsiColor.rgb(255, 128, 0).sgr(ColorLevel.ATTRIBUTES_ONLY) shouldBe ""
    }

    test("out-of-range channels and indexes are refused") {
        shouldThrow<IllegalArgumentException> { AnsiColor.rgb(256, 0, 0) }
        shouldThrow<IllegalArgumentException> { AnsiColor.indexed(-1) }
        shouldThrow<IllegalArgumentException> { AnsiColor.basic(16) }
    }
})
