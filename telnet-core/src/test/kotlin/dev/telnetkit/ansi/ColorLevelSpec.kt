package dev.telnetkit.ansi

import io.kotest.core.spec.style.FunSpec
import io.kotest.assertions.withClue
import io.kotest.matchers.shouldBe

private data class Case(val types: List<String>, val env: Map<String, String>, val userEnv: Map<String, String>, val expected: ColorLevel)

private fun check(vararg cases: Case) {
    for ((types, env, userEnv, expected) in cases) {
        withClue("$types env=$env userEnv=$userEnv") { ColorLevel.detect(types, env, userEnv) shouldBe expected }
    }
}

class ColorLevelSpec : FunSpec({
    test("TTYPE names") {
        check(
            Case(listOf("xterm-256color"), emptyMap(), emptyMap(), ColorLevel.PALETTE256),
            Case(listOf("screen-256color"), emptyMap(), emptyMap(), ColorLevel.PALETTE256),
            Case(listOf("xterm-direct"), emptyMap(), emptyMap(), ColorLevel.TRUECOLOR),
            Case(listOf("foot-truecolor"), emptyMap(), emptyMap(), ColorLevel.TRUECOLOR),
            Case(listOf("xterm"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("XTERM"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("vt100"), emptyMap(), emptyMap(), ColorLevel.ATTRIBUTES_ONLY),
            Case(listOf("vt102"), emptyMap(), emptyMap(), ColorLevel.ATTRIBUTES_ONLY),
            Case(listOf("vt220"), emptyMap(), emptyMap(), ColorLevel.ATTRIBUTES_ONLY),
            Case(listOf("ansi"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("ansi", "vt100"), emptyMap(), emptyMap(), ColorLevel.BASIC16), // Windows telnet.exe
            Case(listOf("linux"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("screen"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("tmux"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("syncterm"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("ansi-bbs"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("dumb"), emptyMap(), emptyMap(), ColorLevel.NONE),
            Case(listOf("unknown"), emptyMap(), emptyMap(), ColorLevel.NONE),
            Case(emptyList(), emptyMap(), emptyMap(), ColorLevel.NONE),
            Case(listOf("some-mud-client"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
        )
    }

    test("MTTS bits in the third answer") {
        check(
            Case(listOf("mudlet", "ansi", "mtts 137"), emptyMap(), emptyMap(), ColorLevel.PALETTE256), // 1 + 8 + 128
            Case(listOf("tintin++", "ansi", "mtts 2825"), emptyMap(), emptyMap(), ColorLevel.TRUECOLOR), // 256 set
            Case(listOf("x", "dumb", "mtts 1"), emptyMap(), emptyMap(), ColorLevel.BASIC16),
            Case(listOf("x", "dumb", "mtts 2"), emptyMap(), emptyMap(), ColorLevel.ATTRIBUTES_ONLY),
            Case(listOf("dumb", "dumb", "mtts 0"), emptyMap(), emptyMap(), ColorLevel.NONE),
            Case(listOf("xterm", "xterm", "MTTS 269"), emptyMap(), emptyMap(), ColorLevel.TRUECOLOR),
        )
    }

    test("NEW-ENVIRON COLORTERM") {
        check(
            Case(listOf("xterm-256color"), emptyMap(), mapOf("COLORTERM" to "truecolor"), ColorLevel.TRUECOLOR),
            Case(listOf("xterm-256color"), emptyMap(), mapOf("COLORTERM" to "24bit"), ColorLevel.TRUECOLOR),
            Case(listOf("xterm"), mapOf("COLORTERM" to "TrueColor"), emptyMap(), ColorLevel.TRUECOLOR),
            Case(listOf("xterm-256color"), emptyMap(), mapOf("COLORTERM" to "yes"), ColorLevel.PALETTE256),
            Case(listOf("vt100"), emptyMap(), mapOf("COLORTERM" to "truecolor"), ColorLevel.ATTRIBUTES_ONLY),
            Case(listOf("dumb"), emptyMap(), mapOf("COLORTERM" to "truecolor"), ColorLevel.NONE),
        )
    }
})
