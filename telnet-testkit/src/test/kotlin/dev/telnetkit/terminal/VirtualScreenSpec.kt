package dev.telnetkit.terminal

import dev.telnetkit.testkit.VirtualScreen
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe

private const val ESC = "\u001b"

private fun screen(width: Int = 10, height: Int = 4, vararg feeds: String) = VirtualScreen(width, height).apply { feeds.forEach { feed(it) } }

private val VirtualScreen.cursor: Pair<Int, Int> get() = cursorRow to cursorColumn

class VirtualScreenSpec : FunSpec({

    context("plain text and control characters") {
        test("printable characters go left to right and the cursor follows them") {
            val s = screen(10, 3, "hello")
            s.lines shouldContainExactly listOf("hello", "", "")
            s.cursor shouldBe (0 to 5)
            s.text shouldBe "hello"
        }

        test("rows are right-trimmed and text drops trailing blank rows but keeps blank rows between") {
            val s = screen(10, 4, "a  \r\n\r\nb")
            s.lines shouldContainExactly listOf("a", "", "b", "")
            s.text shouldBe "a\n\nb"
            s.rowText(2) shouldBe "b"
        }

        test("CR goes to column 0 and LF goes down keeping the column, so a line break is CR LF") {
            screen(10, 3, "ab\r\ncd").lines shouldContainExactly listOf("ab", "cd", "")
            val s = screen(10, 3, "ab\ncd")
            s.lines shouldContainExactly listOf("ab", "  cd", "")
            s.cursor shouldBe (1 to 4)
        }

        test("LF on the bottom row scrolls everything up and the top row is gone") {
            val s = screen(5, 2, "one\r\ntwo\r\nthree")
            s.lines shouldContainExactly listOf("two", "three")
            s.cursor shouldBe (1 to 4) // "three" fills the row: wrap pending
        }

        test("BS moves left without erasing and stops at column 0") {
            val s = screen(10, 2, "abc\b\b")
            s.lines[0] shouldBe "abc"
            s.cursor shouldBe (0 to 1)
            s.feed("\b\b\bX")
            s.lines[0] shouldBe "Xbc"
        }

        test("BEL is not shown but counted") {
            val s = screen(10, 2, "a\u0007b\u0007")
            s.lines[0] shouldBe "ab"
            s.bellCount shouldBe 2
        }

        test("TAB goes to the next multiple of 8 and stops at the last column") {
            val s = screen(20, 2, "a\tb")
            s.lines[0] shouldBe "a       b"
            s.cursor shouldBe (0 to 9)
            s.feed("\t")
            s.cursor shouldBe (0 to 16)
            s.feed("\t")
            s.cursor shouldBe (0 to 19)
        }

        test("other control characters, DEL and C1 controls are not shown") {
            screen(10, 2, "a\u0001\u007f\u0085\u009bb").lines[0] shouldBe "ab"
        }
    }

    context("deferred autowrap") {
        test("writing the last column leaves the cursor there with a wrap pending, and the next character wraps") {
            val s = screen(5, 3, "abcde")
            s.cursor shouldBe (0 to 4)
            s.lines[1] shouldBe ""
            s.isWrapped(0).shouldBeFalse()
            s.feed("f")
            s.lines shouldContainExactly listOf("abcde", "f", "")
            s.cursor shouldBe (1 to 1)
            s.isWrapped(0).shouldBeTrue()
        }

        test("CR cancels the pending wrap") {
            val s = screen(5, 3, "abcde\rX")
            s.lines shouldContainExactly listOf("Xbcde", "", "")
            s.isWrapped(0).shouldBeFalse()
        }

        test("BS cancels the pending wrap and moves left of the last column") {
            screen(5, 3, "abcde\bX").lines shouldContainExactly listOf("abcXe", "", "")
        }

        test("cursor moves cancel the pending wrap") {
            screen(5, 3, "abcde$ESC[DX").lines[0] shouldBe "abcXe"
            val right = screen(5, 3, "abcde$ESC[CX")
            right.lines shouldContainExactly listOf("abcdX", "", "")
            right.cursor shouldBe (0 to 4)
            screen(5, 3, "abcde$ESC[3GX").lines[0] shouldBe "abXde"
        }

        test("LF cancels the pending wrap and keeps the column") {
            screen(5, 3, "abcde\nX").lines shouldContainExactly listOf("abcde", "    X", "")
        }

        test("CR LF after a full row gives exactly one line break and no soft wrap") {
            val s = screen(5, 3, "abcde\r\nf")
            s.lines shouldContainExactly listOf("abcde", "f", "")
            s.isWrapped(0).shouldBeFalse()
        }

        test("a wrap on the bottom row scrolls") {
            val s = screen(3, 2, "abcdefg")
            s.lines shouldContainExactly listOf("def", "g")
            s.isWrapped(0).shouldBeTrue()
            s.cursor shouldBe (1 to 1)
        }
    }

    context("wide characters and combining marks") {
        test("a wide character takes two cells and shows once") {
            val s = screen(10, 2, "日本x")
            s.lines[0] shouldBe "日本x"
            s.cursor shouldBe (0 to 5)
        }

        test("an emoji outside the BMP takes two cells, also when its surrogates arrive in separate feeds") {
            val s = screen(10, 2, "\uD83D", "\uDE00", "!")
            s.lines[0] shouldBe "😀!"
            s.cursor shouldBe (0 to 3)
        }

        test("a lone surrogate shows as U+FFFD") {
            screen(10, 2, "a\uDE00b\uD83Dc").lines[0] shouldBe "a\uFFFDb\uFFFDc"
        }

        test("a wide character that does not fit in the last column leaves it blank and goes to the next row") {
            val s = screen(5, 3, "abcd日")
            s.lines shouldContainExactly listOf("abcd", "日", "")
            s.isWrapped(0).shouldBeTrue()
            s.cursor shouldBe (1 to 2)
        }

        test("a wide character filling the last two columns leaves a wrap pending") {
            val s = screen(5, 3, "abc日")
            s.cursor shouldBe (0 to 4)
            s.feed("x")
            s.lines shouldContainExactly listOf("abc日", "x", "")
        }

        test("a combining mark joins the character before it and takes no cell") {
            val s = screen(10, 2, "e\u0301x")
            s.lines[0] shouldBe "e\u0301x"
            s.cursor shouldBe (0 to 2)
        }

        test("a combining mark after the last column (wrap pending) joins the last character") {
            val s = screen(5, 3, "abcde\u0301")
            s.lines[0] shouldBe "abcde\u0301"
            s.cursor shouldBe (0 to 4)
            val wrapped = screen(5, 3, "abcde\u0301f")
            wrapped.lines shouldContainExactly listOf("abcde\u0301", "f", "")
        }

        test("a combining mark at column 0 is dropped, as tmux drops it, also right after a soft wrap") {
            val afterWrap = screen(5, 3, "abcde", " \r\u0301x")
            afterWrap.lines shouldContainExactly listOf("abcde", "x", "")
            afterWrap.isWrapped(0).shouldBeTrue()
            screen(5, 3, "ab\r\n\u0301c").lines shouldContainExactly listOf("ab", "c", "")
            screen(5, 3, "ab\r\u0301").lines[0] shouldBe "ab"
        }

        test("a combining mark on a wide character stays with it") {
            screen(10, 2, "日\u0308本").lines[0] shouldBe "日\u0308本"
        }

        test("overwriting either half of a wide character erases the whole character") {
            screen(10, 2, "日本\rx").lines[0] shouldBe "x 本"
            screen(10, 2, "日本$ESC[2Gx").lines[0] shouldBe " x本"
            screen(10, 2, "日本$ESC[2G日").lines[0] shouldBe " 日"
        }

        test("backspacing over a wide character and writing two spaces erases it") {
            val s = screen(10, 2, "ab日", "\b\b  \b\b")
            s.lines[0] shouldBe "ab"
            s.cursor shouldBe (0 to 2)
        }
    }

    context("escape sequences") {
        test("ESC [ n A, B, C and D move the cursor, default 1, clamped at the edges, never scrolling") {
            val s = screen(10, 5, "$ESC[3B$ESC[4C")
            s.cursor shouldBe (3 to 4)
            s.feed("$ESC[A")
            s.cursor shouldBe (2 to 4)
            s.feed("$ESC[2D")
            s.cursor shouldBe (2 to 2)
            s.feed("$ESC[C$ESC[0C")
            s.cursor shouldBe (2 to 4)
            s.feed("$ESC[99A$ESC[99D")
            s.cursor shouldBe (0 to 0)
            s.feed("$ESC[99B$ESC[99C")
            s.cursor shouldBe (4 to 9)
            s.lines.all { it.isEmpty() }.shouldBeTrue()
        }

        test("ESC [ n G sets the column") {
            val s = screen(10, 2, "abcdef$ESC[3G")
            s.cursor shouldBe (0 to 2)
            s.feed("$ESC[G")
            s.cursor shouldBe (0 to 0)
            s.feed("$ESC[50G")
            s.cursor shouldBe (0 to 9)
        }

        test("ESC [ row;col H positions the cursor and ESC [ H goes home") {
            val s = screen(10, 5, "$ESC[3;4Hx")
            s.lines[2] shouldBe "   x"
            s.feed("$ESC[H")
            s.cursor shouldBe (0 to 0)
            s.feed("$ESC[;5H")
            s.cursor shouldBe (0 to 4)
            s.feed("$ESC[2H")
            s.cursor shouldBe (1 to 0)
            s.feed("$ESC[9;99H")
            s.cursor shouldBe (4 to 9)
        }

        fun filled() = screen(5, 3, "aaaaa\r\nbbbbb\r\nccccc$ESC[2;3H")

        test("ESC [ J and ESC [ 0 J erase from the cursor to the end of the screen") {
            for (seq in listOf("$ESC[J", "$ESC[0J")) {
                val s = filled().apply { feed(seq) }
                s.lines shouldContainExactly listOf("aaaaa", "bb", "")
                s.cursor shouldBe (1 to 2)
            }
        }

        test("ESC [ 1 J erases from the start of the screen to the cursor, inclusive") {
            filled().apply { feed("$ESC[1J") }.lines shouldContainExactly listOf("", "   bb", "ccccc")
        }

        test("ESC [ 2 J erases the whole screen and leaves the cursor where it was") {
            val s = filled().apply { feed("$ESC[2J") }
            s.text shouldBe ""
            s.cursor shouldBe (1 to 2)
        }

        test("ESC [ K and ESC [ 0 K erase from the cursor to the end of the row") {
            for (seq in listOf("$ESC[K", "$ESC[0K")) {
                filled().apply { feed(seq) }.lines shouldContainExactly listOf("aaaaa", "bb", "ccccc")
            }
        }

        test("ESC [ 1 K erases from the start of the row to the cursor, inclusive") {
            filled().apply { feed("$ESC[1K") }.lines shouldContainExactly listOf("aaaaa", "   bb", "ccccc")
        }

        test("ESC [ 2 K erases the whole row and keeps the cursor") {
            val s = filled().apply { feed("$ESC[2K") }
            s.lines shouldContainExactly listOf("aaaaa", "", "ccccc")
            s.cursor shouldBe (1 to 2)
        }

        test("erasing the right part of a soft-wrapped row ends the wrap") {
            val s = screen(5, 3, "abcdefg$ESC[A$ESC[K")
            s.lines shouldContainExactly listOf("ab", "fg", "")
            s.isWrapped(0).shouldBeFalse()
        }

        test("erasing half of a wide character erases all of it") {
            screen(10, 2, "ab日本$ESC[4G$ESC[K").lines[0] shouldBe "ab"
            screen(10, 2, "ab日本$ESC[4G$ESC[1K").lines[0] shouldBe "    本"
        }

        test("SGR sequences are ignored") {
            val s = screen(20, 2, "$ESC[1;31mred$ESC[0m $ESC[38;5;196mx$ESC[m")
            s.lines[0] shouldBe "red x"
            s.cursor shouldBe (0 to 5)
        }

        test("other CSI sequences, private ones and ones with intermediates, are swallowed whole") {
            val s = screen(20, 2, "a$ESC[?25lb$ESC[>0cc$ESC[5nd$ESC[2 qe$ESC[?1049hf")
            s.lines[0] shouldBe "abcdef"
            s.cursor shouldBe (0 to 6)
        }

        test("a lone ESC followed by another character is ignored with that character") {
            screen(20, 2, "a${ESC}7b${ESC}Mc").lines[0] shouldBe "abc"
        }

        test("an ESC with intermediate bytes (a charset designation) is ignored up to its final byte") {
            screen(20, 2, "a$ESC(Bb$ESC#8c$ESC%Gd").lines[0] shouldBe "abcd"
        }

        test("OSC sequences (window titles) are ignored with their payload, ended by BEL or by ST, and that BEL rings nothing") {
            val s = screen(30, 2, "$ESC]0;my title\u0007> a$ESC]2;other$ESC\\b$ESC]8;;http://x/${ESC}\\c")
            s.lines[0] shouldBe "> abc"
            s.cursor shouldBe (0 to 5)
            s.bellCount shouldBe 0
        }

        test("the other control strings (DCS, SOS, PM, APC) are ignored up to ST, and a split one as well") {
            val s = screen(20, 2, "a${ESC}P1\$r0m$ESC\\b${ESC}_apc$ESC\\c${ESC}^pm$ESC\\d", "${ESC}X", "so", "s$ESC", "\\e")
            s.lines[0] shouldBe "abcde"
            s.cursor shouldBe (0 to 5)
        }

        test("a sequence split across feeds works as a whole one") {
            val s = screen(10, 3, "abc", ESC, "[", "2", ";", "3", "H", "x", "$ESC[1", "m", "y")
            s.lines[1] shouldBe "  xy"
        }

        test("a control character inside a sequence is executed, as in xterm") {
            screen(10, 3, "abc$ESC[\r2Cx").lines[0] shouldBe "abx"
        }
    }

    context("resize reflows soft-wrapped lines") {
        test("narrowing rewraps a logical line and keeps the cursor after the last character") {
            val s = screen(10, 6, "0123456789abcde")
            s.resize(4, 6)
            s.lines shouldContainExactly listOf("0123", "4567", "89ab", "cde", "", "")
            s.cursor shouldBe (3 to 3)
            (0..2).all { s.isWrapped(it) }.shouldBeTrue()
            s.isWrapped(3).shouldBeFalse()
            s.width shouldBe 4
        }

        test("widening joins the rows of a logical line again") {
            val s = screen(4, 6, "0123456789abcde")
            s.resize(20, 6)
            s.lines[0] shouldBe "0123456789abcde"
            s.text shouldBe "0123456789abcde"
            s.cursor shouldBe (0 to 15)
            s.feed("!")
            s.text shouldBe "0123456789abcde!"
        }

        test("hard line breaks are kept") {
            val s = screen(10, 6, "abc\r\ndef")
            s.resize(2, 6)
            s.lines shouldContainExactly listOf("ab", "c", "de", "f", "", "")
            s.resize(10, 6)
            s.text shouldBe "abc\ndef"
        }

        test("the cursor stays on the same character when it is in the middle of a line") {
            val s = screen(10, 6, "0123456789abcde$ESC[2G") // on 'b'
            s.resize(4, 6)
            s.cursor shouldBe (2 to 3)
            s.feed("B")
            s.text shouldBe "0123\n4567\n89aB\ncde"
        }

        test("a pending wrap survives a resize as the position after the last character") {
            val s = screen(5, 4, "abcde")
            s.resize(10, 4)
            s.cursor shouldBe (0 to 5)
            s.feed("f")
            s.text shouldBe "abcdef"
            val narrow = screen(5, 4, "abcde")
            narrow.resize(3, 4)
            narrow.feed("f")
            narrow.text shouldBe "abc\ndef"
            val sameEnd = screen(10, 4, "abcdef")
            sameEnd.resize(3, 4)
            sameEnd.cursor shouldBe (2 to 0)
            sameEnd.feed("g")
            sameEnd.text shouldBe "abc\ndef\ng"
        }

        test("wide characters are rewrapped with the blank cell only where one does not fit") {
            val s = screen(5, 5, "ab日本")
            s.lines.take(2) shouldContainExactly listOf("ab日", "本")
            s.resize(3, 5)
            s.lines.take(3) shouldContainExactly listOf("ab", "日", "本")
            s.resize(6, 5)
            s.lines.take(2) shouldContainExactly listOf("ab日本", "")
            s.cursor shouldBe (1 to 0)
            s.resize(5, 5)
            s.lines.take(2) shouldContainExactly listOf("ab日", "本")
            s.cursor shouldBe (1 to 2)
        }

        test("combining marks move with their characters") {
            val s = screen(4, 4, "abce\u0301fg")
            s.lines.take(2) shouldContainExactly listOf("abce\u0301", "fg")
            s.resize(3, 4)
            s.lines shouldContainExactly listOf("abc", "e\u0301fg", "", "")
            s.cursor shouldBe (2 to 0)
        }

        test("rows above the cursor go when the content no longer fits, rows below it go first if they are blank") {
            val s = screen(8, 3, "one\r\n01234567890123")
            s.resize(4, 3)
            s.lines shouldContainExactly listOf("4567", "8901", "23")
            s.cursor shouldBe (2 to 2)
            val tall = screen(8, 3, "ab")
            tall.resize(8, 5)
            tall.lines shouldContainExactly listOf("ab", "", "", "", "")
            tall.resize(8, 2)
            tall.lines shouldContainExactly listOf("ab", "")
            tall.height shouldBe 2
        }

        test("blank rows between lines and the cursor on a blank row below the text stay in place") {
            val s = screen(6, 6, "abcdefgh\r\n\r\nxy\r\n")
            s.resize(3, 6)
            s.lines shouldContainExactly listOf("abc", "def", "gh", "", "xy", "")
            s.cursor shouldBe (5 to 0)
        }

        test("a screen smaller than 2x1 is refused") {
            shouldThrow<IllegalArgumentException> { VirtualScreen(1, 5) }
            shouldThrow<IllegalArgumentException> { VirtualScreen(5, 5).resize(5, 0) }
        }
    }

    test("toString shows the rows, the soft wraps and the cursor, for assertion messages") {
        val s = screen(4, 2, "abcdef")
        withClue(s.toString()) {
            s.toString() shouldBe "screen 4x2, cursor at row 1 column 2, 0 bells\n|abcd\\\n|ef|\n"
        }
    }
})
