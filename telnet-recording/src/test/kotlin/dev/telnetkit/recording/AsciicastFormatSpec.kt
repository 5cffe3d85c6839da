package dev.telnetkit.recording

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.string.shouldNotContain
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonPrimitive
import java.nio.charset.Charset

/** The pieces of the asciicast writer without a server: streaming decoding, JSON escaping, file names. */
class AsciicastFormatSpec : FunSpec({
    val text = "aé✓🎉\u001b[31mz"

    test("a multi-byte UTF-8 character split across writes at any point comes out whole") {
        val bytes = text.toByteArray(Charsets.UTF_8)
        for (cut in 0..bytes.size) {
            for (second in cut..bytes.size) {
                val decoder = StreamingTextDecoder(Charsets.UTF_8)
                val out = decoder.decode(bytes, 0, cut) + decoder.decode(bytes, cut, second - cut) +
                    decoder.decode(bytes, second, bytes.size - second) + decoder.finish()
                out shouldBe text
            }
        }
    }

    test("one byte at a time decodes the same") {
        val bytes = text.toByteArray(Charsets.UTF_8)
        val decoder = StreamingTextDecoder(Charsets.UTF_8)
        val out = StringBuilder()
        for (i in bytes.indices) out.append(decoder.decode(bytes, i, 1))
        out.append(decoder.finish())
        out.toString() shouldBe text
    }

    test("malformed bytes become the replacement character, and an unfinished character at the end too") {
        val decoder = StreamingTextDecoder(Charsets.UTF_8)
        decoder.decode(byteArrayOf('a'.code.toByte(), 0xFF.toByte(), 'b'.code.toByte())) shouldBe "a\uFFFDb"
        decoder.decode(byteArrayOf(0xE2.toByte(), 0x9C.toByte())) shouldBe ""
        decoder.finish() shouldBe "\uFFFD"
        // A long run of continuation bytes never piles up.
        decoder.decode(ByteArray(1000) { 0x80.toByte() }).length shouldBe 1000
    }

    test("a single-byte charset decodes as it should") {
        val latin = Charset.forName("ISO-8859-1")
        StreamingTextDecoder(latin).decode("é".toByteArray(latin)) shouldBe "é"
    }

    test("event lines are JSON a parser reads back exactly, with ESC and controls escaped") {
        val data = "q\"b\\s\n\r\t\b\u000c\u0000\u001b[0m\u007f é 🎉 \u2028"
        val line = Asciicast.event(1_234_567_890L, "o", data)
        line shouldContain "\\u001b"
        line shouldContain "\\u0000"
        line.trimEnd('\n') shouldNotContain "\n"
        line.count { it == '\u001b' } shouldBe 0
        val parsed = Json.parseToJsonElement(line).jsonArray
        parsed[0].jsonPrimitive.content shouldBe "1.234567"
        parsed[1].jsonPrimitive.content shouldBe "o"
        parsed[2].jsonPrimitive.content shouldBe data
    }

    test("a lone surrogate is written as the replacement character") {
        val parsed = Json.parseToJsonElement(Asciicast.event(0, "i", "a\uD800b")).jsonArray
        parsed[2].jsonPrimitive.content shouldBe "a\uFFFDb"
    }

    test("times are seconds with six decimals") {
        fun seconds(nanos: Long) = StringBuilder().also { Asciicast.appendSeconds(it, nanos) }.toString()
        seconds(0) shouldBe "0.000000"
        seconds(1_500_000) shouldBe "0.001500"
        seconds(61_000_000_001L) shouldBe "61.000000"
    }

    test("user names are made safe for a file name") {
        Asciicast.safeUser(null) shouldBe "anonymous"
        Asciicast.safeUser("") shouldBe "anonymous"
        Asciicast.safeUser("alice_B-9") shouldBe "alice_B-9"
        Asciicast.safeUser("../..\\x/\u0000\u001b ü") shouldBe "______x_____"
        Asciicast.safeUser("a".repeat(500)).length shouldBe 32
        "20261208-013000-session-7-${Asciicast.safeUser("../../etc/passwd")}.cast" shouldMatch Asciicast.FILE_NAME
    }
})
