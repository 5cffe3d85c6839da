package dev.telnetkit.chat

import dev.telnetkit.testkit.shouldShow
import dev.telnetkit.testkit.shouldShowOnScreen
import io.kotest.matchers.shouldBe
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.string.shouldContain

/**
 * The operator's message arrives while the user has typed half a line: it is drawn above, the
 * prompt and the half line are drawn again below, intact, and finishing the line sends all of it.
 */
class OperatorMessageSpec : FunSpec({
    test("at the shell prompt: the message appears above, the half-typed line below, and the finished line is what runs") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            bob.sendLine("chat")
            bob shouldShow "[lobby] -> bob joined"
            ann.send("say half a li")
            ann shouldShow "say half a li"
            rooms.messageUser("ann", "the server restarts in 5 minutes") shouldBe true
            ann shouldShowOnScreen "!! sysop: the server restarts in 5 minutes"
            val screen = ann.awaitScreen { s -> s.lines.any { it.startsWith("> say half a li") } }
            val row = screen.lines.indexOfFirst { it.contains("!! sysop: the server restarts in 5 minutes") }
            screen.lines[row + 1] shouldBe "> say half a li"
            screen.cursorRow shouldBe row + 1
            screen.cursorColumn shouldBe "> say half a li".length
            ann.output shouldContain "!! sysop: the server restarts in 5 minutes\r\n> say half a li"
            ann.sendLine("ne")
            bob shouldShow "[lobby] <ann> half a line"
        }
    }

    test("in chat mode: a message from another user and one from the operator both land above the line being typed") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            ann.sendLine("chat")
            ann shouldShow "[lobby] "
            bob.sendLine("chat")
            ann shouldShow "[lobby] -> bob joined"
            ann.send("I was just wri")
            ann shouldShow "I was just wri"
            rooms.announce("backup at noon", "admin") shouldBe 2
            bob.sendLine("hello")
            ann shouldShowOnScreen "[lobby] <bob> hello"
            val screen = ann.awaitScreen { s -> s.lines.any { it == "[lobby] I was just wri" } && s.lines.any { it.contains("<bob> hello") } }
            val announced = screen.lines.indexOfFirst { it == "!! admin (to everyone): backup at noon" }
            val said = screen.lines.indexOfFirst { it == "[lobby] <bob> hello" }
            val typing = screen.lines.indexOfLast { it == "[lobby] I was just wri" }
            (announced in 0 until said) shouldBe true
            typing shouldBe said + 1
            ann.sendLine("ting")
            bob shouldShow "[lobby] <ann> I was just writing"
        }
    }
})
