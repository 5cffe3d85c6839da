package dev.telnetkit.terminal

import dev.telnetkit.testkit.VirtualScreen

/**
 * A [LineEditor] wired to a [VirtualScreen] the way a session wires it to a terminal: keys in
 * (directly or as raw characters through a [KeyDecoder]), every output chunk to the screen with
 * `\n` turned into CR LF exactly as the session does. The screen treats LF as a pure line feed.
 */
internal class EditorOnScreen(
    width: Int = 40,
    height: Int = 12,
    maxLength: Int = 1000,
    val history: History? = History(),
    completer: Completer? = null,
    echo: Boolean = true,
    render: Boolean = true,
    val killBuffer: KillBuffer = KillBuffer(),
) {
    val editor = LineEditor(maxLength, history, completer, echo, width, render, killBuffer)
    val screen = VirtualScreen(width, height)
    private val decoder = KeyDecoder()

    /** Everything the editor sent, before the CR LF translation. */
    val sent = StringBuilder()

    /** The outcome of every key, in order. */
    val outcomes = ArrayList<LineEditor.Outcome>()

    fun begin(prompt: String = "> "): EditorOnScreen = apply { editor.begin(prompt); pump() }

    fun key(vararg keys: Key): LineEditor.Outcome {
        var last: LineEditor.Outcome = LineEditor.Outcome.Continue
        for (k in keys) {
            last = editor.handle(k)
            outcomes += last
            pump()
        }
        return last
    }

    fun ctrl(letter: Char): LineEditor.Outcome = key(Key.Control(letter))

    /** Types [text] key by key, one [Key.Text] per code point. */
    fun type(text: String): EditorOnScreen = apply { text.codePoints().forEach { key(Key.Text(it)) } }

    /** Sends [chars] through a [KeyDecoder] as a terminal would send them; returns the outcomes. */
    fun input(chars: String): List<LineEditor.Outcome> {
        val before = outcomes.size
        decoder.decode(chars) { key(it) }
        return outcomes.subList(before, outcomes.size).toList()
    }

    /** The user resized the terminal: it reflows first, then the editor hears of it (NAWS). */
    fun resize(width: Int) {
        screen.resize(width, screen.height)
        editor.resize(width)
        pump()
    }

    fun message(text: String) {
        editor.showMessage(text)
        pump()
    }

    /** What some other output (a handler's write) does to the screen. */
    fun output(text: String) {
        screen.feed(crlf(text))
    }

    fun pump() {
        val out = editor.takeOutput()
        sent.append(out)
        screen.feed(crlf(out))
    }

    /** Takes what was sent so far (for "nothing was drawn" checks). */
    fun takeSent(): String = sent.toString().also { sent.setLength(0) }

    val lines: List<String> get() = screen.lines
    val text: String get() = screen.text
    val cursor: Pair<Int, Int> get() = screen.cursorRow to screen.cursorColumn

    companion object {
        /** The session's translation: `\n` without a CR before it becomes CR LF. */
        fun crlf(text: CharSequence): String = buildString {
            for (i in text.indices) {
                val c = text[i]
                if (c == '\n' && (i == 0 || text[i - 1] != '\r')) append('\r')
                append(c)
            }
        }
    }
}

/** A completer over a fixed word list: candidates are the words starting with the word at the cursor. */
internal fun wordsCompleter(vararg words: String): Completer = Completer { request -> words.filter { it.startsWith(request.word) } }
