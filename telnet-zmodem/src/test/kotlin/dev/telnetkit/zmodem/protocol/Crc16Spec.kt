package dev.telnetkit.zmodem.protocol

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class Crc16Spec : FunSpec({
    test("CRC-16/XMODEM of the check string 123456789 is 0x31C3") {
        Crc16.update(0, "123456789".toByteArray()) shouldBe 0x31c3
    }
    test("lrzsz's ZRINIT hex header carries the CRC we compute") {
        // rz sends **\x18B0100000023be50 for ZRINIT with CANFDX|CANOVIO|CANBRK|CANFC32 (0x27 would be ZF0)
        val bytes = intArrayOf(1, 0, 0, 0, 0x23)
        bytes.fold(0) { crc, b -> Crc16.update(crc, b) } shouldBe 0xbe50
    }
})
