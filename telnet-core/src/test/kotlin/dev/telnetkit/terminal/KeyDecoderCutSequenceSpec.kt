package dev.telnetkit.terminal

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly

/** Decodes [text] in one call, without a flush. */
private fun keysOf(text: String): List<Key> {
    val keys = ArrayList<Key>()
    KeyDecoder().decode(text) { keys += it }
    return keys
}

class KeyDecoderCutSequenceSpec : FunSpec({
    test("an ESC inside an unfinished CSI or SS3 sequence starts a new sequence, so the next one never becomes text") {
        for ((cut, name) in listOf("\u001b[" to "ESC [", "\u001b[1;" to "ESC [ 1 ;", "\u001bO" to "ESC O")) {
            withClue("$name then ESC [ A") { keysOf(cut + "\u001b[A") shouldContainExactly listOf(Key.Up) }
            withClue("$name then ESC O B") { keysOf(cut + "\u001bOB") shouldContainExactly listOf(Key.Down) }
            withClue("$name then ESC b") { keysOf(cut + "\u001bbx") shouldContainExactly listOf(Key.WordLeft, Key.Text('x'.code)) }
        }
    }

    test("an overlong CSI cut by an ESC is still swallowed, and the sequence after it counts") {
        keysOf("\u001b[" + "1;".repeat(5000) + "\u001b[3~z") shouldContainExactly listOf(Key.Delete, Key.Text('z'.code))
    }
})
