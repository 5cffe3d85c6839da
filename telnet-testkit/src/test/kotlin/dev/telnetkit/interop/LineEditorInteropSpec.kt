package dev.telnetkit.interop

import dev.telnetkit.server.onTestTransport
import dev.telnetkit.session.Session
import dev.telnetkit.session.TerminalSize

import dev.telnetkit.server.DEMO_LIKE_PROMPT
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.demoLikeShell
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.assertions.fail
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import java.util.Collections
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private const val WIDTH = 80
private const val HEIGHT = 24

/** The prompt as capture-pane shows it: trailing blanks of a row are dropped. */
private val PROMPT_SHOWN = DEMO_LIKE_PROMPT.trimEnd()

/** One test's world: the demo-like server, the real telnet client in tmux, and the server's view of the session. */
private class Demo(val terminal: TmuxTerminal, val session: Session, val secrets: List<String>)

/**
 * The line editor as a user sees it: GNU inetutils telnet in a tmux pane of 80x24 with
 * TERM=xterm-256color, typing with real keys (tmux encodes them as xterm does), against an
 * in-process server running a shell like the demo's. Every check reads `capture-pane` (and the
 * tmux cursor position); every wait polls the screen.
 */
class LineEditorInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val skip = InteropClients.skipReason() // printed once; null when the programs are there or required

    /** A test that is skipped (or, with TELNETKIT_REQUIRE_INTEROP=1, fails) when telnet or tmux is missing. */
    fun interopTest(name: String, body: suspend () -> Unit) =
        test(name).config(enabledOrReasonIf = { skip?.let { Enabled.disabled(it) } ?: Enabled.enabled }) { body() }

    /** Starts the server and the client, waits for the first prompt, runs [block], and cleans up. */
    suspend fun withDemo(block: suspend Demo.() -> Unit) {
        InteropClients.requireAll()
        val seen = CompletableDeferred<Session>()
        val secrets = Collections.synchronizedList(ArrayList<String>())
        val shell = demoLikeShell { secrets.add(it) }
        val server = TelnetServer(
            ServerSettings(host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(60)).onTestTransport(),
        ) { s ->
            seen.complete(s)
            shell.handle(s)
        }.start()
        var terminal: TmuxTerminal? = null
        try {
            val t = TmuxTerminal.telnet("127.0.0.1", server.port, WIDTH, HEIGHT).also { terminal = it }
            val session = withTimeout(20.seconds) { seen.await() }
            t.awaitEditedLine("")
            withClue("the session sees the pane's size and type") {
                session.size shouldBe TerminalSize(WIDTH, HEIGHT)
                session.terminalType shouldBe "xterm-256color"
                session.serverEchoes shouldBe true
            }
            Demo(t, session, secrets).block()
        } finally {
            // The server first, so its goodbye reaches a live client rather than a closed socket.
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
            terminal?.close()
        }
    }

    interopTest("arrow keys, Backspace and End edit 'echo abdc' into 'echo abcd'; Enter runs what the screen shows") {
        withDemo {
            terminal.sendText("echo abdc")
            terminal.awaitEditedLine("echo abdc")
            terminal.sendKeys("Left", "Left")
            terminal.awaitEditedLine("echo abdc", cursorAt = "echo ab".length)
            terminal.sendKeys("Right")
            terminal.awaitEditedLine("echo abdc", cursorAt = "echo abd".length)
            terminal.sendKeys("BSpace")
            terminal.awaitEditedLine("echo abc", cursorAt = "echo ab".length)
            terminal.sendKeys("End")
            terminal.awaitEditedLine("echo abc")
            terminal.sendText("d")
            terminal.awaitEditedLine("echo abcd")
            terminal.sendKeys("Enter")

            val rows = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN && "abcd" in it }
            rows.count { it == "$PROMPT_SHOWN echo abcd" } shouldBe 1
            rows.indexOf("abcd") shouldBe rows.indexOf("$PROMPT_SHOWN echo abcd") + 1
            rows.none { "abdc" in it } shouldBe true
        }
    }

    interopTest("Ctrl-T swaps the two characters before the cursor: 'echo abdc', Left, Ctrl-T gives 'echo abcd'") {
        withDemo {
            terminal.sendText("echo abdc")
            terminal.awaitEditedLine("echo abdc")
            terminal.sendKeys("Left")
            terminal.awaitEditedLine("echo abdc", cursorAt = "echo abd".length)
            terminal.sendKeys("C-t")
            terminal.awaitEditedLine("echo abcd")
            terminal.sendKeys("Enter")
            val rows = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN && "abcd" in it }
            rows.indexOf("abcd") shouldBe rows.indexOf("$PROMPT_SHOWN echo abcd") + 1
        }
    }

    interopTest("history: Up recalls the last command on the prompt line, Down restores the unfinished line, Enter runs the recalled one again") {
        withDemo {
            terminal.sendText("echo once more")
            terminal.sendKeys("Enter")
            terminal.awaitRows { rows -> rows.count { it == "once more" } == 1 && rows.last() == PROMPT_SHOWN }

            terminal.sendText("ec")
            terminal.awaitEditedLine("ec")
            terminal.sendKeys("Up")
            terminal.awaitEditedLine("echo once more")
            terminal.sendKeys("Down")
            terminal.awaitEditedLine("ec")
            terminal.sendKeys("Up")
            terminal.awaitEditedLine("echo once more")
            terminal.sendKeys("Enter")

            val rows = terminal.awaitRows { rows -> rows.count { it == "once more" } == 2 && rows.last() == PROMPT_SHOWN }
            rows.filter { it.startsWith(PROMPT_SHOWN) } shouldContainExactly
                listOf("$PROMPT_SHOWN echo once more", "$PROMPT_SHOWN echo once more", PROMPT_SHOWN)
            // Run twice, kept once: History does not repeat its newest entry.
            session.history.entries shouldContainExactly listOf("echo once more")
        }
    }

    interopTest("a timer message arrives while a line is half typed: it gets a row of its own and the line and cursor are kept") {
        withDemo {
            terminal.sendText("timer 2 RING")
            terminal.sendKeys("Enter")
            terminal.awaitText("Waiting 2 seconds...")
            terminal.sendText("echo part")
            val before = terminal.awaitEditedLine("echo part")
            // Otherwise the message came before the typing and this test would prove nothing.
            if (before.any { it == "RING" }) fail("the timer fired before 'echo part' was typed; the machine is too slow for this test")

            val rows = terminal.awaitRows { "RING" in it }
            val ring = rows.indexOf("RING")
            withClue("the rows around the message:\n${rows.joinToString("\n")}") {
                rows[ring - 1] shouldBe "Waiting 2 seconds..."
                rows[ring + 1] shouldBe "$PROMPT_SHOWN echo part"
                rows.count { "echo part" in it } shouldBe 1 // redrawn below, not left above
            }
            terminal.cursor() shouldBe TmuxTerminal.Cursor(column = DEMO_LIKE_PROMPT.length + "echo part".length, row = ring + 1)

            terminal.sendText(" two")
            terminal.awaitEditedLine("echo part two")
            terminal.sendKeys("Enter")
            val after = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN && "part two" in it }
            after.indexOf("part two") shouldBe after.indexOf("$PROMPT_SHOWN echo part two") + 1
        }
    }

    interopTest("a hidden read in character mode: the password never reaches the screen, not even its length") {
        withDemo {
            terminal.sendText("secret")
            terminal.sendKeys("Enter")
            val promptRow = terminal.awaitCursorAt("Password:", column = "Password: ".length)
            for (c in "hunter2") {
                terminal.sendText(c.toString())
                repeat(3) {
                    val rows = terminal.rows()
                    rows[promptRow] shouldBe "Password:"
                    rows.joinToString("\n") shouldNotContain "hunt"
                    terminal.cursor() shouldBe TmuxTerminal.Cursor("Password: ".length, promptRow)
                    delay(10.milliseconds)
                }
            }
            terminal.sendKeys("Enter")
            val rows = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN && "got 7 chars" in it }
            rows[promptRow] shouldBe "Password:"
            rows[promptRow + 1] shouldBe "got 7 chars"
            secrets shouldContainExactly listOf("hunter2")
            repeat(3) {
                terminal.screen() shouldNotContain "hunt"
                terminal.screen(joinWrapped = true) shouldNotContain "hunt"
                delay(50.milliseconds)
            }
            session.history.entries shouldContainExactly listOf("secret")
        }
    }

    interopTest("a hidden read in line mode (telnet 'mode line'): the server asks the client to stop echoing, then gives echoing back") {
        withDemo {
            terminal.sendKeys("C-]")
            terminal.awaitText("telnet>")
            terminal.sendText("mode line")
            terminal.sendKeys("Enter")
            awaitCondition("the client switched to line mode (DONT ECHO)") { !session.serverEchoes }

            // The client echoes locally now; the server draws nothing of the line.
            terminal.sendText("secret")
            terminal.awaitText("secret")
            terminal.sendKeys("Enter")
            val promptRow = terminal.awaitCursorAt("Password:", column = "Password: ".length)
            for (c in "hunter2") {
                terminal.sendText(c.toString())
                repeat(3) {
                    val rows = terminal.rows()
                    rows[promptRow] shouldBe "Password:"
                    rows.joinToString("\n") shouldNotContain "hunt"
                    delay(10.milliseconds)
                }
            }
            // The client agreed to the server's WILL ECHO for the hidden read, which is why it stopped echoing.
            session.serverEchoes shouldBe true
            terminal.sendKeys("Enter")
            val rows = terminal.awaitRows { rows -> "got 7 chars" in rows && rows.last() == PROMPT_SHOWN }
            rows[promptRow] shouldBe "Password:"
            secrets shouldContainExactly listOf("hunter2")
            terminal.screen() shouldNotContain "hunt"
            awaitCondition("the server gave echoing back (WONT ECHO) after the hidden read") { !session.serverEchoes }

            // Local echo is back: what is typed shows before Enter is pressed.
            terminal.sendText("echo visible again")
            terminal.awaitText("$PROMPT_SHOWN echo visible again")
            terminal.sendKeys("Enter")
            terminal.awaitRows { "visible again" in it }
            repeat(3) {
                terminal.screen() shouldNotContain "hunt"
                delay(50.milliseconds)
            }
        }
    }

    interopTest("a line longer than the pane wraps; Home, an insert at the start and End leave the right text and cursor") {
        withDemo {
            val long = (0 until 150).map { 'a' + it % 26 }.joinToString("")
            // Typed without its first letter, which is then inserted at the start of the line.
            terminal.sendText("cho $long")
            terminal.awaitEditedLine("cho $long")
            terminal.sendKeys("Home")
            terminal.awaitEditedLine("cho $long", cursorAt = 0)
            terminal.sendText("e")
            val rows = terminal.awaitEditedLine("echo $long", cursorAt = 1)
            val full = DEMO_LIKE_PROMPT + "echo $long"
            val start = rows.indexOfLast { it.startsWith(PROMPT_SHOWN) }
            withClue("each row holds the next $WIDTH columns of the line") {
                rows.subList(start, start + 3) shouldContainExactly full.chunked(WIDTH)
            }
            terminal.sendKeys("End")
            terminal.awaitEditedLine("echo $long")
            // Back across a wrap (from the third row to the second), an insert and a delete there.
            terminal.sendKeys(*Array(20) { "Left" })
            terminal.awaitEditedLine("echo $long", cursorAt = "echo $long".length - 20)
            terminal.sendText("X")
            terminal.awaitEditedLine("echo " + long.substring(0, 130) + "X" + long.substring(130), cursorAt = "echo $long".length - 19)
            terminal.sendKeys("BSpace")
            terminal.awaitEditedLine("echo $long", cursorAt = "echo $long".length - 20)
            terminal.sendKeys("End")
            terminal.awaitEditedLine("echo $long")
            terminal.sendText(" END")
            terminal.awaitEditedLine("echo $long END")
            terminal.sendKeys("Enter")

            val after = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN }
            val joined = joinWrapped(after)
            joined shouldContainExactly listOf(
                "Trying 127.0.0.1...", "Connected to 127.0.0.1.", "Escape character is '^]'.",
                "You have connected to the telnet server.",
                DEMO_LIKE_PROMPT + "echo $long END", "$long END", PROMPT_SHOWN,
            )
            // tmux itself saw real wraps (it reflows such lines on resize), not rows drawn apart.
            val tmuxJoined = terminal.screen(joinWrapped = true).split('\n').map { it.trimEnd() }
            tmuxJoined shouldContain DEMO_LIKE_PROMPT + "echo $long END"
            tmuxJoined shouldContain "$long END"
        }
    }

    interopTest("a wrapped half-typed line survives the pane being narrowed and then widened (NAWS): the line, the cursor and the output above stay right, and Enter runs the line") {
        withDemo {
            terminal.sendText("echo before")
            terminal.sendKeys("Enter")
            terminal.awaitRows { rows -> "before" in rows && rows.last() == PROMPT_SHOWN }
            val long = (0 until 150).map { 'a' + it % 26 }.joinToString("")

            /** tmux's own view, wrapped rows joined: the earlier output intact, the edited line once, the cursor at its end. */
            suspend fun awaitIntact(line: String, width: Int) {
                var last = ""
                val met = withTimeoutOrNull(10.seconds) {
                    while (true) {
                        val joined = terminal.screen(joinWrapped = true).split('\n').map { it.trimEnd() }.dropLastWhile { it.isEmpty() }
                        last = joined.joinToString("\n")
                        val cursor = terminal.cursor()
                        val plain = terminal.rows()
                        val start = plain.indexOfLast { it.startsWith(PROMPT_SHOWN) }
                        val at = DEMO_LIKE_PROMPT.length + line.length
                        if (joined.takeLast(3) == listOf("$PROMPT_SHOWN echo before", "before", DEMO_LIKE_PROMPT + line) &&
                            start >= 0 && cursor == TmuxTerminal.Cursor(at % width, start + at / width)
                        ) return@withTimeoutOrNull true
                        delay(20.milliseconds)
                    }
                    @Suppress("UNREACHABLE_CODE") null
                }
                if (met == null) fail("after the resize to $width columns the screen did not show the line intact with the cursor at its end:\n$last")
            }

            terminal.sendText("echo $long")
            terminal.awaitEditedLine("echo $long")
            terminal.resize(60, HEIGHT)
            awaitCondition("the session saw the narrower pane") { session.size.width == 60 }
            awaitIntact("echo $long", 60)
            terminal.sendText("Z")
            awaitIntact("echo ${long}Z", 60)

            terminal.resize(100, HEIGHT)
            awaitCondition("the session saw the wider pane") { session.size.width == 100 }
            awaitIntact("echo ${long}Z", 100)
            terminal.sendKeys("Enter")
            val joined = withTimeoutOrNull(10.seconds) {
                while (true) {
                    val rows = terminal.screen(joinWrapped = true).split('\n').map { it.trimEnd() }.dropLastWhile { it.isEmpty() }
                    if (rows.lastOrNull() == PROMPT_SHOWN && "${long}Z" in rows) return@withTimeoutOrNull rows
                    delay(20.milliseconds)
                }
                @Suppress("UNREACHABLE_CODE") null
            } ?: fail("the command's answer never came:\n${terminal.screen(joinWrapped = true)}")
            joined.takeLast(5) shouldContainExactly listOf("$PROMPT_SHOWN echo before", "before", DEMO_LIKE_PROMPT + "echo ${long}Z", "${long}Z", PROMPT_SHOWN)
        }
    }

    interopTest("a line that ends exactly at the right margin: the cursor waits on the next row, Backspace and Enter leave no gap") {
        withDemo {
            // Prompt (15) + "echo " (5) + 140 = 160 columns: exactly two full rows.
            val text = (0 until 140).map { 'A' + it % 26 }.joinToString("")
            terminal.sendText("echo $text")
            val rows = terminal.awaitEditedLine("echo $text") // the cursor at column 0 of the third row
            val start = rows.indexOfLast { it.startsWith(PROMPT_SHOWN) }
            rows[start + 2] shouldBe ""
            terminal.sendKeys("BSpace")
            terminal.awaitEditedLine("echo ${text.dropLast(1)}") // back at the last column of the second row
            terminal.sendText(text.takeLast(1))
            terminal.awaitEditedLine("echo $text")
            terminal.sendKeys("Enter")

            val after = terminal.awaitRows { it.lastOrNull() == PROMPT_SHOWN }
            withClue("no blank row between the line and its output:\n${after.joinToString("\n")}") {
                after.subList(start, after.size) shouldContainExactly
                    (DEMO_LIKE_PROMPT + "echo $text").chunked(WIDTH) + text.chunked(WIDTH) + PROMPT_SHOWN
            }
            // Not checked with capture-pane -J: tmux keeps the second row's wrap flag after the line
            // break, so it joins the output to the command line, for bash (readline) exactly as here.
        }
    }

    interopTest("Tab completes a command name from its prefix; a second Tab lists the candidates of an ambiguous one") {
        withDemo {
            terminal.sendText("ti")
            terminal.awaitEditedLine("ti")
            terminal.sendKeys("Tab")
            terminal.awaitEditedLine("timer ")
            terminal.sendText("0 DONE")
            terminal.sendKeys("Enter")
            terminal.awaitRows { rows -> "DONE" in rows && rows.last() == PROMPT_SHOWN }

            terminal.sendText("e")
            terminal.awaitEditedLine("e")
            terminal.sendKeys("Tab", "Tab") // echo, exit: nothing to add, so the second Tab lists them
            val listed = terminal.awaitRows { "echo  exit" in it }
            listed.subList(listed.size - 3, listed.size) shouldContainExactly listOf("$PROMPT_SHOWN e", "echo  exit", "$PROMPT_SHOWN e")
            terminal.awaitEditedLine("e")
            terminal.sendText("c")
            terminal.sendKeys("Tab")
            terminal.awaitEditedLine("echo ")
            terminal.sendText("completed")
            terminal.sendKeys("Enter")
            val rows = terminal.awaitRows { rows -> "completed" in rows && rows.last() == PROMPT_SHOWN }
            rows.indexOf("completed") shouldBe rows.indexOf("$PROMPT_SHOWN echo completed") + 1
        }
    }
})

