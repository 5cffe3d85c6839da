package dev.telnetkit.pty

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The program's output bytes become text whatever the chunking. */
class PtyOutputDecoderSpec : FunSpec({
    test("a character split across reads comes out whole, once its last byte has arrived") {
        val bytes = "héllo ✓ 𝄞".toByteArray(Charsets.UTF_8)
        for (cut in 1 until bytes.size) {
            val decoder = PtyOutputDecoder(Charsets.UTF_8)
            val text = decoder.decode(bytes.copyOfRange(0, cut)) + decoder.decode(bytes.copyOfRange(cut, bytes.size)) + decoder.finish()
            text shouldBe "héllo ✓ 𝄞"
        }
    }

    test("one byte at a time gives the same text") {
        val bytes = "a✓b".toByteArray(Charsets.UTF_8)
        val decoder = PtyOutputDecoder(Charsets.UTF_8)
        bytes.joinToString("") { decoder.decode(byteArrayOf(it)) } + decoder.finish() shouldBe "a✓b"
    }

    test("invalid bytes become replacement characters and the text goes on") {
        val decoder = PtyOutputDecoder(Charsets.UTF_8)
        decoder.decode(byteArrayOf(0x61, 0xff.toByte(), 0x62)) shouldBe "a\uFFFDb"
        decoder.decode(byteArrayOf(0xe2.toByte(), 0x9c.toByte())) shouldBe ""
        decoder.finish() shouldBe "\uFFFD"
    }
})
