package dev.telnetkit.protocol

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.maps.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll

private const val IS = 0
private const val INFO = 2
private const val VAR = 0
private const val VALUE = 1
private const val ESC = 2
private const val USERVAR = 3

/** A payload from ints (codes) and strings (their UTF-8 bytes), e.g. `payload(IS, VAR, "USER", VALUE, "alice")`. */
private fun payload(vararg parts: Any): ByteArray = concat(*parts.map {
    when (it) {
        is Int -> bytes(it)
        is String -> it.toByteArray(Charsets.UTF_8)
        else -> error("bad part $it")
    }
}.toTypedArray())

private fun parseAll(vararg parts: Any, max: Int = 64) = EnvironmentCodec.parse(payload(*parts), max)

/** The VAR variables of a payload (the USERVAR ones are in [parseAll]'s `userVariables`). */
private fun parse(vararg parts: Any, max: Int = 64) = parseAll(*parts, max = max).variables

/** The names a SEND frame asks for, as (type, name) pairs, undoing the ESC escapes. */
private fun namesIn(frame: ByteArray): List<Pair<Int, String>> {
    frame[0].toInt() shouldBe EnvironmentCodec.SEND
    val out = ArrayList<Pair<Int, String>>()
    var type = -1
    val name = java.io.ByteArrayOutputStream()
    fun finish() { if (type >= 0) out.add(type to name.toString(Charsets.UTF_8)); name.reset() }
    var i = 1
    while (i < frame.size) {
        when (val b = frame[i].toInt() and 0xff) {
            VAR, USERVAR -> { finish(); type = b }
            ESC -> { i++; name.write(frame[i].toInt()) }
            VALUE -> error("VALUE in a SEND frame")
            else -> name.write(b)
        }
        i++
    }
    finish()
    return out
}

