package dev.telnetkit.testkit

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlin.time.Duration.Companion.milliseconds

class TelnetServerExtensionSpec : FunSpec({
    val spec = this
    val server = install(TelnetServerExtension { testShell().build() }) { prompt = "t> " }

    test("install starts the server on a free port before the tests") {
        server.isRunning.shouldBeTrue()
        (server.port > 0).shouldBeTrue()
        server.server.port shouldBe server.port
    }

    test("connect hands out a client of the server") {
        val client = server.connect()
        client shouldShow WELCOME
        client shouldShowPrompt "Username: "
    }

    test("connect with a login answers the prompts and returns at the shell prompt") {
        val client = server.connect(login = "ann" to "secret")
        client.sendLine("whoami")
        client shouldShow "user=ann"
        client shouldShowPrompt "t> "
        client.sendLine("echo on the screen")
        client shouldShowOnScreen "on the screen"
        client.sendLine("bye")
        client.shouldBeClosed()
    }

    test("a login that does not reach the shell prompt names the connect call and its line") {
        server.loginTimeout = java.time.Duration.ofMillis(1500)
        try {
            val line = Throwable().stackTrace[0].lineNumber + 1
            val error = shouldThrow<AssertionError> { server.connect(login = "ann" to "wrong") }
            error.message shouldContain "connect(login = \"ann\" to …) at TelnetServerExtensionSpec.kt:$line"
            error.message shouldContain "waiting for the shell prompt \"t> \""
        } finally {
            server.loginTimeout = java.time.Duration.ofSeconds(5)
        }
    }

    test("the extension stops the server and closes its clients after the spec") {
        val extension = TelnetServerExtension { testShell().build() }
        val other = extension.mount { }
        val client = other.connect()
        client shouldShow WELCOME
        extension.afterSpec(spec)
        other.isRunning.shouldBeFalse()
        client.awaitClosed(5000.milliseconds).shouldBeTrue()
    }

    test("a client's matchers fail with what was received when the text does not come") {
        val client = server.connect()
        val line = Throwable().stackTrace[0].lineNumber + 1
        val error = shouldThrow<AssertionError> { client.shouldShow("never sent", 200.milliseconds) }
        error.message shouldContain "shouldShow(\"never sent\") at TelnetServerExtensionSpec.kt:$line failed"
        error.message shouldContain WELCOME
    }
})
