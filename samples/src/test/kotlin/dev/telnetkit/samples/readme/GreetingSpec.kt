package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.InMemoryTransport
import io.kotest.core.spec.style.FunSpec

// The README's in-memory test, as a user writes it; ReadmeSnippetsSpec checks the README shows this region.
// README:start memory
class GreetingSpec : FunSpec({
    test("hello greets the logged-in user") {
        val memory = InMemoryTransport()
        val server = telnetServer {
            transport = memory
            command("hello") { run { writeResponse("Hello, $username!") } }
        }.start()
        memory.connect(InMemoryTransport.terminal(user = "ann")).use { user ->
            user.awaitPrompt("> ")
            user.sendLine("hello")
            user.awaitText("Hello, ann!")
        }
        server.stop()
    }
})
// README:end memory