class EnvironmentCodecSpec : FunSpec({

    test("IS with VAR and VALUE pairs, in order") {
        parse(IS, VAR, "USER", VALUE, "alice", VAR, "LANG", VALUE, "en_US.UTF-8") shouldContainExactly
            linkedMapOf("USER" to "alice", "LANG" to "en_US.UTF-8")
        parse(IS, VAR, "USER", VALUE, "alice", VAR, "LANG", VALUE, "C").keys.toList() shouldContainExactly listOf("USER", "LANG")
    }

    test("USERVAR entries are read like VAR entries, into a map of their own") {
        val parsed = parseAll(IS, USERVAR, "COLORTERM", VALUE, "truecolor", VAR, "USER", VALUE, "bob")
        parsed.variables shouldContainExactly mapOf("USER" to "bob")
        parsed.userVariables shouldContainExactly mapOf("COLORTERM" to "truecolor")
    }

    test("a USERVAR never overwrites the VAR of the same name, whichever comes first") {
        for (parsed in listOf(
            parseAll(IS, VAR, "USER", VALUE, "alice", USERVAR, "USER", VALUE, "root"),
            parseAll(IS, USERVAR, "USER", VALUE, "root", VAR, "USER", VALUE, "alice"),
        )) {
            parsed.variables shouldContainExactly mapOf("USER" to "alice")
            parsed.userVariables shouldContainExactly mapOf("USER" to "root")
        }
    }

    test("a variable without VALUE is undefined (null); VALUE with nothing after it is the empty string") {
        parse(IS, VAR, "DISPLAY", VAR, "USER", VALUE, VAR, "TERM") shouldContainExactly
            mapOf("DISPLAY" to null, "USER" to "", "TERM" to null)
        parse(IS, VAR, "DISPLAY") shouldContainExactly mapOf("DISPLAY" to null)
    }

    test("ESC makes the next byte literal, in names and in values") {
        parse(IS, VAR, "A", ESC, VAR, "B", ESC, USERVAR, VALUE, "x", ESC, VALUE, "y", ESC, ESC, "z") shouldContainExactly
            mapOf("A\u0000B\u0003" to "x\u0001y\u0002z")
    }

    test("an ESC at the very end is dropped") {
        parse(IS, VAR, "A", VALUE, "b", ESC) shouldContainExactly mapOf("A" to "b")
    }

    test("INFO updates parse the same way") {
        val parsed = parseAll(INFO, USERVAR, "TZ", VALUE, "UTC", VAR, "USER")
        parsed.variables shouldContainExactly mapOf("USER" to null)
        parsed.userVariables shouldContainExactly mapOf("TZ" to "UTC")
    }

    test("an empty IS or INFO has no variables") {
        parse(IS) shouldContainExactly emptyMap()
        parse(INFO) shouldContainExactly emptyMap()
    }

    test("bytes before the first VAR, VALUE without a name, and empty names are ignored") {
        parse(IS, "junk", VALUE, "orphan", VAR, "USER", VALUE, "carol") shouldContainExactly mapOf("USER" to "carol")
        parse(IS, VAR, VALUE, "nameless", VAR, "A", VALUE, "1") shouldContainExactly mapOf("A" to "1")
    }

    test("a repeated variable keeps the last value") {
        parse(IS, VAR, "A", VALUE, "1", VAR, "A", VALUE, "2") shouldContainExactly mapOf("A" to "2")
        parseAll(IS, USERVAR, "A", VALUE, "1", USERVAR, "A", VALUE, "2").userVariables shouldContainExactly mapOf("A" to "2")
    }

    test("values are UTF-8") {
        parse(IS, VAR, "NAME", VALUE, "Zoë 日本") shouldContainExactly mapOf("NAME" to "Zoë 日本")
    }

    test("at most maxEntries variables are kept, but kept ones may still be updated") {
        parse(IS, VAR, "A", VALUE, "1", VAR, "B", VALUE, "2", VAR, "C", VALUE, "3", VAR, "A", VALUE, "9", max = 2) shouldContainExactly
            mapOf("A" to "9", "B" to "2")
        parse(IS, VAR, "A", VALUE, "1", max = 0) shouldContainExactly emptyMap()
    }

    test("maxEntries counts VAR and USERVAR entries together") {
        val parsed = parseAll(IS, USERVAR, "X", VALUE, "1", VAR, "A", VALUE, "2", USERVAR, "Y", VALUE, "3", max = 2)
        parsed.userVariables shouldContainExactly mapOf("X" to "1")
        parsed.variables shouldContainExactly mapOf("A" to "2")
    }

    test("a hostile payload of a thousand variables is capped") {
        val parts = (0 until 1000).flatMap { listOf<Any>(VAR, "V$it", VALUE, "x") }.toTypedArray()
        val vars = EnvironmentCodec.parse(payload(IS, *parts), 64).variables
        vars.size shouldBe 64
        vars.keys.first() shouldBe "V0"
        vars.keys.last() shouldBe "V63"
    }

    test("SEND for everything asks for every VAR and every USERVAR") {
        EnvironmentCodec.sendFrames(emptyList(), emptyList()).map { it.hex() } shouldContainExactly listOf("01 00 03")
    }

    test("SEND for named variables lists VARs then USERVARs") {
        val frames = EnvironmentCodec.sendFrames(listOf("USER", "LANG"), listOf("COLORTERM"))
        frames.size shouldBe 1
        frames[0] shouldBe payload(1, VAR, "USER", VAR, "LANG", USERVAR, "COLORTERM")
    }

    test("SEND escapes the special bytes VAR, VALUE, ESC and USERVAR in names") {
        val frames = EnvironmentCodec.sendFrames(listOf("A\u0000B\u0001C"), listOf("\u0002\u0003\u0004"))
        frames.single().hex() shouldBe "01 00 41 02 00 42 02 01 43 03 02 02 02 03 04"
        namesIn(frames.single()) shouldContainExactly listOf(VAR to "A\u0000B\u0001C", USERVAR to "\u0002\u0003\u0004")
    }

    test("SEND frames hold at most 240 payload bytes and split only between names") {
        val vars = (0 until 60).map { "VARIABLE_$it" }
        val userVars = (0 until 40).map { "USER_VARIABLE_$it" }
        val frames = EnvironmentCodec.sendFrames(vars, userVars)
        frames.size shouldBeGreaterThan 1
        for (frame in frames) frame.size shouldBeLessThanOrEqual EnvironmentCodec.MAX_FRAME_PAYLOAD
        frames.flatMap(::namesIn) shouldContainExactly vars.map { VAR to it } + userVars.map { USERVAR to it }
    }

    test("a name that fills a frame exactly is sent alone; one byte more cannot be sent") {
        // Frame: SEND, VAR, then the name: 238 name bytes make exactly 240.
        EnvironmentCodec.sendFrames(listOf("A".repeat(238)), emptyList()).single().size shouldBe 240
        // 119 bytes that all need ESC are 238 bytes on the wire too.
        EnvironmentCodec.sendFrames(listOf("\u0001".repeat(119)), emptyList()).single().size shouldBe 240
        shouldThrow<IllegalArgumentException> { EnvironmentCodec.sendFrames(listOf("A".repeat(239)), emptyList()) }
        shouldThrow<IllegalArgumentException> { EnvironmentCodec.sendFrames(emptyList(), listOf("\u0003".repeat(120))) }
    }

    test("property: any list of names that fit is sent in frames of at most 240 bytes, greedily, in order") {
        val names = arbitrary { rs ->
            val r = rs.random
            List(r.nextInt(80)) {
                val len = 1 + r.nextInt(if (r.nextInt(10) == 0) 238 else 30)
                // Letters, the four special bytes, and a few non-ASCII characters.
                val alphabet = "ABCxyz_-0123456789\u0000\u0001\u0002\u0003éλ"
                String(CharArray(len) { alphabet[r.nextInt(alphabet.length)] })
            }.filter { name -> 1 + name.toByteArray(Charsets.UTF_8).sumOf { b -> if ((b.toInt() and 0xff) <= USERVAR) 2 else 1 } <= 239 }
        }
        checkAll(2000, names, names) { vars, userVars ->
            val frames = EnvironmentCodec.sendFrames(vars, userVars)
            withClue("vars=$vars userVars=$userVars") {
                for (frame in frames) frame.size shouldBeLessThanOrEqual EnvironmentCodec.MAX_FRAME_PAYLOAD
                frames.flatMap(::namesIn) shouldContainExactly
                    if (vars.isEmpty() && userVars.isEmpty()) listOf(VAR to "", USERVAR to "")
                    else vars.map { VAR to it } + userVars.map { USERVAR to it }
                // Greedy: a frame is closed only when the next name would not fit in it.
                for (k in 0 until frames.size - 1) {
                    val next = frames[k + 1]
                    val firstEntry = next.size - 1 - (namesIn(next).drop(1).sumOf { (_, n) -> entrySize(n) })
                    (frames[k].size + firstEntry) shouldBeGreaterThan EnvironmentCodec.MAX_FRAME_PAYLOAD
                }
            }
        }
    }

    test("names asked for with SEND come back through parse as the same names") {
        val frame = EnvironmentCodec.sendFrames(listOf("US\u0001ER", "LANG"), listOf("X\u0003"))
            .single().copyOf().also { it[0] = IS.toByte() }
        val parsed = EnvironmentCodec.parse(frame, 64)
        parsed.variables shouldContainExactly mapOf("US\u0001ER" to null, "LANG" to null)
        parsed.userVariables shouldContainExactly mapOf("X\u0003" to null)
    }
})

/** Wire size of one SEND entry: the type byte and the name, with ESC before special bytes. */
private fun entrySize(name: String): Int = 1 + name.toByteArray(Charsets.UTF_8).sumOf { b -> if ((b.toInt() and 0xff) <= USERVAR) 2 else 1 }
