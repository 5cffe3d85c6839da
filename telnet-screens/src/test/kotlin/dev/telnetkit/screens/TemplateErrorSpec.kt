package dev.telnetkit.screens

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldNotContain

/** Template errors name the file and the line, on the terminal and in the log, and the session goes on. */
class TemplateErrorSpec : FunSpec({
    val server = install(TelnetServerExtension { BbsFixture.server() })

    test("a syntax error names the file and line; a key goes back and the session still works") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("1")
        val shown = client.awaitText("Press a key to go on.")
        shown.replace("\r\n", "\n") .let { it.substring(it.indexOf("Template error")) } shouldNotContain "at io.pebbletemplates"
        shown.contains("Template error in broken-syntax.peb line 3: ") || error("no file and line in: $shown")
        client.send(" ")
        client.awaitText("draw 2")
        client.send("a")
        client.awaitText("SCREEN A")
    }

    test("a runtime error (an undefined variable) names the file and line; the session goes on") {
        val client = server.connect()
        client.awaitText("draw 1")
        client.send("2")
        val shown = client.awaitText("Press a key to go on.")
        shown shouldNotContain "Fine line one" // nothing of a failed render is written
        shown.contains("Template error in broken-runtime.peb line 2: ") || error("no file and line in: $shown")
        client.send(" ")
        client.awaitText("draw 2")
    }
})
