package dev.telnetkit.testkit

import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import kotlin.time.Duration.Companion.milliseconds

/** A failed await says which await failed, at which line of the test, and what was received: once. */
class AwaitFailureSpec : FunSpec({
    val server = install(TelnetServerExtension { testShell().build() })

    test("a failed awaitText names the await, this file and line, and the text received") {
        val client = server.connect()
        client.awaitText("Username: ")
        val line = Throwable().stackTrace[0].lineNumber + 1
        val error = shouldThrow<AssertionError> { client.awaitText("Welcome back", 200.milliseconds) }
        error.message shouldStartWith "awaitText(\"Welcome back\") at AwaitFailureSpec.kt:$line failed:"
        error.message shouldContain "\"Welcome back\" not received within 200ms"
        error.cause.shouldBeNull()
    }

    test("the message is not repeated through a cause when the failure crosses coroutines") {
        val client = server.connect()
        client.awaitText(WELCOME)
        val line = Throwable().stackTrace[0].lineNumber + 1
        val error = shouldThrow<AssertionError> { withContext(Dispatchers.IO) { client.awaitPrompt("t> ", 200.milliseconds) } }
        error.message shouldStartWith "awaitPrompt(\"t> \") at AwaitFailureSpec.kt:$line failed:"
        error.message shouldContain "Username: "
        error.cause.shouldBeNull()
        error.stackTraceToString().split("awaitPrompt(\"t> \")").size shouldBe 2
    }

    test("the other awaits and the matchers name themselves too") {
        val client = server.connect()
        client.awaitText("Username: ")
        var line = Throwable().stackTrace[0].lineNumber + 1
        shouldThrow<AssertionError> { client.awaitRegex(Regex("t\\d+"), 100.milliseconds) }.message shouldStartWith
            "awaitRegex(Regex(\"t\\d+\")) at AwaitFailureSpec.kt:$line failed: nothing received matches /t\\d+/"
        line = Throwable().stackTrace[0].lineNumber + 1
        shouldThrow<AssertionError> { client.awaitScreen(100.milliseconds) { false } }.message shouldStartWith
            "awaitScreen(…) at AwaitFailureSpec.kt:$line failed: the screen did not show"
        line = Throwable().stackTrace[0].lineNumber + 1
        shouldThrow<AssertionError> { client.shouldShowPrompt("t> ", 100.milliseconds) }.message shouldStartWith
            "shouldShowPrompt(\"t> \") at AwaitFailureSpec.kt:$line failed:"
        line = Throwable().stackTrace[0].lineNumber + 1
        shouldThrow<AssertionError> { client.shouldShowOnScreen("t> ", 100.milliseconds) }.message shouldStartWith
            "shouldShowOnScreen(\"t> \") at AwaitFailureSpec.kt:$line failed:"
        line = Throwable().stackTrace[0].lineNumber + 1
        shouldThrow<AssertionError> { client.shouldBeClosed(100.milliseconds) }.message shouldStartWith
            "shouldBeClosed() at AwaitFailureSpec.kt:$line failed: the connection is still open"
    }

    test("the blocking form Java calls names the caller's line too") {
        val client = server.connect()
        val line = Throwable().stackTrace[0].lineNumber + 1
        val error = shouldThrow<AssertionError> { client.awaitTextBlocking("nothing like this", java.time.Duration.ofMillis(100)) }
        error.message shouldStartWith "awaitText(\"nothing like this\") at AwaitFailureSpec.kt:$line failed:"
        error.cause.shouldBeNull()
    }
})
