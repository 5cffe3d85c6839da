package dev.telnetkit.terminal

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe

private const val ESC = "\u001b"

/** Decodes [parts] one decode call each, without a flush. */
private fun KeyDecoder.keys(vararg parts: String): List<Key> {
    val keys = ArrayList<Key>()
    for (p in parts) decode(p) { keys += it }
    return keys
}

private fun decode(vararg parts: String): List<Key> = KeyDecoder().keys(*parts)

/** [s] with its control characters spelled out, for test names and clues. */
private fun show(s: String) = buildString {
    for (c in s) when {
        c == '\u001b' -> append("ESC ")
        c == '\r' -> append("CR ")
        c == '\n' -> append("LF ")
        c == '\u007f' -> append("DEL ")
        c < ' ' -> append('^').append('@' + c.code).append(' ')
        else -> append(c)
    }
}.trim()

/** Every sequence form in KeyDecoder's KDoc, with the key it stands for. */
private val SEQUENCES: List<Pair<String, Key>> = listOf(
    "$ESC[A" to Key.Up, "$ESC[B" to Key.Down, "$ESC[C" to Key.Right, "$ESC[D" to Key.Left,
    "${ESC}OA" to Key.Up, "${ESC}OB" to Key.Down, "${ESC}OC" to Key.Right, "${ESC}OD" to Key.Left,
    "$ESC[H" to Key.Home, "$ESC[F" to Key.End, "$ESC[1~" to Key.Home, "$ESC[4~" to Key.End,
    "$ESC[7~" to Key.Home, "$ESC[8~" to Key.End, "${ESC}OH" to Key.Home, "${ESC}OF" to Key.End,
    "$ESC[2~" to Key.Insert, "$ESC[3~" to Key.Delete, "$ESC[5~" to Key.PageUp, "$ESC[6~" to Key.PageDown,
    "$ESC[1;5D" to Key.WordLeft, "$ESC[1;5C" to Key.WordRight, "${ESC}Od" to Key.WordLeft, "${ESC}Oc" to Key.WordRight,
    "$ESC[1;3D" to Key.WordLeft, "$ESC[1;3C" to Key.WordRight,
    "${ESC}O5D" to Key.WordLeft, "${ESC}O5C" to Key.WordRight, "${ESC}O3D" to Key.WordLeft, "${ESC}O1;5C" to Key.WordRight,
    "${ESC}O2A" to Key.Up, "${ESC}O2D" to Key.Left, "${ESC}O5H" to Key.Home,
    "${ESC}b" to Key.WordLeft, "${ESC}f" to Key.WordRight, "${ESC}d" to Key.DeleteWordRight,
    "$ESC\u007f" to Key.DeleteWordLeft, "$ESC\b" to Key.DeleteWordLeft,
    "\r" to Key.Enter, "\n" to Key.Enter, "\r\n" to Key.Enter, "\r\u0000" to Key.Enter,
    "\t" to Key.Tab, "\b" to Key.Backspace, "\u007f" to Key.Backspace, "\u0003" to Key.Interrupt,
    "\u0001" to Key.Control('A'), "\u0012" to Key.Control('R'), "\u001a" to Key.Control('Z'),
    "a" to Key.Text('a'.code), "é" to Key.Text(0xE9), "日" to Key.Text(0x65E5), "😀" to Key.Text(0x1F600),
)

