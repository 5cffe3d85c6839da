package dev.telnetkit.protocol

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe

/** Feeds [replies] until the cycle stops asking; returns how many replies were taken. */
private fun TerminalTypeCycle.feed(vararg replies: String): Int {
    var taken = 0
    for (reply in replies) {
        taken++
        if (!accept(reply)) break
    }
    return taken
}

class TerminalTypeCycleSpec : FunSpec({

    test("an xterm-style client repeating its only name ends the cycle on the repeat") {
        val cycle = TerminalTypeCycle(8)
        cycle.accept("XTERM-256COLOR") shouldBe true
        cycle.finished shouldBe false
        cycle.chosen.shouldBeNull()
        cycle.accept("XTERM-256COLOR") shouldBe false
        cycle.finished shouldBe true
        cycle.chosen shouldBe "xterm-256color"
        cycle.names shouldContainExactly listOf("xterm-256color")
    }

    test("a client that wraps around to its first name ends the cycle; the first name is chosen") {
        val cycle = TerminalTypeCycle(8)
        cycle.feed("ANSI", "VT100", "VT52", "VTNT", "ANSI", "VT100") shouldBe 5
        cycle.chosen shouldBe "ansi"
        cycle.names shouldContainExactly listOf("ansi", "vt100", "vt52", "vtnt")
    }

    test("a client that repeats its last name (Windows telnet: ANSI, VT100, VT100) ends the cycle") {
        val cycle = TerminalTypeCycle(8)
        cycle.feed("ANSI", "VT100", "VT100", "VT100") shouldBe 3
        cycle.chosen shouldBe "ansi"
        cycle.names shouldContainExactly listOf("ansi", "vt100")
    }

    test("an empty reply ends the cycle; with no name before it nothing is chosen") {
        val empty = TerminalTypeCycle(8)
        empty.accept("") shouldBe false
        empty.finished shouldBe true
        empty.chosen.shouldBeNull()
        empty.names.shouldBeEmpty()

        val blank = TerminalTypeCycle(8)
        blank.feed("LINUX", "   ") shouldBe 2
        blank.chosen shouldBe "linux"
        blank.names shouldContainExactly listOf("linux")
    }

    test("MTTS: a third reply starting with 'MTTS ' ends the cycle and the second reply is chosen") {
        val cycle = TerminalTypeCycle(8)
        cycle.accept("MUDLET") shouldBe true
        cycle.accept("ANSI-256COLOR") shouldBe true
        cycle.accept("MTTS 137") shouldBe false
        cycle.finished shouldBe true
        cycle.chosen shouldBe "ansi-256color"
        cycle.names shouldContainExactly listOf("mudlet", "ansi-256color", "mtts 137")
    }

    test("'MTTS ' means nothing as the second or the fourth reply") {
        val second = TerminalTypeCycle(8)
        second.accept("MUDLET") shouldBe true
        second.accept("MTTS 137") shouldBe true
        second.finished shouldBe false
        second.accept("MUDLET") shouldBe false
        second.chosen shouldBe "mudlet"

        val fourth = TerminalTypeCycle(8)
        fourth.feed("A", "B", "C", "MTTS 9", "A") shouldBe 5
        fourth.chosen shouldBe "a"
        fourth.names shouldContainExactly listOf("a", "b", "c", "mtts 9")
    }

    test("'MTTS' needs the space: 'MTTSX' as the third reply is an ordinary name") {
        val cycle = TerminalTypeCycle(8)
        cycle.feed("A", "B", "MTTSX") shouldBe 3
        cycle.finished shouldBe false
    }

    test("the cycle gives up after maxReplies distinct names and chooses the first") {
        val cycle = TerminalTypeCycle(3)
        cycle.accept("A") shouldBe true
        cycle.accept("B") shouldBe true
        cycle.accept("C") shouldBe false
        cycle.finished shouldBe true
        cycle.chosen shouldBe "a"
        cycle.names shouldContainExactly listOf("a", "b", "c")
    }

    test("a client that never repeats is asked at most maxReplies times") {
        for (max in 1..10) {
            val cycle = TerminalTypeCycle(max)
            cycle.feed(*Array(100) { "T$it" }) shouldBe max
            cycle.names.size shouldBe max
            cycle.chosen shouldBe "t0"
        }
    }

    test("with maxReplies 1 the first reply ends the cycle") {
        val cycle = TerminalTypeCycle(1)
        cycle.accept("VT100") shouldBe false
        cycle.chosen shouldBe "vt100"
    }

    test("after the cycle ends further replies change nothing") {
        val cycle = TerminalTypeCycle(8)
        cycle.feed("XTERM", "XTERM")
        cycle.accept("VT100") shouldBe false
        cycle.accept("") shouldBe false
        cycle.chosen shouldBe "xterm"
        cycle.names shouldContainExactly listOf("xterm")
    }

    test("names are trimmed and lower-cased, and compared that way") {
        val cycle = TerminalTypeCycle(8)
        cycle.accept("  Xterm-256Color ") shouldBe true
        cycle.accept("XTERM-256COLOR") shouldBe false
        cycle.chosen shouldBe "xterm-256color"
    }
})
