package dev.telnetkit.terminal

import io.kotest.assertions.fail
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe
import io.kotest.property.RandomSource
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll

private const val ITERATIONS = 4000
private const val HEIGHT = 90

/**
 * Every prompt starts with '§', which nothing typed, completed or shown as a message contains:
 * the last row starting with it is where the line being edited begins.
 */
private val PROMPTS = listOf(
    "§ ", "§> ", "§日本> ", "§e\u0301> ", "\u001b[1;32m§\u001b[0m> ", "§user@example:~/projects$ ", "header\nmore\n§> ",
)

private val ASCII = ("abcdefghij klmno-_.,0123456789 ").map { it.code }
private val WIDE = listOf(0x65E5, 0x672C, 0x8A9E, 0x4E2D, 0xD55C, 0x3001, 0x1F600, 0x1F389, 0x1F916)
private val MARKS = listOf(0x0301, 0x0308, 0x20DD)
private val NARROW_OTHER = listOf(0xFF71, 0x00E9, 0x03A9)

private val WORDS = listOf("status", "stash", "commit", "checkout", "cherry-pick", "日本", "日本語", "e\u0301t", "a", "ab", "abc")

private val KEYS: List<Key> = listOf(
    Key.Enter, Key.Backspace, Key.Delete, Key.Tab, Key.Tab, Key.Escape, Key.Up, Key.Down, Key.Left, Key.Right, Key.Home,
    Key.End, Key.Insert, Key.PageUp, Key.PageDown, Key.WordLeft, Key.WordRight, Key.DeleteWordRight, Key.DeleteWordLeft,
    Key.Interrupt, Key.EraseCharacter, Key.EraseLine,
) + "ABEFDKUWYTLPNGHJMQRR".map { Key.Control(it) }

private sealed interface Action {
    data class Press(val key: Key) : Action
    data class Resize(val width: Int) : Action
    data class Message(val text: String) : Action
}

private data class Scenario(
    val width: Int,
    val prompt: String,
    val maxLength: Int,
    val echo: Boolean,
    val render: Boolean,
    val historySize: Int,
    val history: List<String>,
    val actions: List<Action>,
)

private fun RandomSource.codePoint(): Int {
    val r = random.nextInt(100)
    return when {
        r < 55 -> ASCII.random(random)
        r < 75 -> WIDE.random(random)
        r < 87 -> MARKS.random(random)
        else -> NARROW_OTHER.random(random)
    }
}

private fun RandomSource.text(maxLength: Int): String = buildString {
    repeat(random.nextInt(maxLength + 1)) { appendCodePoint(codePoint()) }
}

private val scenarios = arbitrary { rs ->
    val r = rs.random
    val width = if (r.nextInt(3) == 0) r.nextInt(4, 13) else r.nextInt(4, 121)
    val actions = List(r.nextInt(1, 70)) {
        when (r.nextInt(100)) {
            in 0..54 -> Action.Press(Key.Text(rs.codePoint()))
            in 55..90 -> Action.Press(KEYS.random(r))
            in 91..95 -> Action.Resize(if (r.nextBoolean()) r.nextInt(4, 16) else r.nextInt(4, 121))
            else -> Action.Message(List(r.nextInt(1, 4)) { rs.text(25) }.joinToString("\n") + if (r.nextBoolean()) "\n" else "")
        }
    }
    Scenario(
        width = width,
        prompt = PROMPTS.random(r),
        maxLength = r.nextInt(1, 60),
        echo = r.nextInt(6) != 0,
        render = r.nextInt(8) != 0,
        historySize = r.nextInt(0, 6),
        history = List(r.nextInt(0, 5)) { rs.text(12) },
        actions = actions,
    )
}

/**
 * Where prompt + text go on a terminal [width] columns wide, computed independently of the
 * editor from the rules a terminal follows: every character at its [CharacterWidth], a wide
 * character that does not fit at the end of a row moves to the next one, combining marks join the
 * character before them, and a row that is full sends what follows to the next row.
 */
private class Layout(width: Int, prompt: String, text: String) {
    /** The rows, right-trimmed. */
    val rows: List<String>

    /** Rows holding anything, prompt included. */
    val contentRows: Int

    /** The cell (row, column) for each cursor index into text; null inside a surrogate pair. */
    val cursorCells: Array<Pair<Int, Int>?>

