package dev.telnetkit.mud

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

class MsspSpec : FunSpec({
    test("MSSP_VAR 1 / MSSP_VAL 2 pairs, several values, an empty list as one empty value, UTF-8") {
        val bytes = Mssp.encode(linkedMapOf("NAME" to listOf("Café"), "PORT" to listOf("4000", "4001"), "EMPTY" to emptyList()))
        bytes.toList() shouldBe (
            byteArrayOf(1) + "NAME".toByteArray() + byteArrayOf(2) + "Café".toByteArray() +
                byteArrayOf(1) + "PORT".toByteArray() + byteArrayOf(2) + "4000".toByteArray() + byteArrayOf(2) + "4001".toByteArray() +
                byteArrayOf(1) + "EMPTY".toByteArray() + byteArrayOf(2)
            ).toList()
    }

    test("NUL, MSSP_VAR and MSSP_VAL inside a text are left out") {
        Mssp.encode(mapOf("A\u0001" to listOf("x\u0000\u0002y"))).toList() shouldBe
            (byteArrayOf(1) + "A".toByteArray() + byteArrayOf(2) + "xy".toByteArray()).toList()
    }
})