class KeyDecoderSpec : FunSpec({

    context("every sequence form decodes to its key") {
        for ((seq, key) in SEQUENCES) {
            test("${show(seq)} is $key") {
                val d = KeyDecoder()
                d.keys(seq) shouldContainExactly listOf(key)
                d.hasPending.shouldBeFalse()
            }
        }
    }

    test("every sequence split at every point gives the same key") {
        for ((seq, key) in SEQUENCES) for (cut in 0..seq.length) {
            withClue("${show(seq)} cut at $cut") {
                decode(seq.substring(0, cut), seq.substring(cut)) shouldContainExactly listOf(key)
            }
        }
    }

    test("a stream of all the sequences gives the same keys however it is cut into two or three calls") {
        // "\n" right after "\r" would belong to the same Enter: keep the sequences apart with text.
        val stream = SEQUENCES.joinToString("x") { it.first }
        val expected = SEQUENCES.flatMap { (_, k) -> listOf(k, Key.Text('x'.code)) }.dropLast(1)
        decode(stream) shouldContainExactly expected
        for (a in 0..stream.length) {
            withClue("cut at $a") { decode(stream.substring(0, a), stream.substring(a)) shouldContainExactly expected }
        }
        for (a in 0..stream.length step 7) for (b in a..stream.length step 5) {
            withClue("cut at $a and $b") {
                decode(stream.substring(0, a), stream.substring(a, b), stream.substring(b)) shouldContainExactly expected
            }
        }
        decode(*stream.map { it.toString() }.toTypedArray()) shouldContainExactly expected
    }

    context("Escape") {
        test("a lone ESC is pending until flush, which makes it an Escape") {
            val d = KeyDecoder()
            d.keys(ESC).shouldBeEmpty()
            d.hasPending.shouldBeTrue()
            val flushed = ArrayList<Key>()
            d.flush { flushed += it }
            flushed shouldContainExactly listOf(Key.Escape)
            d.hasPending.shouldBeFalse()
            d.keys("a") shouldContainExactly listOf(Key.Text('a'.code))
        }

        test("an ESC followed by the rest of a sequence in a later call is that sequence, not an Escape") {
            val d = KeyDecoder()
            d.keys(ESC).shouldBeEmpty()
            d.keys("[A") shouldContainExactly listOf(Key.Up)
        }

        test("flush with nothing pending emits nothing, and a cut sequence is dropped by flush") {
            val d = KeyDecoder()
            val flushed = ArrayList<Key>()
            d.flush { flushed += it }
            d.keys("$ESC[1;").shouldBeEmpty()
            d.flush { flushed += it }
            flushed.shouldBeEmpty()
            d.keys("5D") shouldContainExactly listOf(Key.Text('5'.code), Key.Text('D'.code))
        }

        test("ESC followed by another key is swallowed with it (Alt plus that key), never typed") {
            decode("${ESC}x${ESC}1a") shouldContainExactly listOf(Key.Text('a'.code))
        }
    }

    context("unknown and garbage sequences") {
        test("unknown CSI sequences are swallowed whole, parameters and final byte included") {
            for (seq in listOf("$ESC[99~", "$ESC[E", "$ESC[Z", "$ESC[?1;2c", "$ESC[200~", "$ESC[1;5P", "$ESC[>0;95;0c")) {
                withClue(show(seq)) { decode(seq + "k") shouldContainExactly listOf(Key.Text('k'.code)) }
            }
        }

        test("unknown SS3 sequences are swallowed") {
            decode("${ESC}OP${ESC}Ox!") shouldContainExactly listOf(Key.Text('!'.code))
        }

        test("SS3 sequences with parameters are swallowed whole when unknown, parameters included") {
            for (seq in listOf("${ESC}O1;5P", "${ESC}O5P", "${ESC}O2Q", "${ESC}O1;2S", "${ESC}O?5x", "${ESC}O5 ")) {
                withClue(show(seq)) { decode(seq + "k") shouldContainExactly listOf(Key.Text('k'.code)) }
            }
        }

        test("an SS3 sequence with far too many parameters is swallowed up to its final byte") {
            val d = KeyDecoder()
            d.keys("${ESC}O" + "5;".repeat(5000) + "D", "x") shouldContainExactly listOf(Key.Text('x'.code))
            d.hasPending.shouldBeFalse()
        }

        test("a CSI sequence with far too many parameters is swallowed up to its final byte, with nothing typed") {
            val d = KeyDecoder()
            d.keys("$ESC[" + "1;".repeat(5000) + "A", "x") shouldContainExactly listOf(Key.Text('x'.code))
            d.hasPending.shouldBeFalse()
            d.keys("$ESC[" + "9".repeat(100_000)).shouldBeEmpty()
            d.keys("9".repeat(100_000)).shouldBeEmpty()
            d.hasPending.shouldBeTrue()
            d.flush { error("a cut sequence must not become a key: $it") }
            d.keys("a$ESC[B") shouldContainExactly listOf(Key.Text('a'.code), Key.Down)
        }
    }

    context("a control character cuts a pending sequence and is still its own key") {
        val prefixes = listOf(ESC, "$ESC[", "$ESC[1;", "$ESC[?", "$ESC[2 ", "${ESC}O", "${ESC}O5", "${ESC}O1;")
        val controls = listOf(
            "\r" to listOf(Key.Enter), "\n" to listOf(Key.Enter), "\r\n" to listOf(Key.Enter), "\u0003" to listOf(Key.Interrupt),
            "\t" to listOf(Key.Tab), "\u0001" to listOf(Key.Control('A')), "\u0004" to listOf(Key.Control('D')),
            "\u0012" to listOf(Key.Control('R')), "\u0000" to emptyList(),
        )
        for (prefix in prefixes) for ((control, keys) in controls) {
            test("${show(prefix)} then ${show(control)}") {
                val d = KeyDecoder()
                d.keys(prefix + control) shouldContainExactly keys
                d.hasPending.shouldBeFalse()
                // Split between the two, as when the control arrives in a later read.
                decode(prefix, control) shouldContainExactly keys
                // What follows is typed as usual: the sequence did not resume.
                d.keys("D~x") shouldContainExactly listOf(Key.Text('D'.code), Key.Text('~'.code), Key.Text('x'.code))
            }
        }

        test("ESC then CR is Enter, and ESC [ then Ctrl-C is Ctrl-C") {
            decode("abc$ESC\r") shouldContainExactly listOf(Key.Text('a'.code), Key.Text('b'.code), Key.Text('c'.code), Key.Enter)
            decode("$ESC[", "\u0003") shouldContainExactly listOf(Key.Interrupt)
        }

        test("ESC BS stays Alt+Backspace and ESC ESC starts over") {
            decode("$ESC\b") shouldContainExactly listOf(Key.DeleteWordLeft)
            decode("$ESC[1$ESC$ESC[A") shouldContainExactly listOf(Key.Up)
        }
    }

    context("Enter") {
        test("CR LF, CR NUL, CR and LF are each exactly one Enter") {
            for (seq in listOf("\r\n", "\r\u0000", "\r", "\n")) {
                withClue(show(seq)) { decode(seq + "a") shouldContainExactly listOf(Key.Enter, Key.Text('a'.code)) }
            }
        }

        test("the LF of CR LF arriving in a later call still belongs to the same Enter") {
            val d = KeyDecoder()
            d.keys("abc\r") shouldContainExactly listOf(Key.Text('a'.code), Key.Text('b'.code), Key.Text('c'.code), Key.Enter)
            d.keys("\n").shouldBeEmpty()
            d.keys("\r", "\u0000", "x") shouldContainExactly listOf(Key.Enter, Key.Text('x'.code))
        }

        test("repeated line ends are one Enter each") {
            decode("\r\n\r\n") shouldContainExactly listOf(Key.Enter, Key.Enter)
            decode("\r\r") shouldContainExactly listOf(Key.Enter, Key.Enter)
            decode("\n\n") shouldContainExactly listOf(Key.Enter, Key.Enter)
            decode("\n\r") shouldContainExactly listOf(Key.Enter, Key.Enter)
            decode("\r", "a", "\n") shouldContainExactly listOf(Key.Enter, Key.Text('a'.code), Key.Enter)
        }
    }

    context("control characters") {
        test("BS and DEL are both Backspace") {
            decode("\b\u007f") shouldContainExactly listOf(Key.Backspace, Key.Backspace)
        }

        test("Ctrl-C is Interrupt, Tab is Tab, other control characters are Ctrl plus their letter, NUL is dropped") {
            decode("\u0003\t\u0001\u0005\u000b\u0015\u0017\u001c\u0000") shouldContainExactly listOf(
                Key.Interrupt, Key.Tab, Key.Control('A'), Key.Control('E'), Key.Control('K'), Key.Control('U'),
                Key.Control('W'), Key.Control('\\'),
            )
        }

        test("C1 controls are dropped, never typed") {
            decode("a\u0080\u0085\u008d\u009b\u009fb") shouldContainExactly listOf(Key.Text('a'.code), Key.Text('b'.code))
        }
    }

    context("surrogates") {
        test("a surrogate pair is one key, also when its halves arrive in separate calls") {
            val d = KeyDecoder()
            d.keys("\uD83D").shouldBeEmpty()
            d.hasPending.shouldBeTrue()
            d.keys("\uDE00") shouldContainExactly listOf(Key.Text(0x1F600))
            d.hasPending.shouldBeFalse()
        }

        test("lone surrogates become U+FFFD and what follows them is kept") {
            decode("\uDE00") shouldContainExactly listOf(Key.Text(0xFFFD))
            decode("\uD83Da") shouldContainExactly listOf(Key.Text(0xFFFD), Key.Text('a'.code))
            decode("\uD83D\uD83D\uDE00") shouldContainExactly listOf(Key.Text(0xFFFD), Key.Text(0x1F600))
            decode("\uD83D\r") shouldContainExactly listOf(Key.Text(0xFFFD), Key.Enter)
            decode("\uD83D$ESC[A") shouldContainExactly listOf(Key.Text(0xFFFD), Key.Up)
        }

        test("a high surrogate still pending when flush comes becomes U+FFFD, never silently lost") {
            val d = KeyDecoder()
            d.keys("\uD83D").shouldBeEmpty()
            val flushed = ArrayList<Key>()
            d.flush { flushed += it }
            flushed shouldContainExactly listOf(Key.Text(0xFFFD))
            d.hasPending.shouldBeFalse()
        }
    }
})
