package dev.telnetkit.samples

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import dev.telnetkit.testkit.shouldBeClosed
import dev.telnetkit.testkit.shouldShow
import dev.telnetkit.testkit.shouldShowPrompt
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec

/** The testkit's kotest extension with a server from the DSL: the login is one line. */
// README:start kotest
class ServerExtensionSpec : FunSpec({
    val server = install(
        TelnetServerExtension {
            telnetServer {
                port = 0
                welcome = "Welcome"
                login { user, password -> user == "ann" && password == "secret" }
                command("hello") { run { writeResponse("hello, $username") } }
            }
        },
    )

    test("a logged-in client says hello") {
        val client = server.connect(login = "ann" to "secret")
        client.sendLine("hello")
        client shouldShow "hello, ann"
        client shouldShowPrompt "> "
        client.sendLine("bye")
        client.shouldBeClosed()
    }
})
// README:end kotest
