package dev.telnetkit.mud

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.put

private fun decoded(text: String) = GmcpCodec.decode(text.toByteArray(Charsets.UTF_8))

class GmcpCodecSpec : FunSpec({
    test("a package name alone, or with JSON after a space") {
        decoded("Core.Ping") shouldBe GmcpCodec.Decoded.Message(GmcpMessage("Core.Ping", null))
        val message = (decoded("Char.Vitals {\"hp\": 90, \"name\": \"Café ☕\"}") as GmcpCodec.Decoded.Message).message
        message.packageName shouldBe "Char.Vitals"
        message.data!!.jsonObject["hp"] shouldBe JsonPrimitive(90)
        message.data!!.jsonObject["name"] shouldBe JsonPrimitive("Café ☕")
    }

    test("trailing blanks after the name mean no data; a string, number or array is data too") {
        decoded("Core.KeepAlive   ") shouldBe GmcpCodec.Decoded.Message(GmcpMessage("Core.KeepAlive", null))
        (decoded("Comm.Say \"hi\"") as GmcpCodec.Decoded.Message).message.data shouldBe JsonPrimitive("hi")
        (decoded("A.B 42") as GmcpCodec.Decoded.Message).message.data shouldBe JsonPrimitive(42)
    }

    test("encode writes compact JSON as UTF-8 and round-trips") {
        val data = buildJsonObject { put("text", "Café ☕") }
        val bytes = GmcpCodec.encode("Comm.Say", data)
        String(bytes, Charsets.UTF_8) shouldBe "Comm.Say {\"text\":\"Café ☕\"}"
        GmcpCodec.decode(bytes) shouldBe GmcpCodec.Decoded.Message(GmcpMessage("Comm.Say", data))
        String(GmcpCodec.encode("Core.Ping", null), Charsets.UTF_8) shouldBe "Core.Ping"
    }

    test("invalid JSON, invalid UTF-8 and missing names are invalid, never an exception") {
        decoded("Room.Info {bad").shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded("Room.Info {\"a\":1} trailing").shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        GmcpCodec.decode(byteArrayOf('A'.code.toByte(), ' '.code.toByte(), '"'.code.toByte(), 0xC3.toByte(), 0x28, '"'.code.toByte()))
            .shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded("").shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded(" {}").shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded(".Leading {}").shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded("x".repeat(GmcpCodec.MAX_PACKAGE_NAME + 1)).shouldBeInstanceOf<GmcpCodec.Decoded.Invalid>()
        decoded("A.B " + "[".repeat(100_000) + "]".repeat(100_000)).let { it is GmcpCodec.Decoded } shouldBe true
    }

    test("package names: printable ASCII without blanks") {
        GmcpCodec.isValidPackageName("Char.Vitals") shouldBe true
        GmcpCodec.isValidPackageName("Char Vitals") shouldBe false
        GmcpCodec.isValidPackageName("Café") shouldBe false
        GmcpCodec.isValidPackageName("") shouldBe false
    }
})
