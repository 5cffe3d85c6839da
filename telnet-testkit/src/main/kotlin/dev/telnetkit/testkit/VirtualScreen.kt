package dev.telnetkit.testkit

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.terminal.CharacterWidth

/**
 * A small terminal emulator for tests: feed it what a server sends and assert on what a user
 * would see ([lines], [text]) and where the cursor is ([cursorRow], [cursorColumn]).
 *
 * It interprets text as xterm does, for the part of the VT100/ANSI repertoire a line editor uses:
 * - printable characters with their real cell widths ([CharacterWidth]): a wide character takes
 *   two cells and shows once in [lines]; a combining mark joins the character before the cursor on
 *   its row (or under it, with a wrap pending), and at column 0 it is dropped, as tmux drops it
 *   (even after a soft wrap: the character before it on the row above does not get it);
 * - deferred autowrap: writing the last column leaves the cursor there with a pending wrap, and
 *   only the next printable character wraps (CR, BS, LF, TAB, erases and cursor moves cancel it);
 *   a wide character that does not fit in the last column leaves it blank and goes to the next row;
 * - CR; LF (down one row, column kept, scrolling at the bottom: no newline mode, so a line break
 *   is CR LF, which is what a Telnet server sends); BS (left, no erase); BEL (counted in
 *   [bellCount]); TAB (to the next multiple of 8);
 * - `ESC [ n A/B/C/D` (cursor up, down, right, left), `ESC [ n G` (column), `ESC [ r;c H` and
 *   `ESC [ H` (position), `ESC [ 0/1/2 J` (erase below, above, all), `ESC [ 0/1/2 K` (erase right,
 *   left, line). Every other CSI sequence (SGR colours included) is consumed and ignored;
 * - OSC (`ESC ] 0;title BEL`, a window title) and the other control strings (`ESC P`, `ESC X`,
 *   `ESC ^`, `ESC _`) are consumed up to BEL or ST (`ESC \`), payload included, and ignored (the
 *   BEL that ends one is no bell); an ESC followed by any other character, after any intermediate
 *   bytes (`ESC ( B`), is consumed and ignored.
 *
 * Each row remembers whether it was soft-wrapped into the next one, so [resize] reflows wrapped
 * lines as tmux and VTE do: a logical line is joined and wrapped again at the new width, and the
 * cursor stays on the same character. There is no scrollback: rows scrolled off the top are gone.
 *
 * Thread-safe: a test may read it while a client feeds it.
 */
@OptIn(EngineApi::class)
public class VirtualScreen(width: Int, height: Int) {
    init {
        require(width >= 2 && height >= 1) { "a screen needs width >= 2 and height >= 1, was ${width}x$height" }
    }

    private class Row(width: Int) {
        val cells = arrayOfNulls<String>(width) // null: blank; TAIL: right half of a wide char; PAD: skipped
        var wrapped = false
    }

    private var rows = MutableList(height) { Row(width) }
    private var pendingWrap = false
    private var state = GROUND
    private val params = StringBuilder()
    private var ignoreCsi = false
    private var highSurrogate: Char? = null

    /** The width in columns. */
    @Volatile public var width: Int = width
        private set

    /** The height in rows. */
    @Volatile public var height: Int = height
        private set

    /** The cursor's row, from 0 at the top. */
    @Volatile public var cursorRow: Int = 0
        private set

    /** The cursor's column, from 0 at the left. */
    @Volatile public var cursorColumn: Int = 0
        private set

    /** How many BEL characters were received. */
    @Volatile public var bellCount: Int = 0
        private set

    /** Every row, right-trimmed, top to bottom. */
    public val lines: List<String> @Synchronized get() = rows.map { render(it) }

    /** The rows joined by `\n`, trailing blank rows dropped. */
    public val text: String @Synchronized get() = lines.dropLastWhile { it.isEmpty() }.joinToString("\n")

    /** The text of [row], right-trimmed. */
    @Synchronized public fun rowText(row: Int): String = render(rows[row])

    /** True if [row] was soft-wrapped: its text continues on the next row. */
    @Synchronized public fun isWrapped(row: Int): Boolean = rows[row].wrapped

    /** Interprets [text] as a terminal receiving it; escape sequences may be split across calls. */
    @Synchronized public fun feed(text: CharSequence) {
        for (c in text) feed(c)
    }