    init {
        val grid = ArrayList<Array<String?>>()
        var row = 0
        var col = 0
        var lastGlyph: Pair<Int, Int>? = null
        fun put(cp: Int) {
            val s = String(Character.toChars(cp))
            val w = CharacterWidth.of(cp)
            if (w == 0) {
                lastGlyph?.let { (r, c) -> grid[r][c] = grid[r][c] + s }
                return
            }
            if (col + w > width) { row++; col = 0 }
            while (grid.size <= row) grid.add(arrayOfNulls(width))
            grid[row][col] = s
            if (w == 2) grid[row][col + 1] = ""
            lastGlyph = row to col
            col += w
            if (col == width) { row++; col = 0 }
        }
        prompt.codePoints().forEach { put(it) }
        cursorCells = arrayOfNulls(text.length + 1)
        var i = 0
        while (i < text.length) {
            val cp = Character.codePointAt(text, i)
            val w = CharacterWidth.of(cp)
            cursorCells[i] = if (w > 0 && col + w > width) (row + 1 to 0) else (row to col)
            put(cp)
            i += Character.charCount(cp)
        }
        cursorCells[text.length] = row to col
        rows = grid.map { cells -> cells.joinToString("") { it ?: " " }.trimEnd(' ') }
        contentRows = rows.indexOfLast { it.isNotEmpty() } + 1
    }
}

private fun visiblePrompt(prompt: String): String =
    prompt.substringAfterLast('\n').replace(Regex("\u001b\\[[0-9;]*[A-Za-z]"), "")

class LineEditorPropertySpec : FunSpec({

    test("random keys, resizes and messages never break the editor, and the screen always shows prompt + text with the cursor in place") {
        checkAll(ITERATIONS, scenarios) { sc ->
            val history = History(sc.historySize).apply { sc.history.forEach(::add) }
            val e = EditorOnScreen(sc.width, HEIGHT, sc.maxLength, history, wordsCompleterFrom(WORDS), sc.echo, sc.render).begin(sc.prompt)
            val log = ArrayList<String>()
            fun verify() {
                withClue({ "scenario $sc\nafter ${log.joinToString(", ")}\n${e.screen}" }) { checkScreen(e, sc) }
            }
            verify()
            for (action in sc.actions) {
                log += action.toString()
                when (action) {
                    is Action.Press -> when (e.key(action.key)) {
                        LineEditor.Outcome.Continue -> Unit
                        LineEditor.Outcome.Interrupted -> e.begin(sc.prompt)
                        else -> {
                            // In line mode the client echoes Enter itself; play that part of the terminal.
                            if (!sc.render) e.output("\n")
                            e.begin(sc.prompt)
                        }
                    }
                    is Action.Resize -> e.resize(action.width)
                    is Action.Message -> e.message(action.text)
                }
                verify()
            }
        }
    }
})

private fun wordsCompleterFrom(words: List<String>): Completer = wordsCompleter(*words.toTypedArray())

private fun checkScreen(e: EditorOnScreen, sc: Scenario) {
    val editor = e.editor
    val text = editor.text
    editor.cursorIndex shouldBeInRange 0..text.length
    // During Ctrl-R the editor shows its search prompt, query and match, which are internal state (the
    // example specs check them); the screen checks resume as soon as the search ends.
    if (editor.searching) return
    val screen = e.screen
    val width = screen.width
    val shown = if (sc.echo && sc.render) text else ""
    val layout = Layout(width, visiblePrompt(sc.prompt), shown)
    val promptRow = (HEIGHT - 1 downTo 0).firstOrNull { screen.rowText(it).startsWith("§") }
        ?: fail("the prompt is not on screen")
    // (a) prompt + text from the prompt row, laid out as the terminal wraps them, nothing below.
    for (k in 0 until HEIGHT - promptRow) {
        withClue("row ${promptRow + k}") { screen.rowText(promptRow + k) shouldBe layout.rows.getOrElse(k) { "" } }
    }
    // The rows of the line are one logical line for the terminal (soft-wrapped), so that a resize reflows them.
    for (k in 0 until layout.contentRows - 1) {
        withClue("row ${promptRow + k} soft-wrapped") { screen.isWrapped(promptRow + k) shouldBe true }
    }
    // (b) the cursor where the editor's cursor is.
    val (row, col) = layout.cursorCells[if (shown.isEmpty()) 0 else editor.cursorIndex] ?: fail("cursor inside a surrogate pair")
    val expected = promptRow + row to col
    val actual = screen.cursorRow to screen.cursorColumn
    // In line mode only the prompt is sent: a prompt ending exactly at the margin leaves the
    // terminal's cursor in the last column with the wrap pending, where any terminal puts it.
    val alsoFine = if (!sc.render && col == 0 && row > 0) promptRow + row - 1 to width - 1 else expected
    if (actual != expected && actual != alsoFine) fail("cursor at $actual, expected $expected")
}
