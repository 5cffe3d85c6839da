@file:JvmName("TerminalMatchers")

package dev.telnetkit.testkit

import kotlin.time.Duration

/*
 * Assertions on what a test client receives, for kotest-style tests:
 *
 *     client shouldShow "Welcome"
 *     client.sendLine("help")
 *     client shouldShowPrompt "> "
 *
 * Each waits (up to TelnetTestClient.DEFAULT_TIMEOUT unless given a timeout) and throws an
 * AssertionError naming the matcher, the test line that called it and what was received. Like the
 * client's await functions, shouldShow and shouldShowPrompt search from the read mark and move it
 * past what they matched.
 */

/** Waits until [text] is received after the read mark, and moves the mark past it. */
@JvmSynthetic
public suspend infix fun TerminalClient.shouldShow(text: String) {
    received.awaitText(text, TelnetTestClient.DEFAULT_TIMEOUT, ReceivedText.call("shouldShow", ReceivedText.quoted(text)))
}

/** [shouldShow], waiting up to [timeout]. */
@JvmSynthetic
public suspend fun TerminalClient.shouldShow(text: String, timeout: Duration) {
    received.awaitText(text, timeout, ReceivedText.call("shouldShow", ReceivedText.quoted(text)))
}

/**
 * Waits until [prompt] is the last thing received (the server waits for input), and moves the
 * mark to the end.
 */
@JvmSynthetic
public suspend infix fun TerminalClient.shouldShowPrompt(prompt: String) {
    received.awaitPrompt(prompt, TelnetTestClient.DEFAULT_TIMEOUT, ReceivedText.call("shouldShowPrompt", ReceivedText.quoted(prompt)))
}

/** [shouldShowPrompt], waiting up to [timeout]. */
@JvmSynthetic
public suspend fun TerminalClient.shouldShowPrompt(prompt: String, timeout: Duration) {
    received.awaitPrompt(prompt, timeout, ReceivedText.call("shouldShowPrompt", ReceivedText.quoted(prompt)))
}

/**
 * Waits until the client's screen ([VirtualScreen.text]: what a terminal would show now, escape
 * sequences applied) contains [text] on one line. Does not move the read mark.
 */
@JvmSynthetic
public suspend infix fun TerminalClient.shouldShowOnScreen(text: String) {
    shouldShowOnScreen(text, TelnetTestClient.DEFAULT_TIMEOUT)
}

/** [shouldShowOnScreen], waiting up to [timeout]. */
@JvmSynthetic
public suspend fun TerminalClient.shouldShowOnScreen(text: String, timeout: Duration) {
    received.awaitScreen(timeout, ReceivedText.call("shouldShowOnScreen", ReceivedText.quoted(text))) { screen ->
        screen.lines.any { it.contains(text) }
    }
}

/** Waits until the connection is closed (the session ended), up to [timeout]. */
@JvmSynthetic
public suspend fun TerminalClient.shouldBeClosed(timeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT) {
    val call = ReceivedText.call("shouldBeClosed", "")
    if (!received.awaitClosed(timeout)) {
        throw AwaitFailure(
            "$call failed: the connection is still open after $timeout; " +
                "unread text: ${ReceivedText.quoted(received.unread)}",
        )
    }
}
