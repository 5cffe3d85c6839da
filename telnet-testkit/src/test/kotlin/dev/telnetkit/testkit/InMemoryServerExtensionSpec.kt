package dev.telnetkit.testkit

import dev.telnetkit.testkit.kotest.InMemoryServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe

class InMemoryServerExtensionSpec : FunSpec({
    val spec = this
    val server = install(InMemoryServerExtension { memory -> testShell().transport(memory).build() }) { prompt = "t> " }

    test("connect hands out an in-memory client, logged in if asked") {
        val client = server.connect(login = "ann" to "secret")
        client.sendLine("whoami")
        client shouldShow "user=ann"
        client shouldShowPrompt "t> "
        server.server.sessions.single().transport shouldBe InMemoryTransport.NAME
    }

    test("the matchers work on in-memory clients: screen and close") {
        val client = server.connect(InMemoryTransport.terminal(width = 40, height = 10))
        client shouldShowOnScreen WELCOME
        client shouldShowPrompt "Username: "
        client.close()
        client.shouldBeClosed()
    }

    test("the extension stops the in-memory server after the spec") {
        val extension = InMemoryServerExtension { memory -> testShell().transport(memory).build() }
        val other = extension.mount { }
        val client = other.connect()
        client shouldShow WELCOME
        extension.afterSpec(spec)
        client.awaitClosed().shouldBeTrue()
        client.isClosed.shouldBeTrue()
        runCatching { other.server }.isSuccess.shouldBeFalse()
    }
})
