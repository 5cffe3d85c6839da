package dev.telnetkit.chat

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.string
import io.kotest.property.checkAll

/** What users send is cleaned of everything a terminal would act on. */
class ChatTextSpec : FunSpec({
    test("plain text, including non-ASCII, is kept; blanks around it are trimmed; tabs become spaces") {
        ChatText.clean("  héllo\twörld 日本 ") shouldBe "héllo wörld 日本"
    }

    test("CSI sequences go whole, 7-bit and 8-bit") {
        ChatText.clean("a\u001b[2Jb\u001b[1;31mc\u001b[?25ld\u009b5;5He") shouldBe "abcde"
    }

    test("OSC, DCS, APC strings go up to BEL, ST or ESC backslash") {
        ChatText.clean("a\u001b]0;title\u0007b\u001bPq#0\u001b\\c\u001b_x\u009cd\u009d8;;http://x\u001b\\e") shouldBe "abcde"
    }

    test("two-byte and nF escapes, C0 and C1 controls, DEL and bidi overrides are removed") {
        ChatText.clean("a\u001bcb\u001b(0c\u0000\u0008\u007f\u0085d\u202ee\u2066f\u200fg") shouldBe "abcdefg"
    }

    test("an escape cut off at the end of the text is removed") {
        ChatText.clean("ok\u001b[12") shouldBe "ok"
        ChatText.clean("ok\u001b]unterminated") shouldBe "ok"
        ChatText.clean("ok\u001b") shouldBe "ok"
    }

    test("no output of any input holds an ESC, a C0 or C1 control, or DEL") {
        val chars = Arb.string(0..60, (0..0xa0).map { it.toChar() }.joinToString(""))
        checkAll(2000, chars) { text: String ->
            ChatText.clean(text).none { it < ' ' || it in '\u007f'..'\u009f' } shouldBe true
        }
    }
})
