package dev.telnetkit.ansi

/**
 * Cursor moves and screen control as ANSI (ECMA-48) sequences, or nothing where the terminal shows
 * no escape codes. Rows and columns count from 1, as the terminal's CUP does.
 *
 * When [enabled] is false every method returns "", except [clearScreen] and [clearLine], which fall
 * back to a line break and a carriage return: on a dumb terminal the next screen then starts on a
 * fresh line, and the old text stays in the user's scrollback instead of scrolling away under a
 * screenful of blank lines.
 *
 * ```java
 * ScreenControl screen = ScreenControl.forLevel(session.getColorLevel());
 * session.write(screen.clearScreen() + screen.moveTo(3, 10) + "Hello");
 * ```
 */
public class ScreenControl private constructor(
    /** True when the sequences are written; false for a terminal that shows no escape codes. */
    public val enabled: Boolean,
) {
    /** Moves the cursor to [row], [column] (CUP), both from 1. */
    public fun moveTo(row: Int, column: Int): String {
        require(row >= 1 && column >= 1) { "rows and columns count from 1, got $row, $column" }
        return csi("$row;${column}H")
    }

    /** Moves the cursor up [lines] rows (CUU); "" for 0. */
    @JvmOverloads
    public fun up(lines: Int = 1): String = move(lines, 'A')

    /** Moves the cursor down [lines] rows (CUD); "" for 0. */
    @JvmOverloads
    public fun down(lines: Int = 1): String = move(lines, 'B')

    /** Moves the cursor right [columns] (CUF); "" for 0. */
    @JvmOverloads
    public fun forward(columns: Int = 1): String = move(columns, 'C')

    /** Moves the cursor left [columns] (CUB); "" for 0. */
    @JvmOverloads
    public fun back(columns: Int = 1): String = move(columns, 'D')

    /** Saves the cursor position and attributes (DECSC, `ESC 7`). */
    public fun saveCursor(): String = if (enabled) "\u001b7" else ""

    /** Restores what [saveCursor] saved (DECRC, `ESC 8`). */
    public fun restoreCursor(): String = if (enabled) "\u001b8" else ""

    /** Hides the cursor (DECTCEM off). */
    public fun hideCursor(): String = csi("?25l")

    /** Shows the cursor again (DECTCEM on). */
    public fun showCursor(): String = csi("?25h")

    /** Clears the screen and puts the cursor at the top left; a line break when not [enabled]. */
    public fun clearScreen(): String = if (enabled) "\u001b[H\u001b[2J" else "\n"

    /** Clears the cursor's row and returns to its start; a carriage return when not [enabled]. */
    public fun clearLine(): String = if (enabled) "\u001b[2K\r" else "\r"

    /** Clears from the cursor to the end of its row (EL 0). */
    public fun clearToEndOfLine(): String = csi("K")

    /** Clears from the cursor to the end of the screen (ED 0). */
    public fun clearToEndOfScreen(): String = csi("J")

    /** Scrolls only rows [top] to [bottom] (DECSTBM), both from 1; the cursor goes to the top left. */
    public fun scrollRegion(top: Int, bottom: Int): String {
        require(top >= 1 && bottom > top) { "a scroll region is rows top < bottom, from 1; got $top, $bottom" }
        return csi("$top;${bottom}r")
    }

    /** Scrolls the whole screen again (DECSTBM with no rows). */
    public fun resetScrollRegion(): String = csi("r")

    private fun move(count: Int, final: Char): String {
        require(count >= 0) { "a cursor move counts up from 0, got $count" }
        return if (count == 0) "" else csi("$count$final")
    }

    private fun csi(body: String): String = if (enabled) "\u001b[$body" else ""

    public companion object {
        /** Writes every sequence. */
        @JvmField
        public val ANSI: ScreenControl = ScreenControl(true)

        /** Writes none (a dumb terminal): see the class for the two fallbacks. */
        @JvmField
        public val PLAIN: ScreenControl = ScreenControl(false)

        /** [ANSI] for a level that shows escape codes, [PLAIN] for [ColorLevel.NONE]. */
        @JvmStatic
        public fun forLevel(level: ColorLevel): ScreenControl = if (level.showsEscapes) ANSI else PLAIN
    }
}
