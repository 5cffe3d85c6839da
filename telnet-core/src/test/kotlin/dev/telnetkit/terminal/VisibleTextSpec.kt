package dev.telnetkit.terminal

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeSameInstanceAs

private const val ESC = "\u001b"

class VisibleTextSpec : FunSpec({
    test("a prompt without escape sequences or controls is itself, not a copy") {
        val prompt = "user@host:~$ "
        visibleText(prompt) shouldBeSameInstanceAs prompt
    }

    test("escape sequences of every kind are left out, whatever ends them") {
        val cases = listOf(
            "$ESC[1;32m>$ESC[0m " to "> ", // CSI (SGR)
            "$ESC]0;user@host: ~\u0007> " to "> ", // OSC ended by BEL
            "$ESC]2;title$ESC\\> " to "> ", // OSC ended by ST
            "$ESC]8;;http://example.com/$ESC\\link$ESC]8;;$ESC\\> " to "link> ", // OSC 8 hyperlink
            "${ESC}P1\$r0m$ESC\\a${ESC}_apc$ESC\\b${ESC}^pm\u0007c${ESC}Xsos$ESC\\d" to "abcd", // DCS, APC, PM, SOS
            "$ESC(Bx$ESC#8y${ESC}7z${ESC}8" to "xyz", // intermediates, two-byte sequences
            "a$ESC]0;title$ESC[1mb" to "ab", // an ESC inside a string ends it and starts the next
            "a$ESC]0;never ended" to "a",
            "a$ESC" to "a",
            "a\u0007b\r\u007fc\u0085d" to "abcd", // controls, DEL, C1
            "日本$ESC[0m語 e\u0301" to "日本語 e\u0301",
        )
        for ((prompt, shown) in cases) withClue(prompt.replace(ESC, "ESC")) { visibleText(prompt) shouldBe shown }
    }
})
