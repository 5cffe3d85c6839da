package dev.telnetkit.terminal

import dev.telnetkit.annotations.EngineApi

/**
 * A shell-grade line editor: [Key]s in, what to draw and the finished line out. Pure state, no
 * I/O; the session feeds it keys and sends [takeOutput] to the terminal.
 *
 * Editing: insert anywhere, Backspace, Delete, Left/Right, Home/End, word moves, Ctrl-A/E/B/F,
 * Ctrl-K/U/W and Alt-d/Alt-Backspace (kill) with Ctrl-Y (yank) through a [KillBuffer] that may
 * outlive the line (kills in a row add up, as in readline), Ctrl-T (transpose), Ctrl-L (clear and
 * redraw). Insert, PgUp and PgDn do nothing. History with Up/Down, Ctrl-P/N and Ctrl-R incremental
 * reverse search (Enter runs the match, Esc or an editing key keeps it on the line, Ctrl-G goes back
 * to the line as it was; the query is at most [maxLength] long). Tab completion through a
 * [Completer]. Ctrl-C abandons the line; Ctrl-D ends the input on an empty line and deletes under
 * the cursor otherwise.
 *
 * Drawing: the editor knows where the prompt starts and which screen row the cursor is on, so a
 * line that wraps past the terminal width stays right when the cursor moves back across a wrap,
 * after a resize ([resize]) and around an asynchronous message ([showMessage]). Wide characters
 * take two cells, combining marks none; a wide character that does not fit at the end of a row
 * moves to the next row, as terminals do. Typing at the end of a line is echoed character by
 * character; anything else redraws the line from the prompt with `ESC [ J`.
 *
 * With [echo] off (passwords) nothing of the input is drawn, not even its length, and nothing of
 * it reaches the history or the kill buffer. With [render] off (line mode: the client edits and
 * echoes itself) nothing but the prompt and messages is drawn.
 *
 * Once a line is finished (Enter, Ctrl-C, Ctrl-D on an empty line) the editor draws no prompt
 * until the next [begin]: a message then is printed plainly.
 *
 * Output uses `\n` for line breaks (the session turns it into CR LF) and these ANSI sequences:
 * `ESC [ n A`/`B`/`C`/`D` (cursor up, down, right, left), `ESC [ J` (erase below), `ESC [ K`
 * (erase to the end of the row), `ESC [ H ESC [ 2 J` (clear screen), CR, BS and BEL. Not
 * thread-safe: the session serialises calls with its output.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public class LineEditor @JvmOverloads constructor(
    /** The longest line accepted, in chars; typing beyond it rings the bell. */
    private var maxLength: Int,
    /** Where Up/Down and Ctrl-R look, and where an accepted line goes; null for none. */
    private var history: History?,
    /** Supplies Tab completions; null rings the bell on Tab. */
    private var completer: Completer?,
    /** False hides the input entirely (passwords); such lines never enter the history. */
    private var echo: Boolean,
    /** The terminal width in columns. */
    width: Int,
    /** False in line mode: the client echoes and edits, so the editor draws nothing of the input. */
    public var render: Boolean,
    /** Where kills go and what Ctrl-Y yanks; a session passes its own, to keep it from line to line. */
    private val killBuffer: KillBuffer = KillBuffer(),
    /**
     * Shows each typed character as this one (a masked password field: its length shows, its text
     * does not); null shows the text. A masked line, like one with [echo] off, never reaches the
     * history, the kill buffer or the completer.
     */
    private var mask: Char? = null,
) {
    init {
        checkField(maxLength, mask)
    }

    private fun checkField(maxLength: Int, mask: Char?) {
        require(maxLength >= 1) { "maxLength must be positive, was $maxLength" }
        require(mask == null || CharacterWidth.of(mask.code) == 1) { "the mask must be one cell wide, was U+%04X".format(mask?.code) }
    }

    // What may leave the line: not a hidden or masked one (no history, kills, completion or search).
    private var textMayLeave = echo && mask == null

    /** True when the line's text shows (echo on, no mask): a session tap may see what is typed into it. */
    internal val textShown: Boolean get() = textMayLeave

    /** What a key did to the line. */
    public sealed class Outcome {
        /** Still editing. */
        public data object Continue : Outcome()

        /** Enter: [line] is finished. */
        public data class Done(val line: String) : Outcome()

        /** Ctrl-C: the line was abandoned. */
        public data object Interrupted : Outcome()

        /** Ctrl-D on an empty line: the user has nothing more to say. */
        public data object EndOfInput : Outcome()
    }

    // What to send, lent by SpareBuilders while there is some: an editor waiting at its prompt,
    // its output taken, holds no buffer for it.
    private var outBuf: StringBuilder? = null
    private val out: StringBuilder get() = outBuf ?: SpareBuilders.take().also { outBuf = it }
    // The line typed so far: the shared empty NO_TEXT until something is typed and again once the
    // line is over (an editor waiting at its prompt holds no buffer). Never written to: every
    // change goes through edit().
    private var buf: StringBuilder = NO_TEXT
    private var cursor = 0
    // Where the terminal's cursor is, relative to the start of the prompt row.
    private var cursorRow = 0
    private var cursorCol = 0
    private var width = width.coerceAtLeast(MIN_WIDTH)
    private var prompt = ""
    private var promptShown = "" // the prompt's visible characters, escape sequences left out
    private var lastWasTab = false
    private var lastWasKill = false
    private var thisIsKill = false
    private var finished = false
    private var historyIndex = -1
    private var savedLine = ""
    private var search: StringBuilder? = null
    private var searchMatch = -1
    private var searchMatchAt = 0 // where the query is in the match
    private var searchFailed = false
    private var searchSaved = ""

    /** The line, to change: a buffer of its own (no longer the shared empty one). */
    private fun edit(): StringBuilder {
        if (buf === NO_TEXT) buf = SpareBuilders.take()
        return buf
    }

    /** Gives the line's buffer back (the line is empty now): NO_TEXT until something is typed again. */
    private fun releaseLine() {
        val b = buf
        if (b === NO_TEXT) return
        buf = NO_TEXT
        SpareBuilders.give(b)
    }

    /** Empties the line. */
    private fun clearLine(): StringBuilder {
        if (buf !== NO_TEXT) buf.setLength(0)
        return buf
    }

    /** The text typed so far. */
    public val text: String get() = buf.toString()

    /** True while nothing is typed on the line (no string made, unlike [text]). */
    public val isLineEmpty: Boolean get() = buf.isEmpty()

    /** The cursor position in [text], in chars. */
    public val cursorIndex: Int get() = cursor

    /** True while Ctrl-R reverse search is active. */
    public val searching: Boolean get() = search != null

    /** What to send to the terminal since the last call; clears it. */
    public fun takeOutput(): String {
        val b = outBuf ?: return ""
        val text = b.toString()
        outputSent()
        return text
    }

    /** What to send to the terminal since the last [outputSent], without a copy; valid until the next call on this editor. */
    internal fun pendingOutput(): CharSequence = outBuf ?: ""

    /** The [pendingOutput] was sent: clears it. */
    internal fun outputSent() {
        val b = outBuf ?: return
        outBuf = null
        SpareBuilders.give(b)
    }

    /**
     * Makes this editor ready for another line, as a new one made with these arguments (and the
     * same kill buffer) would be: a session reuses one editor for every line it reads.
     */
    internal fun reset(maxLength: Int, history: History?, completer: Completer?, echo: Boolean, width: Int, render: Boolean, mask: Char?) {
        checkField(maxLength, mask)
        this.maxLength = maxLength
        this.history = history
        this.completer = completer
        this.echo = echo
        this.mask = mask
        textMayLeave = echo && mask == null
        this.width = width.coerceAtLeast(MIN_WIDTH)
        this.render = render
        outputSent()
        releaseLine()
        bufStamp++
        cursor = 0
        cursorRow = 0
        cursorCol = 0
        // prompt and promptShown stay (begin sets them): the next line's prompt is often the same.
        lastWasTab = false
        lastWasKill = false
        thisIsKill = false
        finished = false
        historyIndex = -1
        savedLine = ""
        search = null
        searchMatch = -1
        searchMatchAt = 0
        searchFailed = false
        searchSaved = ""
        memoStamp = -1
        deferCompletion = false
        pendingCompletion = null
        pendingAfterTab = false
    }

    /** Shows [fullPrompt]; lines before its last line break are printed once and never redrawn. */
    public fun begin(fullPrompt: String) {
        val cut = fullPrompt.lastIndexOf('\n')
        if (cut >= 0) out.append(fullPrompt, 0, cut + 1)
        val last = fullPrompt.substring(cut + 1)
        // The same prompt again (a shell's, line after line, on a reused editor): its visible text is known.
        if (last !== prompt) {
            prompt = last
            promptShown = visibleText(last)
        }
        cursorRow = 0
        cursorCol = 0
        finished = false
        lastWasKill = false
        if (render) draw() else out.append(prompt)
    }

    /** Puts [text] on the line (cut to the longest allowed), the cursor at its end: call before [begin]. */
    public fun preset(text: String) {
        clearLine()
        edit().append(fitted(text))
        bufStamp++
        cursor = buf.length
    }

    /** Handles one key. */
    public fun handle(key: Key): Outcome {
        val tab = key == Key.Tab
        thisIsKill = false
        try {
            search?.let { return searchKey(key) }
            return editKey(key)
        } finally {
            lastWasTab = tab
            lastWasKill = thisIsKill
        }
    }

    /** The terminal is now [newWidth] columns wide: lay the line out again. */
    public fun resize(newWidth: Int) {
        val w = newWidth.coerceAtLeast(MIN_WIDTH)
        if (w == width) return
        width = w
        if (finished) return // nothing of the finished line is redrawn
        // Terminals reflow wrapped lines on resize; the cursor is where the new layout puts it.
        val (row, col) = position(cursor)
        cursorRow = row
        cursorCol = col
        refresh()
    }

    /**
     * Puts [message] on its own lines where the prompt was, then draws the prompt, the typed text
     * and the cursor again below it, exactly as they were. Once the line is finished, the message
     * is only printed (the cursor is already on a row of its own), with no prompt after it.
     */
    public fun showMessage(message: String) {
        val body = if (message.endsWith("\n")) message else message + "\n"
        if (finished) {
            out.append(body)
        } else if (render) {
            moveToPromptStart()
            out.append("\u001b[J").append(body)
            draw()
        } else {
            out.append('\n').append(body).append(prompt)
        }
    }

    /**
     * Leaves the line as it stands on screen and moves below it, for a last message before the
     * session ends: the typed text stays visible (or hidden, with echo off) and nothing is redrawn.
     */
    public fun leaveLine() {
        if (finished) return
        if (render) {
            placeCursorAt(if (echo) buf.length else 0)
            lineBreakAfterText()
        } else {
            out.append('\n')
        }
        cursorRow = 0
        cursorCol = 0
    }

    // ---- editing ----

    private fun editKey(key: Key): Outcome {
        if (!render) return lineModeKey(key)
        when (key) {
            is Key.Text -> insertTyped(key.codePoint)
            Key.Enter -> return accept()
            Key.Backspace, Key.EraseCharacter -> backspace()
            Key.Delete -> deleteForward()
            Key.Tab -> complete()
            Key.Left -> moveTo(previous(cursor))
            Key.Right -> moveTo(next(cursor))
            Key.Home -> moveTo(0)
            Key.End -> moveTo(buf.length)
            Key.WordLeft -> moveTo(wordStartBefore(cursor))
            Key.WordRight -> moveTo(wordEndAfter(cursor))
            Key.Up -> historyMove(-1)
            Key.Down -> historyMove(+1)
            Key.DeleteWordLeft -> kill(wordStartBefore(cursor), cursor, forward = false)
            Key.DeleteWordRight -> kill(cursor, wordEndAfter(cursor), forward = true)
            Key.EraseLine -> eraseLine()
            Key.Interrupt -> return interrupted()
            Key.Escape, Key.Insert, Key.PageUp, Key.PageDown -> Unit
            is Key.Control -> return control(key.letter)
        }
        return Outcome.Continue
    }

    /**
     * Line mode: the client edited and showed the line itself, so the line taken must be what it
     * showed. Keys that would change it out of sight (cursor moves, history, completion, search,
     * transposing, yanking) do nothing; a Tab is a blank, as the client showed it; what a plain
     * terminal's own line discipline can send (erasing a character, a word or the line, Ctrl-C,
     * Ctrl-D) still works, at the end of the line where its cursor is.
     */
    private fun lineModeKey(key: Key): Outcome {
        when (key) {
            is Key.Text -> insertTyped(key.codePoint)
            Key.Tab -> insert(' ')
            Key.Enter -> return accept()
            Key.Backspace, Key.EraseCharacter -> backspace()
            Key.DeleteWordLeft -> kill(wordStartBefore(cursor), cursor, forward = false)
            Key.EraseLine -> eraseLine()
            Key.Interrupt -> return interrupted()
            is Key.Control -> when (key.letter) {
                'D', 'U', 'W', 'H', 'J', 'M' -> return control(key.letter)
                else -> Unit
            }
            else -> Unit
        }
        return Outcome.Continue
    }

    /** A typed character: a BMP one without a string per key. */
    private fun insertTyped(codePoint: Int) {
        if (Character.isBmpCodePoint(codePoint)) insert(codePoint.toChar()) else insert(String(Character.toChars(codePoint)))
    }

    private fun eraseLine() {
        clearLine().also { bufStamp++ }
        cursor = 0
        refresh()
    }

    private fun control(letter: Char): Outcome {
        when (letter) {
            'A' -> moveTo(0)
            'E' -> moveTo(buf.length)
            'B' -> moveTo(previous(cursor))
            'F' -> moveTo(next(cursor))
            'D' -> if (buf.isEmpty()) { if (render) out.append('\n'); finished = true; return Outcome.EndOfInput } else deleteForward()
            'K' -> kill(cursor, buf.length, forward = true)
            'U' -> kill(0, cursor, forward = false)
            'W' -> kill(spaceWordStartBefore(cursor), cursor, forward = false)
            'Y' -> if (textMayLeave && killBuffer.text.isNotEmpty()) insert(killBuffer.text)
            'T' -> transpose()
            'L' -> if (render) { out.append("\u001b[H\u001b[2J"); cursorRow = 0; cursorCol = 0; draw() }
            'P' -> historyMove(-1)
            'N' -> historyMove(+1)
            'R' -> startSearch()
            'H' -> backspace()
            'J', 'M' -> return accept()
            else -> Unit
        }
        return Outcome.Continue
    }

    /** [insert] for one UTF-16 unit, as typed: the same, without a string per key. */
    private fun insert(c: Char) {
        if (buf.length + 1 > maxLength) { bell(); return }
        val atEnd = cursor == buf.length
        // Typing at the end of the line: where the end is, is known from the last key (see endMemo).
        val end = if (atEnd && search == null && echo && mask == null) endMemo() else -1L
        val row: Int
        val col: Int
        if (end >= 0) {
            row = (end ushr 32).toInt()
            col = end.toInt()
        } else {
            val (r, c2) = position(cursor)
            row = r
            col = c2
        }
        edit().insert(cursor, c).also { bufStamp++ }
        cursor += 1
        val cells = CharacterWidth.of(c.code)
        val echoAtEnd = render && echo && mask == null && atEnd && search == null && row == cursorRow
        // A combining mark at column 0 has its base on the row above: a terminal drops it there
        // (tmux does), so it goes out again together with its base.
        if (echoAtEnd && col + cells < width && (cells > 0 || col > 0)) {
            out.append(c)
            cursorCol = col + cells
            // The new end: one character further on the same row, as the terminal shows it.
            if (cells == 1) rememberEnd(row, col + 1)
        } else if (echoAtEnd && cells == 0 && CharacterWidth.of(Character.codePointAt(buf, previous(cursor))) > 0) {
            redrawFrom(previous(cursor))
        } else {
            // Also a mark whose base is the prompt's last character: that comes again with the prompt.
            refresh()
        }
    }

    // Where the end of the text is laid out (row high, column low), valid while the text, the prompt
    // and the width are those it was computed for: typing a line costs one step per key, not a
    // layout of the whole line per key.
    private var bufStamp = 0
    private var memoStamp = -1
    private var memoEnd = 0L
    private var memoPrompt: CharSequence? = null
    private var memoWidth = 0

    private fun endMemo(): Long =
        if (memoStamp == bufStamp && memoPrompt === promptShown && memoWidth == width) memoEnd else -1L

    private fun rememberEnd(row: Int, col: Int) {
        memoStamp = bufStamp
        memoEnd = (row.toLong() shl 32) or col.toLong()
        memoPrompt = promptShown
        memoWidth = width
    }

    private fun insert(s: String) {
        if (buf.length + s.length > maxLength) { bell(); return }
        val atEnd = cursor == buf.length
        val (row, col) = position(cursor)
        edit().insert(cursor, s).also { bufStamp++ }
        cursor += s.length
        val cells = CharacterWidth.of(s)
        val markFirst = CharacterWidth.of(Character.codePointAt(s, 0)) == 0 // at column 0 it needs its base: redraw
        if (render && echo && mask == null && atEnd && search == null && col + cells < width && row == cursorRow && (col > 0 || !markFirst)) {
            out.append(s) // typing at the end of a line that does not reach the margin: just echo
            cursorCol = col + cells
        } else {
            refresh()
        }
    }

    private fun backspace() {
        if (cursor == 0) return
        val from = previous(cursor)
        val removed = buf.substring(from, cursor)
        val atEnd = cursor == buf.length
        val (_, colBefore) = position(cursor)
        edit().delete(from, cursor).also { bufStamp++ }
        cursor = from
        val cells = CharacterWidth.of(removed)
        val (row, col) = position(cursor)
        if (render && echo && mask == null && atEnd && row == cursorRow && col + cells == colBefore && cells > 0) {
            out.append("\b".repeat(cells)).append(" ".repeat(cells)).append("\b".repeat(cells))
            cursorCol = col
        } else {
            refresh()
        }
    }

    private fun deleteForward() {
        if (cursor == buf.length) return
        edit().delete(cursor, next(cursor)).also { bufStamp++ }
        refresh()
    }

    /**
     * Removes [from] until [to] into the kill buffer: added to what the previous key killed, if it
     * was a kill too (after it when killing [forward], before it otherwise), as readline does. A
     * kill of nothing still continues a run. With echo off the text goes nowhere.
     */
    private fun kill(from: Int, to: Int, forward: Boolean) {
        thisIsKill = true
        if (from >= to) return
        if (textMayLeave) killBuffer.add(buf.substring(from, to), continuing = lastWasKill, forward = forward)
        edit().delete(from, to).also { bufStamp++ }
        cursor = from
        refresh()
    }

    private fun transpose() {
        if (buf.length < 2 || cursor == 0) return
        val at = if (cursor == buf.length) previous(cursor) else cursor
        val before = previous(at)
        val a = buf.substring(before, at)
        val b = buf.substring(at, next(at))
        edit().replace(before, next(at), b + a).also { bufStamp++ }
        cursor = before + a.length + b.length
        refresh()
    }

    private fun moveTo(index: Int) {
        val target = index.coerceIn(0, buf.length)
        if (target == cursor) return
        cursor = target
        if (render && echo) placeCursor()
    }

    private fun accept(): Outcome {
        val line = buf.toString()
        moveTo(buf.length)
        if (render) lineBreakAfterText()
        if (textMayLeave) history?.add(line)
        resetLine()
        finished = true
        return Outcome.Done(line)
    }

    private fun interrupted(): Outcome {
        search = null
        moveTo(buf.length)
        if (render) out.append("^C\n") else out.append('\n')
        resetLine()
        finished = true
        return Outcome.Interrupted
    }

    private fun resetLine() {
        releaseLine()
        bufStamp++
        cursor = 0
        cursorRow = 0
        cursorCol = 0
        historyIndex = -1
    }

    // ---- history ----

    private fun historyMove(step: Int) {
        val h = history ?: return
        if (!textMayLeave) return
        val entries = h.entries
        if (entries.isEmpty()) return
        if (historyIndex == -1) {
            if (step > 0) return
            savedLine = buf.toString()
            historyIndex = entries.size
        }
        val next = historyIndex + step
        when {
            next < 0 -> { bell(); return }
            next >= entries.size -> { historyIndex = -1; replaceLine(savedLine) }
            else -> { historyIndex = next; replaceLine(entries[next]) }
        }
    }

    private fun replaceLine(line: String) {
        clearLine().also { bufStamp++ }
        edit().append(fitted(line)).also { bufStamp++ }
        cursor = buf.length
        refresh()
    }

    /** [line] cut to [maxLength] (history may hold longer lines), never between the halves of a surrogate pair. */
    private fun fitted(line: String): String {
        if (line.length <= maxLength) return line
        val end = if (line[maxLength - 1].isHighSurrogate()) maxLength - 1 else maxLength
        return line.substring(0, end)
    }

    // ---- reverse search ----

    private fun startSearch() {
        if (history == null || !textMayLeave) return
        search = StringBuilder()
        searchMatch = -1
        searchMatchAt = 0
        searchFailed = false
        searchSaved = buf.toString()
        refresh()
    }

    private fun searchKey(key: Key): Outcome {
        val query = search!!
        val entries = history!!.entries
        when {
            key is Key.Text -> {
                // As long as a line at most: a paste into the query must not grow it (and the redraw
                // of it on every key) without end.
                if (query.length + Character.charCount(key.codePoint) > maxLength) {
                    bell()
                    return Outcome.Continue
                }
                query.appendCodePoint(key.codePoint)
                findMatch(entries, if (searchMatch >= 0) searchMatch else entries.size - 1)
            }
            key == Key.Backspace || key == Key.EraseCharacter -> {
                if (query.isNotEmpty()) query.setLength(previousIn(query, query.length))
                searchMatch = -1
                searchMatchAt = 0
                searchFailed = false
                if (query.isNotEmpty()) findMatch(entries, entries.size - 1)
            }
            key == Key.Control('R') -> if (query.isNotEmpty()) findMatch(entries, (if (searchMatch >= 0) searchMatch else entries.size) - 1)
            // Esc ends the search with the match on the line, not run (as in readline).
            key == Key.Escape -> endSearch(entries)
            key == Key.Control('G') -> {
                search = null
                clearLine().also { bufStamp++ }
                edit().append(searchSaved).also { bufStamp++ }
                cursor = buf.length
            }
            else -> {
                endSearch(entries)
                refresh()
                return editKey(key)
            }
        }
        refresh()
        return Outcome.Continue
    }

    private fun findMatch(entries: List<String>, from: Int) {
        val query = search.toString()
        for (i in from downTo 0) {
            val at = if (i < entries.size) entries[i].indexOf(query) else -1
            if (at >= 0) {
                searchMatch = i
                searchMatchAt = at
                searchFailed = false
                return
            }
        }
        // No match: the last one found stays shown, under readline's "failed" prompt.
        searchFailed = true
        bell()
    }

    private fun endSearch(entries: List<String>) {
        val match = entries.getOrNull(searchMatch)
        search = null
        if (match != null) {
            clearLine().also { bufStamp++ }
            edit().append(fitted(match)).also { bufStamp++ }
            cursor = searchMatchAt.coerceIn(0, buf.length)
        }
    }

    // ---- completion ----

    /**
     * Set by a session: a Tab does not call the completer but leaves [pendingCompletion] for the
     * session to answer with [finishCompletion] once it has the candidates, asked for outside its
     * screen lock (the completer may be slow, or run on another thread).
     */
    internal var deferCompletion = false

    /** What a Tab asked to complete while [deferCompletion] is on, until [finishCompletion]. */
    internal var pendingCompletion: CompletionRequest? = null
        private set
    private var pendingAfterTab = false

    /**
     * Completes the [pendingCompletion] with [candidates], as a Tab does. The line cannot have
     * changed meanwhile (only keys change it, and the reader waited for the candidates); should it
     * have, the candidates are dropped.
     */
    internal fun finishCompletion(candidates: List<String>) {
        val request = pendingCompletion ?: return
        pendingCompletion = null
        if (finished || search != null || request.cursor != cursor || request.line != text) return
        applyCompletion(request, candidates, pendingAfterTab)
    }

    private fun complete() {
        val c = completer ?: return bell()
        if (!textMayLeave) return
        val request = CompletionRequest(buf.toString(), cursor)
        if (deferCompletion) {
            pendingCompletion = request
            pendingAfterTab = lastWasTab
            return
        }
        applyCompletion(request, runCatching { c.complete(request) }.getOrDefault(emptyList()), lastWasTab)
    }

    private fun applyCompletion(request: CompletionRequest, found: List<String>, afterTab: Boolean) {
        val candidates = found.distinct()
        when {
            candidates.isEmpty() -> bell()
            candidates.size == 1 -> replaceWord(request, candidates[0] + if (cursor == buf.length) " " else "")
            else -> {
                val common = commonPrefix(candidates)
                if (common.length > request.word.length) {
                    replaceWord(request, common)
                } else if (afterTab) {
                    listCandidates(candidates.sorted())
                } else {
                    bell()
                }
            }
        }
    }

    private fun replaceWord(request: CompletionRequest, replacement: String) {
        if (buf.length - request.word.length + replacement.length > maxLength) return bell()
        edit().replace(request.wordStart, cursor, replacement).also { bufStamp++ }
        cursor = request.wordStart + replacement.length
        refresh()
    }

    private fun listCandidates(candidates: List<String>) {
        if (render) {
            placeCursorAt(buf.length)
            lineBreakAfterText()
            val cellWidth = candidates.maxOf { CharacterWidth.of(it) } + 2
            val columns = (width / cellWidth).coerceAtLeast(1)
            val rows = (candidates.size + columns - 1) / columns
            for (r in 0 until rows) {
                val line = StringBuilder()
                for (col in 0 until columns) {
                    val item = candidates.getOrNull(col * rows + r) ?: continue
                    line.append(item)
                    if (col < columns - 1 && candidates.getOrNull((col + 1) * rows + r) != null) {
                        line.append(" ".repeat(cellWidth - CharacterWidth.of(item)))
                    }
                }
                out.append(line).append('\n')
            }
            cursorRow = 0
            cursorCol = 0
            draw()
        }
    }

    // ---- drawing ----

    private fun bell() {
        if (render) out.append('\u0007')
    }

    private fun refresh() {
        // With echo off the screen shows the prompt and nothing else whatever the input: redrawing
        // it on every key would be output where there must be none.
        if (!render || !echo) return
        moveToPromptStart()
        out.append("\u001b[J")
        draw()
    }

    /** With the cursor at the end of the text: moves to the start of the row below the line. */
    private fun lineBreakAfterText() {
        if (cursorCol == 0 && cursorRow > 0 && echo && buf.isNotEmpty()) {
            // The text ends exactly at the margin and the cursor waits on the row below, which the
            // terminal counts as part of the line. Like readline, erase the last character and write
            // it again: the row ends there, and the line break leaves no blank row.
            val last = mask?.toString() ?: buf.substring(previous(buf.length))
            val cells = CharacterWidth.of(last)
            if (cells > 0) out.append("\u001b[A\r\u001b[").append(width - cells).append("C\u001b[K").append(last)
        }
        out.append('\n')
    }

    private fun moveToPromptStart() {
        if (cursorRow > 0) out.append("\u001b[").append(cursorRow).append('A')
        out.append('\r')
        cursorRow = 0
        cursorCol = 0
    }

    /** Draws prompt and text from the start of the prompt row, then puts the cursor in place. */
    private fun draw() {
        out.append(shownPrompt())
        val shown = shownText()
        out.append(shown)
        val (endRow, endCol) = layout(shownPromptText(), shown, shown.length)
        // Text that ends exactly at the margin leaves the terminal cursor in the last column with a
        // wrap pending. As readline does, a space makes the terminal wrap (so it knows the next row
        // continues this line, and reflows them together on resize) and CR returns to its start.
        if (endCol == 0 && endRow > 0) out.append(" \r")
        cursorRow = endRow
        cursorCol = endCol
        // Drawing leaves the terminal cursor after the text; placeCursor moves it only if it belongs
        // elsewhere, so a prompt waiting for input is the last thing sent (what `expect` waits for).
        placeCursor()
    }

    /**
     * Writes the text from [index] (the line's end is after it, nothing to erase) again where it
     * goes, then puts the cursor in place: for a combining mark whose base is the last character of
     * the row above, which the terminal joins only when they come together.
     */
    private fun redrawFrom(index: Int) {
        placeCursorAt(index)
        out.append(buf, index, buf.length)
        val (endRow, endCol) = layout(promptShown, buf, buf.length)
        if (endCol == 0 && endRow > 0) out.append(" \r") // as in draw: the wrap made, the cursor at its start
        cursorRow = endRow
        cursorCol = endCol
        placeCursor()
    }

    private fun placeCursor() = placeCursorAt(cursor)

    private fun placeCursorAt(index: Int) {
        val (row, col) = position(index)
        if (row == cursorRow && col == cursorCol) return
        if (row < cursorRow) out.append("\u001b[").append(cursorRow - row).append('A')
        if (row > cursorRow) out.append("\u001b[").append(row - cursorRow).append('B')
        when {
            col == 0 -> out.append('\r')
            row != cursorRow -> out.append("\r\u001b[").append(col).append('C')
            col < cursorCol -> out.append("\u001b[").append(cursorCol - col).append('D')
            else -> out.append("\u001b[").append(col - cursorCol).append('C')
        }
        cursorRow = row
        cursorCol = col
    }

    /** Row and column (from the prompt start) where the character at [index] of the text goes. */
    private fun position(index: Int): Cell {
        val s = search
        if (s != null) {
            val match = shownText()
            return cellOf(shownPromptText(), match, searchMatchAt.coerceIn(0, match.length))
        }
        return when {
            !echo -> layout(promptShown, "", 0)
            mask != null -> layout(promptShown, maskedText(), buf.codePointCount(0, index))
            else -> cellOf(promptShown, buf, index)
        }
    }

    /**
     * The cell of the character at [index] of [text] after [prompt]: where [layout] ends, except that
     * a wide character that does not fit at the end of a row is drawn, and so has the cursor, on the next.
     */
    private fun cellOf(prompt: CharSequence, text: CharSequence, index: Int): Cell {
        val (row, col) = layout(prompt, text, index)
        if (index < text.length && col + CharacterWidth.of(Character.codePointAt(text, index)) > width) return Cell(row + 1, 0)
        return Cell(row, col)
    }

    /** Row and column after [prompt] and the first [upTo] chars of [text], laid out as the terminal wraps them. */
    private fun layout(prompt: CharSequence, text: CharSequence, upTo: Int): Cell {
        val afterPrompt = promptLayout(prompt)
        var row = (afterPrompt ushr 32).toInt()
        var col = afterPrompt.toInt()
        // Printable ASCII, one cell each, just counts on: no per-character width lookups.
        if (isPrintableAscii(text, upTo)) {
            val total = col + upTo
            return Cell(row + total / width, total % width)
        }
        var i = 0
        while (i < upTo) {
            val cp = Character.codePointAt(text, i)
            val w = CharacterWidth.of(cp)
            if (col + w > width) { row++; col = 0 } // a wide character does not fit: next row
            col += w
            if (col >= width) { row++; col = 0 }
            i += Character.charCount(cp)
        }
        return Cell(row, col)
    }

    // The prompt's layout (row in the high half, column in the low), kept while prompt and width stay.
    private var laidOutPrompt: CharSequence? = null
    private var laidOutWidth = 0
    private var promptEnd = 0L

    private fun promptLayout(prompt: CharSequence): Long {
        if (prompt === laidOutPrompt && width == laidOutWidth) return promptEnd
        var row = 0
        var col = 0
        var i = 0
        while (i < prompt.length) {
            val cp = Character.codePointAt(prompt, i)
            val w = CharacterWidth.of(cp)
            if (col + w > width) { row++; col = 0 }
            col += w
            if (col >= width) { row++; col = 0 }
            i += Character.charCount(cp)
        }
        laidOutPrompt = prompt
        laidOutWidth = width
        promptEnd = (row.toLong() shl 32) or col.toLong()
        return promptEnd
    }

    private fun isPrintableAscii(text: CharSequence, upTo: Int): Boolean {
        for (i in 0 until upTo) if (text[i] !in ' '..'~') return false
        return true
    }

    /** The line as a masked field shows it: one mask character per code point. */
    private fun maskedText(): String = mask.toString().repeat(buf.codePointCount(0, buf.length))

    private fun shownPrompt(): String = search?.let { "(${if (searchFailed) "failed " else ""}reverse-i-search)`$it': " } ?: prompt

    private fun shownPromptText(): String = search?.let { visibleText(shownPrompt()) } ?: promptShown

    private fun shownText(): String = when {
        !echo -> ""
        mask != null -> maskedText()
        search != null -> history?.get(searchMatch) ?: ""
        else -> buf.toString()
    }

    // ---- text helpers ----

    /** The start of the character cluster before [index]: combining marks stay with their base. */
    private fun previous(index: Int): Int {
        var i = previousIn(buf, index)
        while (i > 0 && CharacterWidth.of(Character.codePointAt(buf, i)) == 0) i = previousIn(buf, i)
        return i
    }

    /** The end of the character cluster at [index]. */
    private fun next(index: Int): Int {
        if (index >= buf.length) return buf.length
        var i = index + Character.charCount(Character.codePointAt(buf, index))
        while (i < buf.length && CharacterWidth.of(Character.codePointAt(buf, i)) == 0) i += Character.charCount(Character.codePointAt(buf, i))
        return i
    }

    // Word moves step over whole characters (a letter with its combining marks) and judge each by its base.
    private fun wordStartBefore(index: Int): Int {
        var i = index
        while (i > 0 && !isWordChar(buf[previous(i)])) i = previous(i)
        while (i > 0 && isWordChar(buf[previous(i)])) i = previous(i)
        return i
    }

    private fun wordEndAfter(index: Int): Int {
        var i = index
        while (i < buf.length && !isWordChar(buf[i])) i = next(i)
        while (i < buf.length && isWordChar(buf[i])) i = next(i)
        return i
    }

    private fun spaceWordStartBefore(index: Int): Int {
        var i = index
        while (i > 0 && buf[previous(i)] == ' ') i = previous(i)
        while (i > 0 && buf[previous(i)] != ' ') i = previous(i)
        return i
    }

    private fun isWordChar(c: Char) = c.isLetterOrDigit() || c.isSurrogate()

    private companion object {
        const val MIN_WIDTH = 4

        // The line of every editor with nothing typed yet: empty, and never written to (see edit()).
        val NO_TEXT = StringBuilder(0)

        fun previousIn(text: CharSequence, index: Int): Int {
            if (index <= 0) return 0
            var i = index - 1
            if (i > 0 && text[i].isLowSurrogate() && text[i - 1].isHighSurrogate()) i--
            return i
        }

        fun commonPrefix(words: List<String>): String {
            var prefix = words.first()
            for (w in words) while (!w.startsWith(prefix)) prefix = prefix.dropLast(1)
            return prefix
        }
    }
}

