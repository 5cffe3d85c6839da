package dev.telnetkit.terminal

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe

/** History as a handler uses it: read, add, remove, clear (the editor's use is in LineEditorScreenSpec). */
class HistorySpec : FunSpec({
    test("entries are oldest first; get and size read them; get out of range is null") {
        val h = History().apply { add("one"); add("two") }
        h.entries shouldContainExactly listOf("one", "two")
        h.size shouldBe 2
        h[0] shouldBe "one"
        h[1] shouldBe "two"
        h[2] shouldBe null
        h[-1] shouldBe null
    }

    test("removeAt removes and returns the entry at an index, and returns null for an index with none") {
        val h = History().apply { listOf("a", "b", "c").forEach(::add) }
        h.removeAt(1) shouldBe "b"
        h.entries shouldContainExactly listOf("a", "c")
        h.removeAt(2) shouldBe null
        h.removeAt(-1) shouldBe null
        h.removeAt(0) shouldBe "a"
        h.entries shouldContainExactly listOf("c")
    }

    test("after removing the newest entry, a line equal to the one now newest is again kept once") {
        val h = History().apply { add("x"); add("y") }
        h.removeAt(1)
        h.add("x")
        h.entries shouldContainExactly listOf("x")
        h.add("y")
        h.entries shouldContainExactly listOf("x", "y")
    }

    test("clear removes every entry, and adding starts over") {
        val h = History(3).apply { listOf("a", "b", "c").forEach(::add) }
        h.clear()
        h.entries.shouldBeEmpty()
        h.size shouldBe 0
        h[0] shouldBe null
        h.add("d")
        h.entries shouldContainExactly listOf("d")
    }

    test("an entries snapshot does not change when the history does") {
        val h = History().apply { add("a") }
        val snapshot = h.entries
        h.add("b")
        h.clear()
        snapshot shouldContainExactly listOf("a")
    }

    test("a history of size 0 keeps nothing, and a size out of range is refused") {
        History(0).apply { add("a") }.entries.shouldBeEmpty()
        shouldThrow<IllegalArgumentException> { History(-1) }
        shouldThrow<IllegalArgumentException> { History(100_001) }
    }
})
