package dev.telnetkit.ansi

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Files

/** A SAUCE record as PabloDraw and friends write it: 128 bytes, `SAUCE00` first. */
private fun sauce(title: String, author: String, comments: Int): ByteArray {
    val record = ByteArray(128) { ' '.code.toByte() }
    "SAUCE00".toByteArray().copyInto(record, 0)
    title.toByteArray().copyInto(record, 7)
    author.toByteArray().copyInto(record, 42)
    for (i in 82 until 128) record[i] = 0
    record[104] = comments.toByte()
    return record
}

class AnsiArtSpec : FunSpec({
    val picture = byteArrayOf(0x1B, '['.code.toByte(), '1'.code.toByte(), ';'.code.toByte(), '3'.code.toByte(), '4'.code.toByte(), 'm'.code.toByte(),
        0xC9.toByte(), 0xCD.toByte(), 0xBB.toByte(), 0x1B, '['.code.toByte(), '0'.code.toByte(), 'm'.code.toByte(), 0x0D, 0x0A,
        0x1B, '['.code.toByte(), '3'.code.toByte(), 'C'.code.toByte(), 0x01)

    test("the SAUCE record, its comment block and the EOF mark are stripped; title and author read") {
        val comment = "COMNT".toByteArray() + ByteArray(64) { 'c'.code.toByte() }
        val file = picture + byteArrayOf(0x1A) + comment + sauce("Welcome", "sysop", comments = 1)
        val art = AnsiArt.of(file)
        art.bytes shouldBe picture
        art.title shouldBe "Welcome"
        art.author shouldBe "sysop"
    }

    test("without SAUCE, everything from 0x1A on is dropped; a file with neither is kept whole") {
        AnsiArt.of(picture + byteArrayOf(0x1A, 'x'.code.toByte())).bytes shouldBe picture
        AnsiArt.of(picture).bytes shouldBe picture
        AnsiArt.of(picture).title shouldBe null
    }

    test("SAUCE without the EOF mark is stripped too") {
        AnsiArt.of(picture + sauce("T", "A", comments = 0)).bytes shouldBe picture
    }

    test("Unicode for other terminals, with codes as the level shows them") {
        val art = AnsiArt.of(picture)
        art.toUnicode() shouldBe "\u001b[1;34m╔═╗\u001b[0m\r\n\u001b[3C☺"
        art.render(ColorLevel.BASIC16) shouldBe "\u001b[1;34m╔═╗\u001b[0m\r\n\u001b[3C☺"
        art.render(ColorLevel.ATTRIBUTES_ONLY) shouldBe "\u001b[1m╔═╗\u001b[0m\r\n\u001b[3C☺"
    }

    test("a dumb terminal gets no escape codes: the cursor-forward becomes spaces") {
        AnsiArt.of(picture).render(ColorLevel.NONE) shouldBe "╔═╗\r\n   ☺"
    }

    test("loaded from a file") {
        val path = Files.createTempFile("art", ".ans")
        try {
            Files.write(path, picture + byteArrayOf(0x1A) + sauce("F", "", 0))
            AnsiArt.load(path).bytes shouldBe picture
            AnsiArt.load(path).author shouldBe null
        } finally {
            Files.delete(path)
        }
    }
})