    private fun feed(c: Char) {
        when (state) {
            ESC -> {
                state = when (c) {
                    '[' -> CSI
                    ']', 'P', 'X', '^', '_' -> STRING
                    '\u001b' -> ESC
                    in ' '..'/' -> ESC_INTERMEDIATE
                    else -> GROUND
                }
                params.setLength(0)
                ignoreCsi = false
                return
            }
            ESC_INTERMEDIATE -> { state = if (c == '\u001b') ESC else if (c in ' '..'/') ESC_INTERMEDIATE else GROUND; return }
            STRING -> {
                when (c) {
                    '\u0007', '\u0018', '\u001a' -> state = GROUND // BEL ends it (xterm), CAN and SUB cancel it
                    '\u001b' -> state = ESC // ST is ESC \ (the backslash is consumed as an ESC sequence)
                }
                return
            }
            CSI -> when {
                c == '\u001b' -> { state = ESC; return }
                c < ' ' -> Unit // C0 controls inside a sequence are executed, as in xterm
                c in '0'..';' -> { if (params.length < MAX_PARAMS) params.append(c); return }
                c in '<'..'?' -> { ignoreCsi = true; return } // private markers: not ours
                c in ' '..'/' -> { ignoreCsi = true; return } // intermediates
                else -> { state = GROUND; if (c in '@'..'~' && !ignoreCsi) csi(c); return }
            }
        }
        highSurrogate?.let { high ->
            highSurrogate = null
            if (c.isLowSurrogate()) return print(Character.toCodePoint(high, c))
            print(REPLACEMENT)
        }
        when {
            c == '\u001b' -> state = ESC
            c == '\r' -> { cursorColumn = 0; pendingWrap = false }
            c == '\n' || c == '\u000b' || c == '\u000c' -> lineFeed()
            c == '\b' -> { if (cursorColumn > 0) cursorColumn--; pendingWrap = false }
            c == '\u0007' -> bellCount++
            c == '\t' -> { cursorColumn = minOf(width - 1, (cursorColumn / 8 + 1) * 8); pendingWrap = false }
            c < ' ' || c in '\u007f'..'\u009f' -> Unit
            c.isHighSurrogate() -> highSurrogate = c
            c.isLowSurrogate() -> print(REPLACEMENT)
            else -> print(c.code)
        }
    }

    private fun csi(final: Char) {
        val args = params.split(';').map { it.toIntOrNull() ?: 0 }
        val n = args[0].coerceAtLeast(1)
        when (final) {
            'A' -> moveTo(cursorRow - n, cursorColumn)
            'B' -> moveTo(cursorRow + n, cursorColumn)
            'C' -> moveTo(cursorRow, cursorColumn + n)
            'D' -> moveTo(cursorRow, cursorColumn - n)
            'G' -> moveTo(cursorRow, n - 1)
            'H', 'f' -> moveTo(n - 1, args.getOrElse(1) { 0 }.coerceAtLeast(1) - 1)
            'J' -> eraseDisplay(args[0])
            'K' -> eraseLine(args[0])
            else -> Unit // SGR and everything else: no effect on the text
        }
    }

    private fun moveTo(row: Int, column: Int) {
        cursorRow = row.coerceIn(0, height - 1)
        cursorColumn = column.coerceIn(0, width - 1)
        pendingWrap = false
    }

    private fun eraseDisplay(mode: Int) {
        when (mode) {
            0 -> { eraseLine(0); for (r in cursorRow + 1 until height) rows[r] = Row(width) }
            1 -> { for (r in 0 until cursorRow) rows[r] = Row(width); eraseLine(1) }
            2 -> for (r in 0 until height) rows[r] = Row(width)
        }
        pendingWrap = false
    }

    private fun eraseLine(mode: Int) {
        val row = rows[cursorRow]
        when (mode) {
            0 -> { erase(row, cursorColumn, width); row.wrapped = false } // nothing left to continue
            1 -> erase(row, 0, cursorColumn + 1)
            2 -> { erase(row, 0, width); row.wrapped = false }
        }
        pendingWrap = false
    }

    /** Blanks cells [from] until [to]; a wide character cut in half goes entirely. */
    private fun erase(row: Row, from: Int, to: Int) {
        val cells = row.cells
        if (from in 1 until width && cells[from] == TAIL) cells[from - 1] = null
        if (to < width && cells[to] == TAIL) cells[to] = null
        for (c in from until to) cells[c] = null
    }

    private fun lineFeed() {
        if (cursorRow == height - 1) {
            rows.removeAt(0)
            rows.add(Row(width))
        } else {
            cursorRow++
        }
        pendingWrap = false
    }

    private fun wrap() {
        rows[cursorRow].wrapped = true
        cursorColumn = 0
        lineFeed()
    }

    private fun print(codePoint: Int) {
        val s = String(Character.toChars(codePoint))
        val w = CharacterWidth.of(codePoint)
        if (w == 0) return attach(s)
        if (pendingWrap) wrap()
        if (cursorColumn + w > width) {
            val cells = rows[cursorRow].cells
            if (cells[cursorColumn] == TAIL) cells[cursorColumn - 1] = null
            cells[cursorColumn] = PAD
            wrap()
        }
        val cells = rows[cursorRow].cells
        val c = cursorColumn
        if (c > 0 && cells[c] == TAIL) cells[c - 1] = null // overwriting half a wide char erases it
        if (c + w < width && cells[c + w] == TAIL) cells[c + w] = null
        cells[c] = s
        if (w == 2) cells[c + 1] = TAIL
        if (c + w >= width) { cursorColumn = width - 1; pendingWrap = true } else cursorColumn = c + w
    }

