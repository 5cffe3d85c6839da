package dev.telnetkit.terminal

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf

private const val ESC = "\u001b"

/** Every form of Home and End a terminal may send (and Ctrl-A / Ctrl-E). */
private val HOME_KEYS = listOf("$ESC[H", "$ESC[1~", "$ESC[7~", "${ESC}OH", "\u0001")
private val END_KEYS = listOf("$ESC[F", "$ESC[4~", "$ESC[8~", "${ESC}OF", "\u0005")

private fun EditorOnScreen.enter(line: String): LineEditor.Outcome {
    type(line)
    val outcome = key(Key.Enter)
    begin()
    return outcome
}

private fun EditorOnScreen.press(times: Int, k: Key) = repeat(times) { key(k) }

private val gitWords = wordsCompleter("status", "stash", "commit", "checkout", "cherry-pick")

class LineEditorScreenSpec : FunSpec({

    context("typing and moving") {
        test("typed characters appear after the prompt and the cursor follows them") {
            val e = EditorOnScreen().begin()
            e.type("hello")
            e.lines[0] shouldBe "> hello"
            e.cursor shouldBe (0 to 7)
            e.editor.text shouldBe "hello"
        }

        test("a character typed in the middle is inserted, not written over the next one") {
            val e = EditorOnScreen().begin().type("helo")
            e.key(Key.Left)
            e.type("l")
            e.lines[0] shouldBe "> hello"
            e.cursor shouldBe (0 to 6)
        }

        test("Backspace erases the character before the cursor, whether the terminal sends BS or DEL") {
            val e = EditorOnScreen().begin()
            e.input("abcd\b")
            e.lines[0] shouldBe "> abc"
            e.cursor shouldBe (0 to 5)
            e.input("\u007f")
            e.lines[0] shouldBe "> ab"
            e.input("$ESC[D\u007f")
            e.lines[0] shouldBe "> b"
            e.cursor shouldBe (0 to 2)
            e.input("\u007f")
            e.lines[0] shouldBe "> b"
            e.screen.bellCount shouldBe 0
        }

        test("Delete and Ctrl-D remove the character under the cursor, and do nothing at the end") {
            val e = EditorOnScreen().begin().type("abcd")
            e.input("\u0001$ESC[3~")
            e.lines[0] shouldBe "> bcd"
            e.cursor shouldBe (0 to 2)
            e.input("\u0004")
            e.lines[0] shouldBe "> cd"
            e.input("\u0005$ESC[3~\u0004")
            e.lines[0] shouldBe "> cd"
            e.editor.text shouldBe "cd"
        }

        test("Left and Right move one character in CSI, SS3 and Ctrl-B / Ctrl-F forms, and stop at the ends") {
            val e = EditorOnScreen().begin().type("abcd")
            e.input("$ESC[D"); e.cursor shouldBe (0 to 5)
            e.input("${ESC}OD"); e.cursor shouldBe (0 to 4)
            e.input("\u0002"); e.cursor shouldBe (0 to 3)
            e.input("$ESC[C"); e.cursor shouldBe (0 to 4)
            e.input("${ESC}OC"); e.cursor shouldBe (0 to 5)
            e.input("\u0006"); e.cursor shouldBe (0 to 6)
            e.input("\u0006$ESC[C"); e.cursor shouldBe (0 to 6)
            e.input("\u0001$ESC[D"); e.cursor shouldBe (0 to 2)
            e.lines[0] shouldBe "> abcd"
        }

        test("every form of Home goes to the start of the line and every form of End to its end") {
            for (home in HOME_KEYS) for (end in END_KEYS) {
                val e = EditorOnScreen().begin().type("hello world")
                withClue("Home ${home.replace(ESC, "ESC")}") {
                    e.input(home)
                    e.cursor shouldBe (0 to 2)
                    e.editor.cursorIndex shouldBe 0
                }
                withClue("End ${end.replace(ESC, "ESC")}") {
                    e.input(end)
                    e.cursor shouldBe (0 to 13)
                }
                e.lines[0] shouldBe "> hello world"
            }
        }

        test("Ctrl+Left / Alt-b / rxvt ESC O d go a word back, Ctrl+Right / Alt-f / ESC O c a word forward") {
            val e = EditorOnScreen().begin().type("one two-three")
            e.input("$ESC[1;5D"); e.cursor shouldBe (0 to 10)
            e.input("${ESC}b"); e.cursor shouldBe (0 to 6)
            e.input("${ESC}Od"); e.cursor shouldBe (0 to 2)
            e.input("$ESC[1;5C"); e.cursor shouldBe (0 to 5)
            e.input("${ESC}f"); e.cursor shouldBe (0 to 9)
            e.input("${ESC}Oc"); e.cursor shouldBe (0 to 15)
            e.lines[0] shouldBe "> one two-three"
        }

        test("word moves keep a letter and its combining marks together") {
            val e = EditorOnScreen().begin().type("cafe\u0301 ok")
            e.input("\u0001${ESC}f")
            e.editor.cursorIndex shouldBe 5
            e.cursor shouldBe (0 to 6)
            e.type("s")
            e.lines[0] shouldBe "> cafe\u0301s ok"
            e.input("\u0005${ESC}b${ESC}b")
            e.editor.cursorIndex shouldBe 0
        }

        test("Ctrl-K kills to the end of the line and Ctrl-Y yanks it back") {
            val e = EditorOnScreen().begin().type("hello world")
            e.input("\u0001${ESC}f\u000b")
            e.lines[0] shouldBe "> hello"
            e.cursor shouldBe (0 to 7)
            e.input("\u0019")
            e.lines[0] shouldBe "> hello world"
            e.cursor shouldBe (0 to 13)
        }

        test("Ctrl-U kills to the start of the line") {
            val e = EditorOnScreen().begin().type("hello world")
            e.press(5, Key.Left)
            e.ctrl('U')
            e.lines[0] shouldBe "> world"
            e.cursor shouldBe (0 to 2)
            e.input("\u0005\u0019")
            e.lines[0] shouldBe "> worldhello" // rows are right-trimmed
            e.editor.text shouldBe "worldhello "
        }

        test("Ctrl-W kills the space-separated word before the cursor") {
            val e = EditorOnScreen().begin().type("git commit --amend")
            e.ctrl('W')
            e.editor.text shouldBe "git commit "
            e.lines[0] shouldBe "> git commit"
            e.ctrl('W')
            e.editor.text shouldBe "git "
            e.cursor shouldBe (0 to 6)
            // Two kills in a row: one Ctrl-Y yanks both.
            e.ctrl('Y')
            e.editor.text shouldBe "git commit --amend"
            e.cursor shouldBe (0 to 20)
        }

        test("Alt-d kills the word after the cursor and Alt-Backspace the word before it") {
            val e = EditorOnScreen().begin().type("one two three")
            e.input("\u0001${ESC}d")
            e.lines[0] shouldBe ">  two three"
            e.input("\u0005$ESC\u007f")
            e.editor.text shouldBe " two "
            e.cursor shouldBe (0 to 7)
        }

        test("Insert, PgUp and PgDn do nothing: no text, no move, nothing drawn") {
            val e = EditorOnScreen().begin().type("abc")
            e.key(Key.Left)
            e.takeSent()
            e.input("$ESC[2~$ESC[5~$ESC[6~") shouldContainExactly List(3) { LineEditor.Outcome.Continue }
            e.takeSent() shouldBe ""
            e.editor.text shouldBe "abc"
            e.editor.cursorIndex shouldBe 2
            e.lines[0] shouldBe "> abc"
            e.cursor shouldBe (0 to 4)
            e.screen.bellCount shouldBe 0
        }

        test("Ctrl-T swaps the characters around the cursor, or the last two at the end") {
            val e = EditorOnScreen().begin().type("ab")
            e.ctrl('T')
            e.lines[0] shouldBe "> ba"
            e.cursor shouldBe (0 to 4)
            val mid = EditorOnScreen().begin().type("abc")
            mid.input("\u0001\u0006\u0014")
            mid.lines[0] shouldBe "> bac"
            mid.cursor shouldBe (0 to 4)
            mid.input("\u0001\u0014")
            mid.lines[0] shouldBe "> bac"
        }

        test("Ctrl-L clears the screen and draws the prompt, the line and the cursor at the top") {
            val e = EditorOnScreen()
            e.output("earlier output\nmore\n")
            e.begin().type("hello world")
            e.input("${ESC}b")
            e.lines[2] shouldBe "> hello world"
            e.ctrl('L')
            e.text shouldBe "> hello world"
            e.cursor shouldBe (0 to 8)
            e.type("big ")
            e.text shouldBe "> hello big world"
        }

        test("a coloured prompt takes only its visible cells") {
            val e = EditorOnScreen(width = 10).begin("$ESC[1;32m>$ESC[0m ")
            e.type("abcdefghij")
            e.text shouldBe "> abcdefgh\nij"
            e.input("\u0001")
            e.cursor shouldBe (0 to 2)
        }

        test("a prompt that sets the window title (OSC, ended by BEL or ST) takes only its visible cells") {
            for (prompt in listOf("$ESC]0;user@host: ~\u0007> ", "$ESC]2;title$ESC\\> ", "$ESC(B$ESC]0;t\u0007$ESC[1m>$ESC[m ")) {
                withClue(prompt.replace(ESC, "ESC")) {
                    val e = EditorOnScreen(width = 10).begin(prompt)
                    e.type("abcdefghij")
                    e.text shouldBe "> abcdefgh\nij"
                    e.cursor shouldBe (1 to 2)
                    e.input("\u0001")
                    e.cursor shouldBe (0 to 2)
                    e.input("\u0005")
                    e.cursor shouldBe (1 to 2)
                    e.type("k")
                    e.message("note")
                    e.text shouldBe "note\n> abcdefgh\nijk"
                    e.cursor shouldBe (2 to 3)
                    e.screen.bellCount shouldBe 0
                }
            }
        }

    }

    context("history") {
        test("Up / Ctrl-P go back through the history, Down / Ctrl-N forward, and past the newest the typed text returns") {
            val e = EditorOnScreen().begin()
            e.enter("first"); e.enter("second"); e.enter("third")
            e.type("draft")
            e.lines[3] shouldBe "> draft"
            e.key(Key.Up); e.lines[3] shouldBe "> third"
            e.key(Key.Up); e.lines[3] shouldBe "> second"
            e.ctrl('P'); e.lines[3] shouldBe "> first"
            e.cursor shouldBe (3 to 7)
            e.key(Key.Up)
            e.lines[3] shouldBe "> first"
            e.screen.bellCount shouldBe 1
            e.key(Key.Down); e.lines[3] shouldBe "> second"
            e.ctrl('N'); e.lines[3] shouldBe "> third"
            e.key(Key.Down); e.lines[3] shouldBe "> draft"
            e.cursor shouldBe (3 to 7)
            e.key(Key.Down); e.lines[3] shouldBe "> draft"
            e.text shouldBe "> first\n> second\n> third\n> draft"
        }

        test("the history keeps its newest entries up to its size") {
            val h = History(2)
            val e = EditorOnScreen(history = h).begin()
            e.enter("a"); e.enter("b"); e.enter("c")
            h.entries shouldContainExactly listOf("b", "c")
            e.key(Key.Up); e.key(Key.Up)
            e.lines[3] shouldBe "> b"
            e.key(Key.Up)
            e.lines[3] shouldBe "> b"
            e.screen.bellCount shouldBe 1
        }

        test("a line equal to the newest entry is kept once, and blank lines are not kept") {
            val h = History()
            val e = EditorOnScreen(history = h).begin()
            for (line in listOf("x", "x", "y", "x", "", "   ")) e.enter(line)
            h.entries shouldContainExactly listOf("x", "y", "x")
        }

        test("a read without history records nothing and Up does nothing") {
            val h = History()
            EditorOnScreen(history = h).begin().enter("kept")
            val e = EditorOnScreen(history = null).begin()
            e.enter("secret").shouldBe(LineEditor.Outcome.Done("secret"))
            h.entries shouldContainExactly listOf("kept")
            e.key(Key.Up)
            e.lines[1] shouldBe ">"
            e.screen.bellCount shouldBe 0
        }

        test("a read with echo off never enters the history and shows none of it") {
            val h = History().apply { add("visible") }
            val e = EditorOnScreen(history = h, echo = false).begin("Password: ")
            e.key(Key.Up)
            e.ctrl('R')
            e.type("hunter2")
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("hunter2")
            h.entries shouldContainExactly listOf("visible")
            e.text shouldBe "Password:"
        }
    }

    context("reverse search with Ctrl-R") {
        fun searching(): EditorOnScreen {
            val h = History().apply { listOf("git status", "ls -la", "git commit -m fix", "echo hi").forEach(::add) }
            return EditorOnScreen(width = 60, history = h).begin()
        }

        test("Ctrl-R shows the search prompt, typing finds the newest match and narrows it") {
            val e = searching()
            e.ctrl('R')
            e.editor.searching.shouldBeTrue()
            e.lines[0] shouldBe "(reverse-i-search)`':"
            e.cursor shouldBe (0 to 22)
            e.type("i")
            e.lines[0] shouldBe "(reverse-i-search)`i': echo hi"
            e.cursor shouldBe (0 to 23 + 6)
            e.type("t")
            e.lines[0] shouldBe "(reverse-i-search)`it': git commit -m fix"
            e.cursor shouldBe (0 to 24 + 1)
        }

        test("Ctrl-R again finds an older match, Enter accepts it as the line") {
            val e = searching()
            e.ctrl('R')
            e.type("git")
            e.lines[0] shouldBe "(reverse-i-search)`git': git commit -m fix"
            e.ctrl('R')
            e.lines[0] shouldBe "(reverse-i-search)`git': git status"
            e.ctrl('R')
            e.lines[0] shouldBe "(failed reverse-i-search)`git': git status"
            e.screen.bellCount shouldBe 1
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("git status")
            e.lines[0] shouldBe "> git status"
            e.cursor shouldBe (1 to 0)
            e.editor.searching.shouldBeFalse()
        }

        test("Backspace shortens the query and searches again from the newest entry") {
            val e = searching()
            e.ctrl('R')
            e.type("ls")
            e.lines[0] shouldBe "(reverse-i-search)`ls': ls -la"
            e.key(Key.Backspace)
            e.lines[0] shouldBe "(reverse-i-search)`l': ls -la"
        }

        test("Ctrl-G gives up the search and restores the line as it was") {
            val e = searching()
            e.type("draft")
            e.ctrl('R')
            e.type("ls")
            e.lines[0] shouldBe "(reverse-i-search)`ls': ls -la"
            e.ctrl('G')
            e.editor.searching.shouldBeFalse()
            e.text shouldBe "> draft"
            e.cursor shouldBe (0 to 7)
        }

        test("Esc ends the search with the match on the line, not run, and the cursor where the match is") {
            val e = searching()
            e.type("draft")
            e.ctrl('R')
            e.type("-m")
            e.key(Key.Escape) shouldBe LineEditor.Outcome.Continue
            e.editor.searching.shouldBeFalse()
            e.editor.text shouldBe "git commit -m fix"
            e.text shouldBe "> git commit -m fix"
            e.cursor shouldBe (0 to 2 + 11)
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("git commit -m fix")
        }

        test("Esc with nothing found leaves the line as it was") {
            val e = searching()
            e.type("draft")
            e.ctrl('R')
            e.key(Key.Escape)
            e.editor.searching.shouldBeFalse()
            e.text shouldBe "> draft"
            e.cursor shouldBe (0 to 7)
        }

        test("a query that matches nothing says so, as readline does, keeps the last match, and Backspace searches again") {
            val e = searching()
            e.ctrl('R')
            e.type("ec")
            e.lines[0] shouldBe "(reverse-i-search)`ec': echo hi"
            e.type("x")
            e.lines[0] shouldBe "(failed reverse-i-search)`ecx': echo hi"
            e.screen.bellCount shouldBe 1
            e.key(Key.Backspace)
            e.lines[0] shouldBe "(reverse-i-search)`ec': echo hi"
            e.cursor shouldBe (0 to 24)
            val none = searching()
            none.ctrl('R')
            none.type("zz")
            none.lines[0] shouldBe "(failed reverse-i-search)`zz':"
            none.ctrl('G')
            none.text shouldBe ">"
        }

        test("the query is at most maxLength long: beyond it a key rings the bell and draws nothing else, however much is pasted") {
            val h = History().apply { add("x".repeat(30)) }
            val e = EditorOnScreen(width = 80, maxLength = 20, history = h).begin()
            e.ctrl('R')
            e.takeSent()
            var most = 0
            repeat(10_000) { i ->
                e.type("x")
                val sent = e.takeSent()
                most = maxOf(most, sent.length)
                if (i >= 20) withClue("key ${i + 1}") { sent shouldBe "\u0007" }
            }
            // Each key within the limit redraws the search line once: prompt, query and match.
            most shouldBeLessThanOrEqual "(reverse-i-search)`': ".length + 20 + 30 + 16
            e.lines[0] shouldBe "(reverse-i-search)`${"x".repeat(20)}': ${"x".repeat(30)}"
            e.screen.bellCount shouldBe 10_000 - 20
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("x".repeat(20))
        }

        test("an editing key ends the search with the match on the line and then does its work") {
            val e = searching()
            e.ctrl('R')
            e.type("status")
            e.key(Key.Left)
            e.editor.searching.shouldBeFalse()
            e.text shouldBe "> git status"
            e.cursor shouldBe (0 to 5)
        }
    }

    context("Tab completion") {
        test("a unique match completes the word with a trailing space") {
            val e = EditorOnScreen(completer = gitWords).begin().type("com")
            e.key(Key.Tab)
            e.lines[0] shouldBe "> commit"
            e.cursor shouldBe (0 to 9)
            e.editor.text shouldBe "commit "
        }

        test("a unique match in the middle of the line completes without a space") {
            val e = EditorOnScreen(completer = gitWords).begin().type("com x")
            e.press(2, Key.Left)
            e.key(Key.Tab)
            e.lines[0] shouldBe "> commit x"
            e.cursor shouldBe (0 to 8)
        }

        test("several matches complete their common prefix, and a second Tab lists them below and draws the line again") {
            val e = EditorOnScreen(completer = gitWords).begin().type("st")
            e.key(Key.Tab)
            e.lines[0] shouldBe "> sta"
            e.screen.bellCount shouldBe 0
            e.key(Key.Tab)
            e.text shouldBe "> sta\nstash   status\n> sta"
            e.cursor shouldBe (2 to 5)
            e.type("tu")
            e.key(Key.Tab)
            e.editor.text shouldBe "status "
            e.cursor shouldBe (2 to 9)
        }

        test("a first Tab that cannot complete rings the bell; the second lists in columns sized to the terminal width") {
            val narrow = EditorOnScreen(width = 30, completer = gitWords).begin().type("c")
            narrow.key(Key.Tab)
            narrow.screen.bellCount shouldBe 1
            narrow.text shouldBe "> c"
            narrow.key(Key.Tab)
            narrow.text shouldBe "> c\ncheckout     commit\ncherry-pick\n> c"
            narrow.cursor shouldBe (3 to 3)

            val wide = EditorOnScreen(width = 80, completer = gitWords).begin().type("c")
            wide.key(Key.Tab, Key.Tab)
            wide.text shouldBe "> c\ncheckout     cherry-pick  commit\n> c"
        }

        test("no match, or no completer, rings the bell") {
            val e = EditorOnScreen(completer = gitWords).begin().type("zz")
            e.key(Key.Tab)
            e.screen.bellCount shouldBe 1
            e.text shouldBe "> zz"
            val none = EditorOnScreen(completer = null).begin().type("st")
            none.key(Key.Tab)
            none.screen.bellCount shouldBe 1
            none.text shouldBe "> st"
        }
    }

    context("lines wider than the terminal") {
        test("a long line wraps, and the cursor crosses the wrap both ways") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefghijklmnopqrst")
            e.text shouldBe "> abcdefgh\nijklmnopqr\nst"
            e.cursor shouldBe (2 to 2)
            e.press(3, Key.Left)
            e.cursor shouldBe (1 to 9)
            e.press(9, Key.Left)
            e.cursor shouldBe (1 to 0)
            e.key(Key.Left)
            e.cursor shouldBe (0 to 9)
            e.key(Key.Right)
            e.cursor shouldBe (1 to 0)
            e.key(Key.Home)
            e.cursor shouldBe (0 to 2)
            e.key(Key.End)
            e.cursor shouldBe (2 to 2)
            e.text shouldBe "> abcdefgh\nijklmnopqr\nst"
        }

        test("inserting and deleting in the middle of a wrapped line redraws the rows after it") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefghijklmnopqrst")
            e.key(Key.Home)
            e.press(7, Key.Right)
            e.type("X")
            e.text shouldBe "> abcdefgX\nhijklmnopq\nrst"
            e.cursor shouldBe (1 to 0)
            e.key(Key.Home)
            e.key(Key.Delete)
            e.text shouldBe "> bcdefgXh\nijklmnopqr\nst"
            e.cursor shouldBe (0 to 2)
            e.ctrl('K')
            e.text shouldBe ">"
            e.cursor shouldBe (0 to 2)
        }

        test("text ending exactly at the margin puts the cursor at the start of the next row") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefgh")
            e.text shouldBe "> abcdefgh"
            e.cursor shouldBe (1 to 0)
            e.type("i")
            e.text shouldBe "> abcdefgh\ni"
            e.cursor shouldBe (1 to 1)
            e.key(Key.Backspace)
            e.text shouldBe "> abcdefgh"
            e.cursor shouldBe (1 to 0)
            e.key(Key.Left)
            e.cursor shouldBe (0 to 9)
            e.key(Key.Right)
            e.cursor shouldBe (1 to 0)
            e.key(Key.Backspace)
            e.text shouldBe "> abcdefg"
            e.cursor shouldBe (0 to 9)
        }

        test("text filling exactly two rows keeps the cursor on the third and Home goes back up two rows") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefghijklmnopqr")
            e.text shouldBe "> abcdefgh\nijklmnopqr"
            e.cursor shouldBe (2 to 0)
            e.key(Key.Home)
            e.cursor shouldBe (0 to 2)
            e.key(Key.End)
            e.cursor shouldBe (2 to 0)
        }

        test("Enter after text that ends at the margin leaves no blank row, as in bash") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefgh")
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("abcdefgh")
            e.output("ok\n")
            e.text shouldBe "> abcdefgh\nok"
            val short = EditorOnScreen(width = 10).begin().type("abc")
            short.key(Key.Enter)
            short.output("ok\n")
            short.text shouldBe "> abc\nok"
        }

        test("a wide character that does not fit at the end of a row goes to the next row, and the cursor on it is there") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefg日")
            e.text shouldBe "> abcdefg\n日"
            e.cursor shouldBe (1 to 2)
            e.key(Key.Left)
            e.cursor shouldBe (1 to 0)
            e.key(Key.Left)
            e.cursor shouldBe (0 to 8)
            e.key(Key.Right)
            e.cursor shouldBe (1 to 0)
            e.type("x")
            e.text shouldBe "> abcdefgx\n日"
            e.cursor shouldBe (1 to 0)
        }

        test("a prompt with a wide character that does not fit at the margin is laid out as the terminal shows it") {
            val e = EditorOnScreen(width = 5).begin("abcd日> ")
            e.text shouldBe "abcd\n日>"
            e.cursor shouldBe (1 to 4)
            e.type("xy")
            e.text shouldBe "abcd\n日> x\ny"
            e.cursor shouldBe (2 to 1)
            e.key(Key.Home)
            e.cursor shouldBe (1 to 4)
            e.key(Key.End)
            e.cursor shouldBe (2 to 1)
        }
    }

    context("resizing the terminal") {
        test("narrowing and widening keep the prompt and the line on screen once, with the cursor at the end") {
            val e = EditorOnScreen(width = 20).begin().type("abcdefghijklmnopqrstuvwxyz0123")
            e.text shouldBe "> abcdefghijklmnopqr\nstuvwxyz0123"
            e.resize(10)
            e.text shouldBe "> abcdefgh\nijklmnopqr\nstuvwxyz01\n23"
            e.cursor shouldBe (3 to 2)
            e.resize(40)
            e.text shouldBe "> abcdefghijklmnopqrstuvwxyz0123"
            e.cursor shouldBe (0 to 32)
            e.type("!")
            e.text shouldBe "> abcdefghijklmnopqrstuvwxyz0123!"
        }

        test("the cursor in the middle of the line stays on its character") {
            val e = EditorOnScreen(width = 20).begin().type("abcdefghijklmnopqrstuvwxyz0123")
            e.key(Key.Home)
            e.press(5, Key.Right)
            e.resize(7)
            e.text shouldBe "> abcde\nfghijkl\nmnopqrs\ntuvwxyz\n0123"
            e.cursor shouldBe (1 to 0)
            e.type("_")
            e.text shouldBe "> abcde\n_fghijk\nlmnopqr\nstuvwxy\nz0123"
        }

        test("output above the prompt reflows too and the line stays below it") {
            val e = EditorOnScreen(width = 20)
            e.output("some output\n")
            e.begin().type("abcdefgh")
            e.resize(5)
            e.text shouldBe "some\noutpu\nt\n> abc\ndefgh"
            e.cursor shouldBe (5 to 0)
            e.resize(30)
            e.text shouldBe "some output\n> abcdefgh"
            e.cursor shouldBe (1 to 10)
        }

        test("a line ending at the margin survives resizes in both directions") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefgh")
            e.resize(12)
            e.text shouldBe "> abcdefgh"
            e.cursor shouldBe (0 to 10)
            e.resize(5)
            e.text shouldBe "> abc\ndefgh"
            e.cursor shouldBe (2 to 0)
            e.resize(10)
            e.text shouldBe "> abcdefgh"
            e.cursor shouldBe (1 to 0)
        }

        test("wide characters are laid out again at the new width") {
            val e = EditorOnScreen(width = 12).begin().type("日本語のテキスト")
            e.text shouldBe "> 日本語のテ\nキスト"
            e.resize(7)
            e.text shouldBe "> 日本\n語のテ\nキスト"
            e.cursor shouldBe (2 to 6)
            e.key(Key.Home)
            e.cursor shouldBe (0 to 2)
        }
    }

    context("wide and combining characters") {
        test("CJK characters take two cells and Backspace over one erases both") {
            val e = EditorOnScreen().begin().type("日本語")
            e.lines[0] shouldBe "> 日本語"
            e.cursor shouldBe (0 to 8)
            e.key(Key.Left)
            e.cursor shouldBe (0 to 6)
            e.key(Key.End)
            e.key(Key.Backspace)
            e.lines[0] shouldBe "> 日本"
            e.cursor shouldBe (0 to 6)
            e.type("x")
            e.lines[0] shouldBe "> 日本x"
        }

        test("an emoji outside the BMP takes two cells and moves as one character") {
            val e = EditorOnScreen().begin().type("a😀b")
            e.lines[0] shouldBe "> a😀b"
            e.cursor shouldBe (0 to 6)
            e.key(Key.Left); e.cursor shouldBe (0 to 5)
            e.key(Key.Left); e.cursor shouldBe (0 to 3)
            e.editor.cursorIndex shouldBe 1
            e.key(Key.Delete)
            e.lines[0] shouldBe "> ab"
        }

        test("a combining mark takes no cell and goes with its letter on Left, Right and Backspace") {
            val e = EditorOnScreen().begin().type("e\u0301x")
            e.lines[0] shouldBe "> e\u0301x"
            e.cursor shouldBe (0 to 4)
            e.key(Key.Left); e.cursor shouldBe (0 to 3)
            e.key(Key.Left); e.editor.cursorIndex shouldBe 0
            e.key(Key.Right); e.editor.cursorIndex shouldBe 2
            e.key(Key.End)
            e.key(Key.Backspace)
            e.key(Key.Backspace)
            e.lines[0] shouldBe ">"
            e.editor.text shouldBe ""
        }
    }

    context("combining marks at a wrap") {
        test("a combining mark typed right after a wrap joins its letter at the end of the row above") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefgh")
            e.cursor shouldBe (1 to 0)
            e.type("\u0301")
            e.lines shouldContainExactly listOf("> abcdefgh\u0301") + List(11) { "" }
            e.cursor shouldBe (1 to 0)
            e.editor.text shouldBe "abcdefgh\u0301"
            e.type("x")
            e.text shouldBe "> abcdefgh\u0301\nx"
            e.cursor shouldBe (1 to 1)
        }

        test("so does one on a wide letter at the end of the row, and a second mark after it") {
            val e = EditorOnScreen(width = 10).begin().type("abcdef日")
            e.cursor shouldBe (1 to 0)
            e.type("\u0308\u0301")
            e.text shouldBe "> abcdef日\u0308\u0301"
            e.cursor shouldBe (1 to 0)
            e.key(Key.Backspace)
            e.text shouldBe "> abcdef"
            e.editor.text shouldBe "abcdef"
        }

        test("a mark typed mid-row still goes out alone, as typed") {
            val e = EditorOnScreen(width = 10).begin().type("ab")
            e.takeSent()
            e.type("\u0301")
            e.takeSent() shouldBe "\u0301"
            e.lines[0] shouldBe "> ab\u0301"
        }
    }

    context("limits and endings") {
        test("typing beyond the maximum length rings the bell and keeps the line") {
            val e = EditorOnScreen(maxLength = 5).begin().type("abcdefg")
            e.editor.text shouldBe "abcde"
            e.screen.bellCount shouldBe 2
            e.lines[0] shouldBe "> abcde"
        }

        test("Ctrl-C abandons the line, shows ^C and moves to the next row") {
            val e = EditorOnScreen().begin().type("abc")
            e.key(Key.Left)
            e.input("\u0003") shouldContainExactly listOf(LineEditor.Outcome.Interrupted)
            e.lines[0] shouldBe "> abc^C"
            e.cursor shouldBe (1 to 0)
            e.editor.text shouldBe ""
            e.begin()
            e.text shouldBe "> abc^C\n>"
        }

        test("Ctrl-D on an empty line ends the input") {
            val e = EditorOnScreen().begin()
            e.input("\u0004") shouldContainExactly listOf(LineEditor.Outcome.EndOfInput)
            e.cursor shouldBe (1 to 0)
        }

        test("Enter finishes the line and moves below it") {
            val e = EditorOnScreen().begin().type("hello")
            e.input("\r\n").shouldContainExactly(LineEditor.Outcome.Done("hello"))
            e.cursor shouldBe (1 to 0)
        }
    }

    context("echo off") {
        test("nothing of the input appears, not even its length, whatever the keys") {
            val e = EditorOnScreen(echo = false, completer = gitWords, history = History().apply { add("old") }).begin("Password: ")
            e.takeSent() shouldBe "Password: "
            e.type("hunter2 secret")
            for (k in listOf(Key.Left, Key.Backspace, Key.Home, Key.Delete, Key.End, Key.WordLeft, Key.Tab, Key.Tab, Key.Up, Key.Down)) e.key(k)
            for (c in "BFKUWYTRPN") e.ctrl(c)
            e.takeSent() shouldBe ""
            e.text shouldBe "Password:"
            e.cursor shouldBe (0 to 10)
            e.key(Key.Enter).shouldBeInstanceOf<LineEditor.Outcome.Done>()
            e.cursor shouldBe (1 to 0)
        }

        test("Ctrl-L and messages draw the prompt again and nothing else") {
            val e = EditorOnScreen(echo = false).begin("Password: ")
            e.type("hunter2")
            e.ctrl('L')
            e.text shouldBe "Password:"
            e.cursor shouldBe (0 to 10)
            e.message("note")
            e.text shouldBe "note\nPassword:"
            e.cursor shouldBe (1 to 10)
            e.sent.toString() shouldNotContain "hunter2"
            e.sent.toString() shouldNotContain "*"
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("hunter2")
        }
    }

    context("line mode (render off)") {
        test("nothing but the prompt is drawn, not even the line break of Enter (the client echoes it)") {
            val e = EditorOnScreen(render = false, completer = gitWords).begin()
            e.takeSent() shouldBe "> "
            e.type("sta")
            for (k in listOf(Key.Left, Key.Backspace, Key.Tab, Key.Tab, Key.Up, Key.Home, Key.End)) e.key(k)
            for (c in "LKUYT") e.ctrl(c)
            e.type("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz")
            e.takeSent() shouldBe ""
            e.screen.bellCount shouldBe 0
            e.key(Key.Enter).shouldBeInstanceOf<LineEditor.Outcome.Done>()
            e.takeSent() shouldBe ""
        }

        test("the line taken is the line the client showed: cursor keys, history, completion, search, transpose and yank change nothing; Tab is a blank") {
            val history = History().apply { add("status --long") }
            val e = EditorOnScreen(render = false, completer = gitWords, history = history).begin()
            e.type("sta")
            e.key(Key.Tab)
            e.key(Key.Tab)
            for (k in listOf(Key.Left, Key.Left, Key.Home, Key.WordLeft, Key.Up, Key.Down, Key.Delete)) e.key(k)
            e.input("${ESC}[D") // an arrow a cooked terminal passes on as it is
            for (c in "ABEFTYRLPNK") e.ctrl(c)
            e.type("x")
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("sta  x")
        }

        test("what a plain terminal's line discipline sends still edits the end of the line: erase a character, a word, the line") {
            val e = EditorOnScreen(render = false).begin()
            e.type("echo one two")
            e.key(Key.Backspace)
            e.ctrl('W')
            e.type("three")
            e.key(Key.Enter) shouldBe LineEditor.Outcome.Done("echo one three")
            val erased = EditorOnScreen(render = false).begin()
            erased.type("rm -rf")
            erased.key(Key.EraseLine)
            erased.type("ls")
            erased.key(Key.Enter) shouldBe LineEditor.Outcome.Done("ls")
            val killed = EditorOnScreen(render = false).begin()
            killed.type("oops")
            killed.ctrl('U')
            killed.type("ok")
            killed.key(Key.Enter) shouldBe LineEditor.Outcome.Done("ok")
        }

        test("a message goes on its own line and the prompt follows it") {
            val e = EditorOnScreen(render = false).begin()
            e.message("note")
            e.text shouldBe ">\nnote\n>"
            e.cursor shouldBe (2 to 2)
        }
    }

    context("messages while a line is being edited") {
        test("a message goes where the prompt was and the prompt, the line and the cursor come back below it") {
            val e = EditorOnScreen().begin().type("hello world")
            e.input("${ESC}b")
            e.message("*** alert ***")
            e.text shouldBe "*** alert ***\n> hello world"
            e.cursor shouldBe (1 to 8)
            e.type("big ")
            e.text shouldBe "*** alert ***\n> hello big world"
        }

        test("a message of several lines, ending in a line break or not, takes exactly its lines") {
            val e = EditorOnScreen().begin().type("x")
            e.message("line 1\nline 2\n")
            e.message("line 3")
            e.text shouldBe "line 1\nline 2\nline 3\n> x"
            e.cursor shouldBe (3 to 3)
        }

        test("a wrapped line with the cursor in its middle comes back exactly, also below a wrapped message") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefghijklmnopqrstuvw")
            e.key(Key.Home)
            e.press(10, Key.Right)
            e.cursor shouldBe (1 to 2)
            e.message("hi")
            e.text shouldBe "hi\n> abcdefgh\nijklmnopqr\nstuvw"
            e.cursor shouldBe (2 to 2)
            e.message("0123456789abc")
            e.text shouldBe "hi\n0123456789\nabc\n> abcdefgh\nijklmnopqr\nstuvw"
            e.cursor shouldBe (4 to 2)
            e.type("_")
            e.text shouldBe "hi\n0123456789\nabc\n> abcdefgh\nij_klmnopq\nrstuvw"
        }

        test("a message while the line ends at the margin keeps the cursor on the next row") {
            val e = EditorOnScreen(width = 10).begin().type("abcdefgh")
            e.message("m")
            e.text shouldBe "m\n> abcdefgh"
            e.cursor shouldBe (2 to 0)
        }

        test("a message during a reverse search keeps the search on screen") {
            val e = EditorOnScreen(history = History().apply { add("make test") }).begin()
            e.ctrl('R')
            e.type("te")
            e.message("build done")
            e.text shouldBe "build done\n(reverse-i-search)`te': make test"
            e.cursor shouldBe (1 to 24 + 5)
        }
    }

    context("multi-line prompts") {
        test("the lines before the last line break are printed once and never drawn again") {
            val e = EditorOnScreen().begin("Welcome!\nuser@host\n$ ")
            e.text shouldBe "Welcome!\nuser@host\n$"
            e.cursor shouldBe (2 to 2)
            e.type("ls -l")
            e.key(Key.Home)
            e.key(Key.Delete)
            e.message("note")
            e.text shouldBe "Welcome!\nuser@host\nnote\n$ s -l"
            e.cursor shouldBe (3 to 2)
            e.ctrl('L')
            e.text shouldBe "$ s -l"
            e.sent.toString().split("Welcome!").size shouldBe 2
            e.sent.toString() shouldContain "user@host\n"
        }
    }

    context("the kill buffer") {
        test("text killed at one prompt is yanked at the next by an editor sharing the kill buffer, as the session's editors do") {
            val kills = KillBuffer()
            val first = EditorOnScreen(killBuffer = kills).begin().type("rm -rf build")
            first.ctrl('U')
            first.type("ls")
            first.key(Key.Enter) shouldBe LineEditor.Outcome.Done("ls")
            val next = EditorOnScreen(killBuffer = kills).begin()
            next.ctrl('Y')
            next.lines[0] shouldBe "> rm -rf build"
            next.key(Key.Enter) shouldBe LineEditor.Outcome.Done("rm -rf build")
        }

        test("kills in a row add up, forward kills after and backward kills before, and one Ctrl-Y yanks them all") {
            val e = EditorOnScreen().begin().type("one two three four")
            e.input("\u0001${ESC}f${ESC}f") // after "two"
            e.ctrl('K') // " three four"
            e.ctrl('U') // "one two", before it
            e.text shouldBe ">"
            e.ctrl('Y')
            e.text shouldBe "> one two three four"
            e.killBuffer.text shouldBe "one two three four"

            val words = EditorOnScreen().begin().type("a b c d")
            words.ctrl('W'); words.ctrl('W'); words.input("$ESC\u007f")
            words.editor.text shouldBe "a "
            words.killBuffer.text shouldBe "b c d"
            words.input("\u0001${ESC}d${ESC}d")
            words.killBuffer.text shouldBe "a "
            words.editor.text shouldBe ""
        }

        test("any other key between two kills makes the second one start afresh, and so does a new line") {
            val kills = KillBuffer()
            val e = EditorOnScreen(killBuffer = kills).begin().type("one two three")
            e.ctrl('W')
            e.key(Key.Left)
            e.ctrl('W')
            kills.text shouldBe "two"
            e.ctrl('Y')
            e.ctrl('W')
            kills.text shouldBe "two"
            e.ctrl('E')
            e.ctrl('U')
            e.key(Key.Enter)
            val next = EditorOnScreen(killBuffer = kills).begin().type("next")
            next.ctrl('U')
            kills.text shouldBe "next"
        }

        test("a read with echo off never puts anything into the kill buffer and yanks nothing from it") {
            val kills = KillBuffer()
            EditorOnScreen(killBuffer = kills).begin().type("visible").ctrl('U')
            val secret = EditorOnScreen(echo = false, killBuffer = kills).begin("Password: ")
            secret.type("hunter2 old")
            secret.ctrl('W')
            secret.input("$ESC\u007f\u0001${ESC}d")
            secret.ctrl('K')
            secret.type("hunter2")
            secret.ctrl('U')
            secret.type("s3cret")
            secret.input("\u0001\u000b")
            secret.type("pw")
            secret.ctrl('Y')
            kills.text shouldBe "visible"
            secret.key(Key.Enter) shouldBe LineEditor.Outcome.Done("pw")
            secret.sent.toString() shouldNotContain "visible"
            val after = EditorOnScreen(killBuffer = kills).begin()
            after.ctrl('Y')
            after.editor.text shouldBe "visible"
        }
    }

    context("after the line is finished") {
        test("a message after Enter, Ctrl-C or Ctrl-D is printed plainly, with no prompt drawn for the finished line") {
            val enter = EditorOnScreen().begin().type("ls")
            enter.key(Key.Enter)
            enter.message("note")
            enter.text shouldBe "> ls\nnote"
            enter.cursor shouldBe (2 to 0)
            val interrupt = EditorOnScreen().begin().type("ls")
            interrupt.key(Key.Interrupt)
            interrupt.message("note")
            interrupt.text shouldBe "> ls^C\nnote"
            val end = EditorOnScreen().begin()
            end.ctrl('D') shouldBe LineEditor.Outcome.EndOfInput
            end.message("note")
            end.text shouldBe ">\nnote"
            end.cursor shouldBe (2 to 0)
        }

        test("in line mode too, and a resize or a last line after it draws nothing") {
            val e = EditorOnScreen(render = false).begin()
            e.type("ls")
            e.key(Key.Enter)
            e.output("ls\n") // the client's own echo
            e.message("note")
            e.text shouldBe "> ls\nnote"
            val wide = EditorOnScreen(width = 10).begin().type("abcdefghijk")
            wide.key(Key.Enter)
            wide.takeSent()
            wide.resize(5)
            wide.editor.leaveLine()
            wide.pump()
            wide.takeSent() shouldBe ""
        }

        test("begin starts a new line that messages redraw again") {
            val e = EditorOnScreen().begin().type("ls")
            e.key(Key.Enter)
            e.begin()
            e.type("x")
            e.message("note")
            e.text shouldBe "> ls\nnote\n> x"
        }
    }

    context("the history as handlers see it") {
        test("History.removeAt and History.clear change what Up and Ctrl-R find") {
            val h = History()
            val e = EditorOnScreen(history = h).begin()
            e.enter("one"); e.enter("two"); e.enter("three")
            h.removeAt(1) shouldBe "two"
            h.removeAt(7) shouldBe null
            h.entries shouldContainExactly listOf("one", "three")
            e.key(Key.Up); e.lines[3] shouldBe "> three"
            e.key(Key.Up); e.lines[3] shouldBe "> one"
            e.key(Key.Up); e.screen.bellCount shouldBe 1
            e.ctrl('U')
            h.clear()
            h.size shouldBe 0
            e.key(Key.Up)
            e.lines[3] shouldBe ">"
            e.ctrl('R')
            e.type("o")
            e.lines[3] shouldBe "(failed reverse-i-search)`o':"
        }
    }
})
