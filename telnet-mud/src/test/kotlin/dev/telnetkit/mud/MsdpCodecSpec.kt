package dev.telnetkit.mud

import dev.telnetkit.mud.MsdpCodec.Companion.ARRAY_CLOSE
import dev.telnetkit.mud.MsdpCodec.Companion.ARRAY_OPEN
import dev.telnetkit.mud.MsdpCodec.Companion.TABLE_CLOSE
import dev.telnetkit.mud.MsdpCodec.Companion.TABLE_OPEN
import dev.telnetkit.mud.MsdpCodec.Companion.VAL
import dev.telnetkit.mud.MsdpCodec.Companion.VAR
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import io.kotest.property.Arb
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.arbitrary.byte
import io.kotest.property.arbitrary.byteArray
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.string
import io.kotest.property.checkAll
import java.io.ByteArrayOutputStream

/** Bytes from ints (structure codes) and strings (UTF-8 text). */
private fun msdp(vararg parts: Any): ByteArray {
    val out = ByteArrayOutputStream()
    for (p in parts) if (p is Int) out.write(p) else out.write(p.toString().toByteArray(Charsets.UTF_8))
    return out.toByteArray()
}

private fun pairs(bytes: ByteArray, codec: MsdpCodec = MsdpCodec()) = (codec.decode(bytes) as MsdpCodec.Decoded.Pairs).pairs

private fun invalid(bytes: ByteArray, codec: MsdpCodec = MsdpCodec()): String =
    codec.decode(bytes).shouldBeInstanceOf<MsdpCodec.Decoded.Invalid>().reason

private val text: Arb<MsdpValue> = Arb.string(0..6).let { s -> arbitrary { MsdpValue.of(s.bind().filter { it.code > 6 }) } }

private fun value(depth: Int): Arb<MsdpValue> = arbitrary { rs ->
    when (if (depth >= 3) 0 else Arb.int(0..2).bind()) {
        0 -> text.bind()
        1 -> MsdpValue.array((0 until Arb.int(0..3).bind()).map { value(depth + 1).bind() })
        else -> MsdpValue.table((0 until Arb.int(0..3).bind()).associate { "K$it" to value(depth + 1).bind() })
    }
}

class MsdpCodecSpec : FunSpec({
    test("the structure codes are 1..6") {
        listOf(VAR, VAL, TABLE_OPEN, TABLE_CLOSE, ARRAY_OPEN, ARRAY_CLOSE) shouldBe listOf(1, 2, 3, 4, 5, 6)
    }

    test("text, nested tables and arrays, and empty ones, encode as the spec says") {
        MsdpCodec.encode("HEALTH", MsdpValue.of(90)).toList() shouldBe msdp(VAR, "HEALTH", VAL, "90").toList()
        MsdpCodec.encode("ROOM", MsdpValue.table(emptyMap())).toList() shouldBe msdp(VAR, "ROOM", VAL, TABLE_OPEN, TABLE_CLOSE).toList()
        MsdpCodec.encode("L", MsdpValue.array()).toList() shouldBe msdp(VAR, "L", VAL, ARRAY_OPEN, ARRAY_CLOSE).toList()
        val room = MsdpValue.table(linkedMapOf("EXITS" to MsdpValue.table(linkedMapOf("n" to MsdpValue.of(1))), "T" to MsdpValue.array(MsdpValue.of("a"), MsdpValue.array())))
        MsdpCodec.encode("ROOM", room).toList() shouldBe msdp(
            VAR, "ROOM", VAL, TABLE_OPEN,
            VAR, "EXITS", VAL, TABLE_OPEN, VAR, "n", VAL, "1", TABLE_CLOSE,
            VAR, "T", VAL, ARRAY_OPEN, VAL, "a", VAL, ARRAY_OPEN, ARRAY_CLOSE, ARRAY_CLOSE,
            TABLE_CLOSE,
        ).toList()
    }

    test("text loses the structure bytes 0..6 it cannot hold, and keeps UTF-8") {
        MsdpCodec.encode("N", MsdpValue.of("a\u0001b\u0006c Café")).toList() shouldBe msdp(VAR, "N", VAL, "abc Café").toList()
    }

    test("decode: pairs, several VALs as an array, empty values, nested and empty tables") {
        pairs(msdp(VAR, "REPORT", VAL, "HEALTH", VAL, "MANA", VAR, "X", VAL)) shouldBe listOf(
            "REPORT" to MsdpValue.array(MsdpValue.of("HEALTH"), MsdpValue.of("MANA")),
            "X" to MsdpValue.of(""),
        )
        pairs(msdp(VAR, "T", VAL, TABLE_OPEN, VAR, "A", VAL, ARRAY_OPEN, VAL, TABLE_OPEN, TABLE_CLOSE, VAL, ARRAY_CLOSE, TABLE_CLOSE)) shouldBe listOf(
            "T" to MsdpValue.table(mapOf("A" to MsdpValue.array(MsdpValue.table(emptyMap()), MsdpValue.of("")))),
        )
    }

    test("malformed messages are invalid, with the reason, never an exception") {
        invalid(msdp(VAL, "x")) shouldContain "VAL without VAR"
        invalid(msdp(VAR, "A")) shouldContain "VAR without VAL"
        invalid(msdp(VAR, "T", VAL, TABLE_OPEN, VAR, "A", VAL, "1")) shouldContain "expected"
        invalid(msdp(VAR, "T", VAL, ARRAY_OPEN, VAL, "1", TABLE_CLOSE)) shouldContain "expected"
        invalid(msdp(VAR, "T", VAL, "1", TABLE_CLOSE)) shouldContain "expected"
        invalid(msdp(VAR, "T", VAL, TABLE_OPEN, VAL, "1", TABLE_CLOSE)) shouldContain "expected"
        invalid(ByteArray(0)) shouldContain "empty"
        invalid(msdp("junk")) shouldContain "expected"
    }

    test("nesting and element counts are bounded") {
        val deep = ByteArrayOutputStream().apply {
            write(msdp(VAR, "D", VAL))
            repeat(100_000) { write(msdp(ARRAY_OPEN, VAL)) }
        }.toByteArray()
        invalid(deep) shouldContain "deeper"
        val codec = MsdpCodec(maxDepth = 2, maxElements = 10)
        pairs(msdp(VAR, "D", VAL, ARRAY_OPEN, VAL, ARRAY_OPEN, ARRAY_CLOSE, ARRAY_CLOSE), codec).size shouldBe 1
        invalid(msdp(VAR, "D", VAL, ARRAY_OPEN, VAL, ARRAY_OPEN, VAL, ARRAY_OPEN, ARRAY_CLOSE, ARRAY_CLOSE, ARRAY_CLOSE), codec) shouldContain "deeper"
        val many = ByteArrayOutputStream().apply {
            write(msdp(VAR, "REPORT"))
            repeat(20) { write(msdp(VAL, "V$it")) }
        }.toByteArray()
        invalid(many, codec) shouldContain "more than 10"
    }

    test("property: what is encoded decodes to the same value") {
        checkAll(300, value(0)) { v ->
            pairs(MsdpCodec.encode("V", v)) shouldBe listOf("V" to v)
        }
    }

    test("property: random bytes never throw") {
        checkAll(2000, Arb.byteArray(Arb.int(0..64), Arb.byte())) { bytes ->
            MsdpCodec().decode(bytes)
        }
    }
})