/**
 * Builders lent to editors while they hold output or a line, and given back when those are taken:
 * a few per thread, so an editor idle at its prompt holds none and a busy one makes none.
 */
private object SpareBuilders {
    private const val SLOTS = 4
    // Room for a typical command line and its echo without growing while typing.
    private const val CAPACITY = 80
    private const val MAX_KEPT = 1024
    private val spares = ThreadLocal.withInitial { arrayOfNulls<StringBuilder>(SLOTS) }

    fun take(): StringBuilder {
        val slots = spares.get()
        for (i in slots.indices) {
            val b = slots[i] ?: continue
            slots[i] = null
            return b
        }
        return StringBuilder(CAPACITY)
    }

    fun give(b: StringBuilder) {
        if (b.capacity() > MAX_KEPT) return
        b.setLength(0)
        val slots = spares.get()
        for (i in slots.indices) {
            if (slots[i] == null) {
                slots[i] = b
                return
            }
        }
    }
}

/** A screen cell (row and column from the start of the prompt row), packed in a Long: laying out allocates nothing. */
@JvmInline
private value class Cell(private val packed: Long) {
    constructor(row: Int, col: Int) : this((row.toLong() shl 32) or (col.toLong() and 0xffffffffL))

    val row: Int get() = (packed ushr 32).toInt()
    val col: Int get() = packed.toInt()

    operator fun component1(): Int = row
    operator fun component2(): Int = col
}