/** Rows joined where one fills the whole width (the terminal wrapped it), trailing blank rows dropped. */
private fun joinWrapped(rows: List<String>): List<String> {
    val out = ArrayList<String>()
    var current: StringBuilder? = null
    for (row in rows) {
        val line = current?.append(row) ?: StringBuilder(row)
        current = if (row.length == WIDTH) line else { out.add(line.toString()); null }
    }
    current?.let { out.add(it.toString()) }
    return out.dropLastWhile { it.isEmpty() }
}

/** Waits until the screen's rows (trailing empty rows dropped) satisfy [predicate]; returns them. */
private suspend fun TmuxTerminal.awaitRows(predicate: (List<String>) -> Boolean): List<String> {
    val screen = awaitScreen { predicate(it.removeSuffix("\n").split('\n').dropLastWhile(String::isEmpty)) }
    return screen.removeSuffix("\n").split('\n').dropLastWhile(String::isEmpty)
}

/**
 * Waits until the line being edited (from the last row that starts with the prompt, rows of full
 * width joined) reads prompt + [text] and the cursor is at index [cursorAt] of [text]; returns all rows.
 */
private suspend fun TmuxTerminal.awaitEditedLine(text: String, cursorAt: Int = text.length): List<String> {
    var last = ""
    var lastCursor: TmuxTerminal.Cursor? = null
    val expected = (DEMO_LIKE_PROMPT + text).trimEnd()
    val met = withTimeoutOrNull(10.seconds) {
        while (true) {
            val screen = screen()
            val cursor = cursor()
            last = screen
            lastCursor = cursor
            val rows = screen.removeSuffix("\n").split('\n')
            val start = rows.indexOfLast { it.startsWith(PROMPT_SHOWN) }
            if (start >= 0) {
                val line = joinWrapped(rows.drop(start)).firstOrNull() ?: ""
                val at = DEMO_LIKE_PROMPT.length + cursorAt
                if (line == expected && cursor == TmuxTerminal.Cursor(at % WIDTH, start + at / WIDTH)) return@withTimeoutOrNull rows
            }
            delay(20.milliseconds)
        }
        @Suppress("UNREACHABLE_CODE") null
    }
    return met ?: fail("the edited line never read '$expected' with the cursor at ${DEMO_LIKE_PROMPT.length + cursorAt}; cursor $lastCursor, screen:\n$last")
}

/** Waits until the cursor is at [column] of a row that reads [row]; returns the row's index. */
private suspend fun TmuxTerminal.awaitCursorAt(row: String, column: Int): Int {
    var last = ""
    var lastCursor: TmuxTerminal.Cursor? = null
    val met = withTimeoutOrNull(10.seconds) {
        while (true) {
            val screen = screen()
            val cursor = cursor()
            last = screen
            lastCursor = cursor
            val rows = screen.removeSuffix("\n").split('\n')
            if (rows.getOrNull(cursor.row) == row && cursor.column == column) return@withTimeoutOrNull cursor.row
            delay(20.milliseconds)
        }
        @Suppress("UNREACHABLE_CODE") null
    }
    return met ?: fail("the cursor was never at column $column of a row reading '$row'; cursor $lastCursor, screen:\n$last")
}

/** Polls [condition] (a server-side fact) until it holds; fails with [what] after 10 s. */
private suspend fun awaitCondition(what: String, condition: () -> Boolean) {
    val met = withTimeoutOrNull(10.seconds) {
        while (!condition()) delay(10.milliseconds)
        true
    }
    if (met == null) fail("not within 10 s: $what")
}
