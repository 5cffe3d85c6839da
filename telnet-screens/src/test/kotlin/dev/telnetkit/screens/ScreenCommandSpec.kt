package dev.telnetkit.screens

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import kotlin.time.Duration.Companion.seconds

/** A screen app as one command of the shell: exit returns to the shell's prompt. */
class ScreenCommandSpec : FunSpec({
    val app = BbsFixture.app()
    val server = install(TelnetServerExtension {
        telnetServer {
            port = 0
            idleTimeout = 60.seconds
            command("bbs") { runScreens(app) }
            commands(listOf(app.command("lists", start = "list", summary = "The list screen.")))
        }
    })

    test("a DSL command runs the app, and exit gives the shell prompt back") {
        val client = server.connect()
        client.awaitText("> ")
        client.sendLine("bbs")
        client.awaitText("MAIN MENU")
        client.send("x")
        client.awaitText("> ")
        client.sendLine("bbs")
        client.awaitText("MAIN MENU")
    }

    test("Screens.command starts at the screen it names; back from the first screen draws it again") {
        val client = server.connect()
        client.awaitText("> ")
        client.sendLine("lists")
        client.awaitText("Page 1 of 3")
        client.send("q")
        client.awaitText("Page 1 of 3")
    }
})
