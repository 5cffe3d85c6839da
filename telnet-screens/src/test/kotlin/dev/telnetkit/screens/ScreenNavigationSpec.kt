package dev.telnetkit.screens

import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import dev.telnetkit.testkit.shouldBeClosed
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** Navigation between screens over a real Telnet socket: go, back, root, redraw, stay, exit, hot keys. */
class ScreenNavigationSpec : FunSpec({
    val server = install(TelnetServerExtension { BbsFixture.server() })

    suspend fun TelnetTestClient.key(text: String) = send(text)

    test("hot keys go to a screen, back one, and back to the root; letters are case-insensitive") {
        val client = server.connect()
        client.awaitText("MAIN MENU")
        client.awaitText("draw 1")
        client.key("a")
        client.awaitText("SCREEN A")
        client.key("B")
        client.awaitText("SCREEN B")
        client.key("k")
        client.awaitText("SCREEN A")
        client.key("b")
        client.awaitText("SCREEN B")
        client.key("r")
        client.awaitText("draw 2")
        client.key("a")
        client.awaitText("SCREEN A")
        client.key("k")
        client.awaitText("draw 3")
    }

    test("redraw draws the same screen again; stay keeps it without drawing") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("r")
        client.awaitText("draw 2")
        client.key("s")
        client.awaitText("<stayed>")
        client.key("a")
        val between = client.awaitText("SCREEN A")
        between shouldNotContain "MAIN MENU"
    }

    test("an unknown key rings the bell and changes nothing") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("z")
        withTimeout(5.seconds) { while (client.screen.bellCount == 0) delay(20.milliseconds) }
        client.screen.bellCount shouldBeGreaterThan 0
        client.key("a")
        client.awaitText("SCREEN A")
    }

    test("a handler that throws is shown as a short error and the session goes on") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("e")
        val shown = client.awaitText("Sorry, that did not work")
        shown shouldNotContain "IllegalStateException"
        client.key("a")
        client.awaitText("SCREEN A")
    }

    test("going to a screen that does not exist says so, and the session goes on") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("3")
        client.awaitText("There is no screen named 'nowhere'.")
        client.key(" ")
        client.awaitText("draw 2")
    }

    test("exit leaves the app, which ends a session whose handler it is") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("x")
        client.shouldBeClosed()
    }

    test("a field macro reads its field where it stands, bound to its handler; stay asks again, keep reading goes on") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("n")
        client.awaitText("Nick: ")
        client.sendLine("again")
        val first = client.awaitText("hello again")
        first shouldNotContain "<AFTER FIELD>"
        client.sendLine("bobby")
        client.awaitText("hello bobby")
        client.awaitText("<AFTER FIELD>")
        client.awaitText("Greeting: ")
        client.sendLine("hi there")
        client.awaitText("greeting is hi there")
        client.awaitText("MAIN MENU")
    }

    test("the field macro's max limits the field: extra characters are refused") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("n")
        client.awaitText("Nick: ")
        client.sendLine("toolongname")
        client.awaitText("hello toolo\r\n")
    }

    test("a value macro shows what its function returns") {
        val client = server.connect()
        client.awaitText("Online: 42")
    }

    test("the screen is drawn again at the new width when the terminal is resized") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.key("w")
        client.awaitText("Width: 80 Height: 24")
        client.awaitText("=".repeat(79))
        client.resize(50, 20)
        client.awaitText("Width: 50 Height: 20")
        val rule = client.awaitRegex(Regex("\r\n(=+)\r\n"))
        rule.groupValues[1].length shouldBe 49
        client.awaitText("Title")
    }
})
