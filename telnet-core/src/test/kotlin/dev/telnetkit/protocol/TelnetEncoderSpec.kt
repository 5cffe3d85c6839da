package dev.telnetkit.protocol

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

private fun nvt(text: String): String = TelnetEncoder.encodeData(latin1(text), binary = false).hex()
private fun binary(text: String): String = TelnetEncoder.encodeData(latin1(text), binary = true).hex()

class TelnetEncoderSpec : FunSpec({

    test("plain ASCII goes out unchanged and as a copy") {
        val input = latin1("hello")
        val out = TelnetEncoder.encodeData(input, binary = false)
        out shouldBe input
        (out !== input) shouldBe true
    }

    test("every 255 data byte is doubled") {
        nvt("a\u00ffb") shouldBe "61 FF FF 62"
        nvt("\u00ff\u00ff") shouldBe "FF FF FF FF"
        nvt("\u00ff") shouldBe "FF FF"
    }

    test("LF goes out as CR LF") {
        nvt("a\nb") shouldBe "61 0D 0A 62"
        nvt("\n") shouldBe "0D 0A"
        nvt("\n\n") shouldBe "0D 0A 0D 0A"
    }

    test("CR LF stays CR LF and never becomes CR CR LF") {
        nvt("a\r\nb") shouldBe "61 0D 0A 62"
        nvt("\r\n") shouldBe "0D 0A"
        nvt("\r\n\r\n") shouldBe "0D 0A 0D 0A"
    }

    test("a bare CR goes out as CR NUL") {
        nvt("a\rb") shouldBe "61 0D 00 62"
        nvt("\r") shouldBe "0D 00"
        nvt("\r\r") shouldBe "0D 00 0D 00"
    }

    test("CR CR LF goes out as CR NUL CR LF") {
        nvt("\r\r\n") shouldBe "0D 00 0D 0A"
    }

    test("LF CR goes out as CR LF CR NUL") {
        nvt("\n\r") shouldBe "0D 0A 0D 00"
    }

    test("CR before a 255 is a bare CR") {
        nvt("\r\u00ff\n") shouldBe "0D 00 FF FF 0D 0A"
    }

    test("NUL and other control bytes pass unchanged") {
        nvt("\u0000\u0007\u001b[1m") shouldBe "00 07 1B 5B 31 6D"
    }

    test("binary mode only doubles IAC") {
        binary("a\r\nb") shouldBe "61 0D 0A 62"
        binary("\r") shouldBe "0D"
        binary("\n") shouldBe "0A"
        binary("\r\u0000") shouldBe "0D 00"
        binary("\u00ff\r\u00ff") shouldBe "FF FF 0D FF FF"
    }

    test("encodeData reads only the given range, and a byte before the range does not pair with an LF in it") {
        val input = latin1("x\r\nab\ry")
        TelnetEncoder.encodeData(input, 1, 2, binary = false).hex() shouldBe "0D 0A"
        TelnetEncoder.encodeData(input, 2, 2, binary = false).hex() shouldBe "0D 0A 61"
        // The CR at index 5 is the last byte of the range: the 'y' after it is outside, so it is bare.
        TelnetEncoder.encodeData(input, 3, 3, binary = false).hex() shouldBe "61 62 0D 00"
        // A CR whose LF lies outside the range is bare as well.
        TelnetEncoder.encodeData(input, 0, 2, binary = false).hex() shouldBe "78 0D 00"
        TelnetEncoder.encodeData(input, 0, 0, binary = false).size shouldBe 0
    }

    test("encodeData refuses a range outside the array") {
        shouldThrow<IllegalArgumentException> { TelnetEncoder.encodeData(ByteArray(3), 2, 2, binary = false) }
        shouldThrow<IllegalArgumentException> { TelnetEncoder.encodeData(ByteArray(3), -1, 1, binary = false) }
    }

    test("command() is IAC and the code") {
        TelnetEncoder.command(TelnetCommand.AYT).hex() shouldBe "FF F6"
        TelnetEncoder.command(TelnetCommand.GA).hex() shouldBe "FF F9"
        TelnetEncoder.command(TelnetCommand.NOP).hex() shouldBe "FF F1"
        shouldThrow<IllegalArgumentException> { TelnetEncoder.command(256) }
        shouldThrow<IllegalArgumentException> { TelnetEncoder.command(-1) }
    }

    test("negotiation() is IAC, the verb and the option") {
        TelnetEncoder.negotiation(TelnetCommand.WILL, TelnetOption.ECHO).hex() shouldBe "FF FB 01"
        TelnetEncoder.negotiation(TelnetCommand.WONT, TelnetOption.SGA).hex() shouldBe "FF FC 03"
        TelnetEncoder.negotiation(TelnetCommand.DO, TelnetOption.TTYPE).hex() shouldBe "FF FD 18"
        TelnetEncoder.negotiation(TelnetCommand.DONT, TelnetOption.LINEMODE).hex() shouldBe "FF FE 22"
        TelnetEncoder.negotiation(TelnetCommand.DO, 255).hex() shouldBe "FF FD FF"
        shouldThrow<IllegalArgumentException> { TelnetEncoder.negotiation(TelnetCommand.SB, 1) }
        shouldThrow<IllegalArgumentException> { TelnetEncoder.negotiation(TelnetCommand.IAC, 1) }
        shouldThrow<IllegalArgumentException> { TelnetEncoder.negotiation(TelnetCommand.DO, 256) }
    }

    test("subnegotiation() frames the payload with IAC SB option ... IAC SE") {
        TelnetEncoder.subnegotiation(TelnetOption.TTYPE, bytes(1)).hex() shouldBe "FF FA 18 01 FF F0"
        TelnetEncoder.subnegotiation(TelnetOption.NAWS, bytes(0, 80, 0, 24)).hex() shouldBe "FF FA 1F 00 50 00 18 FF F0"
        TelnetEncoder.subnegotiation(TelnetOption.CHARSET, ByteArray(0)).hex() shouldBe "FF FA 2A FF F0"
        shouldThrow<IllegalArgumentException> { TelnetEncoder.subnegotiation(256, ByteArray(0)) }
        // IAC SB IAC is malformed for the decoder, so the encoder never writes it.
        shouldThrow<IllegalArgumentException> { TelnetEncoder.subnegotiation(255, ByteArray(0)) }
    }

    test("subnegotiation() doubles 255 in the payload: a NAWS width of 255 is IAC IAC") {
        TelnetEncoder.subnegotiation(TelnetOption.NAWS, bytes(0, 255, 0, 24)).hex() shouldBe "FF FA 1F 00 FF FF 00 18 FF F0"
        TelnetEncoder.subnegotiation(TelnetOption.NAWS, bytes(255, 255, 255, 255)).hex() shouldBe
            "FF FA 1F FF FF FF FF FF FF FF FF FF F0"
    }

    test("subnegotiation() leaves SE, CR and LF bytes of the payload alone") {
        TelnetEncoder.subnegotiation(TelnetOption.TTYPE, bytes(0, 240, 13, 10, 0)).hex() shouldBe "FF FA 18 00 F0 0D 0A 00 FF F0"
    }

    test("a NAWS of 255x255 round-trips through the decoder") {
        val events = ArrayList<TelnetEvent>()
        TelnetDecoder().decode(TelnetEncoder.subnegotiation(TelnetOption.NAWS, bytes(0, 255, 0, 255))) { events.add(it) }
        render(events) shouldBe listOf("SB NAWS [00 FF 00 FF]")
    }

    test("every single byte encodes as documented") {
        for (v in 0..255) {
            val expected = when (v) {
                255 -> "FF FF"
                13 -> "0D 00"
                10 -> "0D 0A"
                else -> "%02X".format(v)
            }
            withClue("byte $v") { TelnetEncoder.encodeData(bytes(v), binary = false).hex() shouldBe expected }
            withClue("byte $v, binary") {
                TelnetEncoder.encodeData(bytes(v), binary = true).hex() shouldBe if (v == 255) "FF FF" else "%02X".format(v)
            }
        }
    }
})
