package dev.telnetkit.ansi

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class Cp437Spec : FunSpec({
    test("the glyphs of well-known bytes") {
        Cp437.glyph(0x01) shouldBe '☺'
        Cp437.glyph(0x02) shouldBe '☻'
        Cp437.glyph(0x03) shouldBe '♥'
        Cp437.glyph(0x1F) shouldBe '▼'
        Cp437.glyph(0x41) shouldBe 'A'
        Cp437.glyph(0x7F) shouldBe '⌂'
        Cp437.glyph(0xB0) shouldBe '░'
        Cp437.glyph(0xC9) shouldBe '╔'
        Cp437.glyph(0xDB) shouldBe '█'
        Cp437.glyph(0xFE) shouldBe '■'
        Cp437.glyph(-0x25) shouldBe '█' // a signed Java byte 0xDB
    }

    test("the upper half matches the JDK's IBM437, the lower controls do not (why the table is ours)") {
        val jdk = String(ByteArray(128) { (it + 128).toByte() }, charset("IBM437"))
        (0 until 128).forEach { Cp437.glyph(it + 128) shouldBe jdk[it] }
        String(byteArrayOf(1), charset("IBM437")) shouldBe "\u0001"
    }

    test("decoding art keeps ESC, CR, LF, BS, TAB and BEL as controls and shows other low bytes as glyphs") {
        val bytes = byteArrayOf(0x1B, '['.code.toByte(), '1'.code.toByte(), 'm'.code.toByte(), 0x01, 0x0E, 0xDB.toByte(), 0x0D, 0x0A, 0x09, 0x07, 0x08)
        Cp437.decodeArt(bytes) shouldBe "\u001b[1m☺♫█\r\n\t\u0007\b"
    }

    test("encoding goes back to the same bytes, with ? for what CP437 lacks") {
        Cp437.encode("╔═☺\r\n€") shouldBe byteArrayOf(0xC9.toByte(), 0xCD.toByte(), 1, 13, 10, '?'.code.toByte())
    }

    test("CP437 terminals: SyncTERM-style names or an IBM437 session encoding") {
        Cp437.isCp437Terminal(listOf("syncterm"), Charsets.UTF_8) shouldBe true
        Cp437.isCp437Terminal(listOf("ANSI-BBS"), Charsets.UTF_8) shouldBe true
        Cp437.isCp437Terminal(listOf("xterm"), charset("IBM437")) shouldBe true
        Cp437.isCp437Terminal(listOf("ansi", "vt100"), Charsets.UTF_8) shouldBe false
        Cp437.isCp437Terminal(listOf("xterm-256color"), Charsets.UTF_8) shouldBe false
    }
})