    /** A combining mark joins the character before the cursor on its row; at column 0 it is dropped, as in tmux. */
    private fun attach(mark: String) {
        var col = when {
            pendingWrap -> cursorColumn
            cursorColumn > 0 -> cursorColumn - 1
            else -> return
        }
        val cells = rows[cursorRow].cells
        while (col > 0 && (cells[col] == TAIL || cells[col] == PAD)) col--
        cells[col] = (cells[col]?.takeIf { it != PAD && it != TAIL } ?: " ") + mark
    }

    private class Glyph(val text: String?, val width: Int)

    /**
     * The terminal is now [newWidth] by [newHeight]: soft-wrapped lines are joined and wrapped again
     * at the new width with the cursor on the same character; blank rows below the cursor are
     * dropped, and if the content no longer fits, rows go from the top (never the cursor's).
     */
    @Synchronized public fun resize(newWidth: Int, newHeight: Int) {
        require(newWidth >= 2 && newHeight >= 1) { "a screen needs width >= 2 and height >= 1, was ${newWidth}x$newHeight" }
        if (newWidth == width && newHeight == height) return
        val last = maxOf(cursorRow, rows.indexOfLast { row -> row.cells.any { it != null } })
        val out = ArrayList<Row>()
        var newRow = 0
        var newColumn = 0
        var newPending = false
        var r = 0
        while (r <= last) {
            var e = r
            while (e < last && rows[e].wrapped) e++
            // Join rows r..e into one logical line of glyphs, noting the glyph the cursor is on.
            val glyphs = ArrayList<Glyph>()
            var at = -1
            var after = false
            for (i in r..e) {
                val cells = rows[i].cells
                val mine = i == cursorRow
                var end = if (i < e) width else cells.indexOfLast { it != null } + 1
                if (mine) end = maxOf(end, cursorColumn)
                var c = 0
                while (c < end) {
                    val cell = cells[c]
                    if (cell == PAD || cell == TAIL) { if (mine && c == cursorColumn && at < 0) at = glyphs.size; c++; continue }
                    val w = if (c + 1 < width && cells[c + 1] == TAIL) 2 else 1
                    if (mine && cursorColumn in c until c + w) { at = glyphs.size; after = pendingWrap }
                    glyphs.add(Glyph(cell, w))
                    c += w
                }
                if (mine && at < 0) at = glyphs.size
            }
            // Wrap it again at the new width.
            var row = Row(newWidth).also { out.add(it) }
            var col = 0
            val rowOf = IntArray(glyphs.size)
            val colOf = IntArray(glyphs.size)
            for ((k, g) in glyphs.withIndex()) {
                if (col + g.width > newWidth) {
                    if (col < newWidth) row.cells[col] = PAD
                    row.wrapped = true
                    row = Row(newWidth).also { out.add(it) }
                    col = 0
                }
                row.cells[col] = g.text
                if (g.width == 2) row.cells[col + 1] = TAIL
                rowOf[k] = out.size - 1
                colOf[k] = col
                col += g.width
            }
            when {
                at < 0 -> Unit
                after -> {
                    newRow = rowOf[at]
                    newColumn = colOf[at] + glyphs[at].width
                    if (newColumn >= newWidth) { newColumn = newWidth - 1; newPending = true }
                }
                at < glyphs.size -> { newRow = rowOf[at]; newColumn = colOf[at] }
                col < newWidth -> { newRow = out.size - 1; newColumn = col }
                else -> { row.wrapped = true; out.add(Row(newWidth)); newRow = out.size - 1; newColumn = 0 }
            }
            r = e + 1
        }
        val drop = minOf(newRow, (out.size - newHeight).coerceAtLeast(0))
        repeat(drop) { out.removeAt(0) }
        while (out.size > newHeight) out.removeAt(out.size - 1)
        out.last().wrapped = false // its continuation, if any, was cut off
        while (out.size < newHeight) out.add(Row(newWidth))
        rows = out
        width = newWidth
        height = newHeight
        cursorRow = newRow - drop
        cursorColumn = newColumn
        pendingWrap = newPending
    }

    /** The rows between bars, the cursor position and the bell count: for assertion messages. */
    @Synchronized override fun toString(): String = buildString {
        append("screen ${width}x$height, cursor at row $cursorRow column $cursorColumn")
        if (pendingWrap) append(" (wrap pending)")
        append(", $bellCount bells\n")
        rows.forEach { row -> append("|").append(render(row)).append(if (row.wrapped) "\\\n" else "|\n") }
    }

    private fun render(row: Row): String = buildString {
        for (cell in row.cells) when (cell) {
            null, PAD -> append(' ')
            TAIL -> Unit
            else -> append(cell)
        }
    }.trimEnd(' ')

    private companion object {
        const val GROUND = 0
        const val ESC = 1
        const val CSI = 2
        const val STRING = 3
        const val ESC_INTERMEDIATE = 4
        const val MAX_PARAMS = 64
        const val REPLACEMENT = 0xFFFD
        const val TAIL = ""
        const val PAD = "\u0000"
    }
}
