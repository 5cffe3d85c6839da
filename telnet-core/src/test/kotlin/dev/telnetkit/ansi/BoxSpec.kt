package dev.telnetkit.ansi

import dev.telnetkit.terminal.CharacterWidth
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe

class BoxSpec : FunSpec({
    val cjk = "漢字のテキストは二つのセルを使います" // 18 wide characters: 36 cells
    val accented = "e\u0301te\u0301 cafe\u0301 " + "word ".repeat(20)

    fun List<String>.cells() = map { CharacterWidth.of(it) }

    test("a single box around short lines, as wide as its text plus the border") {
        Box.builder().build().render(listOf("hi", "there"), 80) shouldBe listOf(
            "┌─────┐",
            "│hi   │",
            "│there│",
            "└─────┘",
        )
    }

    test("a double border with a title and padding, centred text") {
        Box.builder().border(BorderStyle.DOUBLE).title("Menu").padding(1).alignment(TextAlignment.CENTER).build()
            .render(listOf("[M]ail", "[Q]uit"), 80) shouldBe listOf(
            "╔ Menu ══╗",
            "║ [M]ail ║",
            "║ [Q]uit ║",
            "╚════════╝",
        )
    }

    for (width in listOf(20, 80)) {
        test("wide and combining characters wrap to fit width $width exactly, rows all the same width") {
            val rows = Box.builder().title("タイトル that is long").padding(1).build().render(listOf(cjk, accented, cjk + cjk + cjk), width)
            val cells = rows.cells()
            withClue(rows.joinToString("\n")) {
                cells.forEach { it shouldBeLessThanOrEqual width }
                cells.toSet().size shouldBe 1
            }
            // Nothing of the text is lost when wrapping (the border and padding taken away again).
            val text = rows.drop(1).dropLast(1).joinToString("") { it.substring(2, it.length - 2).trimEnd() }
            text.replace(" ", "") shouldBe (cjk + accented + cjk + cjk + cjk).replace(" ", "")
        }

        test("truncated lines fit width $width too") {
            val rows = Box.builder().truncate(true).fill(true).build().render(listOf(cjk + cjk + cjk, accented), width)
            rows.cells() shouldBe List(rows.size) { width }
            rows.size shouldBe 4
        }
    }

    test("an odd width and a wide character at the edge: the wide one moves to the next row") {
        val rows = Box.builder().fill(true).build().render(listOf("ab漢字"), 5)
        rows shouldBe listOf("┌───┐", "│ab │", "│漢 │", "│字 │", "└───┘")
    }

    test("ASCII borders for a charset without box characters and for a dumb terminal; CP437 has no rounded corners") {
        val box = Box.builder().border(BorderStyle.ROUNDED).build()
        box.render(listOf("x"), 80, Charsets.ISO_8859_1) shouldBe listOf("+-+", "|x|", "+-+")
        box.render(listOf("x"), 80, Charsets.UTF_8, plain = true) shouldBe listOf("+-+", "|x|", "+-+")
        box.render(listOf("x"), 80, charset("IBM437")) shouldBe listOf("┌─┐", "│x│", "└─┘")
        box.render(listOf("x"), 80, Charsets.UTF_8) shouldBe listOf("╭─╮", "│x│", "╰─╯")
    }

    test("too narrow for a border: the text alone, fitted") {
        Box.builder().build().render(listOf("hello"), 3) shouldBe listOf("hel", "lo")
    }

    test("text fitting helpers: truncate, pad, center, a rule") {
        TextFit.truncate("漢字漢字", 5) shouldBe "漢字"
        TextFit.truncate("cafe\u0301!", 4) shouldBe "cafe\u0301"
        TextFit.center("ab", 7) shouldBe "  ab   "
        TextFit.pad("漢", 4, TextAlignment.RIGHT) shouldBe "  漢"
        Box.horizontalRule(4, BorderStyle.DOUBLE) shouldBe "════"
        Box.horizontalRule(3, BorderStyle.DOUBLE, Charsets.US_ASCII) shouldBe "---"
    }
})
