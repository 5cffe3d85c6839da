package dev.telnetkit.ansi

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class AnsiTextSpec : FunSpec({
    val e = "\u001b"
    val sample = ansi {
        bold { fg(AnsiColor.rgb(255, 128, 0)) { +"hot" } }
        +" cold"
    }

    test("true colour keeps the RGB, with bold, and resets before plain text") {
        sample.render(ColorLevel.TRUECOLOR) shouldBe "$e[0;1;38;2;255;128;0mhot$e[0m cold"
    }

    test("stepped down to 256 and 16 colours") {
        sample.render(ColorLevel.PALETTE256) shouldBe "$e[0;1;38;5;208mhot$e[0m cold"
        sample.render(ColorLevel.BASIC16) shouldBe "$e[0;1;33mhot$e[0m cold"
    }

    test("attributes only keeps bold without the colour; NONE is plain text") {
        sample.render(ColorLevel.ATTRIBUTES_ONLY) shouldBe "$e[0;1mhot$e[0m cold"
        sample.render(ColorLevel.NONE) shouldBe "hot cold"
        sample.plain shouldBe "hot cold"
    }

    test("runs that look the same at a level merge into one") {
        val text = ansi {
            fg(AnsiColor.rgb(255, 0, 0)) { +"a" }
            fg(AnsiColor.rgb(250, 5, 5)) { +"b" }
        }
        text.render(ColorLevel.BASIC16) shouldBe "$e[0;91mab$e[0m"
        text.render(ColorLevel.ATTRIBUTES_ONLY) shouldBe "ab"
    }

    test("the Java builder's pen styles the text after it, until plain") {
        val text = AnsiText.builder().underline().background(AnsiColor.BLUE).text("x").plain().text("y").build()
        text.render(ColorLevel.BASIC16) shouldBe "$e[0;4;44mx$e[0my"
    }
})
