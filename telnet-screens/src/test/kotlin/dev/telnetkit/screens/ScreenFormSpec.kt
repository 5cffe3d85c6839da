package dev.telnetkit.screens

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain

/** Forms over a real Telnet socket: validation, masked passwords, the length limit, the submit handler. */
class ScreenFormSpec : FunSpec({
    val server = install(TelnetServerExtension { BbsFixture.server() })

    test("a bad value shows the validator's message and the field is asked again") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("f")
        client.awaitText("Name: ")
        client.sendLine("")
        client.awaitText("A name, please.")
        client.awaitText("Name: ")
        client.sendLine("ann")
        client.awaitText("Password: ")
        client.sendLine("abc")
        client.awaitText("At least 4 characters.")
        client.awaitText("Password: ")
        client.sendLine("abcd")
        client.awaitText("SIGNED UP ann with a password of 4 characters")
    }

    test("a masked field never echoes the password, only the mask") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("f")
        client.awaitText("Name: ")
        client.sendLine("bob")
        client.awaitText("Password: ")
        client.sendLine("hunter22")
        val shown = client.awaitText("SIGNED UP bob with a password of 8 characters")
        shown shouldContain "********"
        client.output shouldNotContain "hunter22"
    }

    test("characters beyond the field's length are refused") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("f")
        client.awaitText("Name: ")
        client.sendLine("abcdefghijkl")
        client.awaitText("Password: ")
        client.sendLine("secret")
        client.awaitText("SIGNED UP abcdefgh with a password of 6 characters")
    }

    test("a resize after the form was filled draws it again with its values, without asking again") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("f")
        client.awaitText("Name: ")
        client.sendLine("cy")
        client.awaitText("Password: ")
        client.sendLine("pass")
        client.awaitText("SIGNED UP cy with a password of 4 characters")
        client.resize(70, 20)
        client.awaitText("SIGN UP")
        client.awaitText("Name: cy\r\nPassword: ****\r\n")
        client.send("k")
        client.awaitText("MAIN MENU")
    }
})
