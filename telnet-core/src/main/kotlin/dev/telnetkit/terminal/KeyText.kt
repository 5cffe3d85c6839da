package dev.telnetkit.terminal

/**
 * The characters a terminal sends for a [Key] (xterm's choices for the editing and arrow keys):
 * the way back from keys already decoded to text, for a reader that wants the raw input.
 */
internal object KeyText {
    /** What an xterm sends for [key]. */
    fun of(key: Key): String = when (key) {
        is Key.Text -> String(Character.toChars(key.codePoint))
        Key.Enter -> "\r"
        Key.Backspace -> "\u007f"
        Key.Delete -> "\u001b[3~"
        Key.Tab -> "\t"
        Key.Escape -> "\u001b"
        Key.Up -> "\u001b[A"
        Key.Down -> "\u001b[B"
        Key.Right -> "\u001b[C"
        Key.Left -> "\u001b[D"
        Key.Home -> "\u001b[H"
        Key.End -> "\u001b[F"
        Key.Insert -> "\u001b[2~"
        Key.PageUp -> "\u001b[5~"
        Key.PageDown -> "\u001b[6~"
        Key.WordLeft -> "\u001b[1;5D"
        Key.WordRight -> "\u001b[1;5C"
        Key.DeleteWordRight -> "\u001bd"
        Key.DeleteWordLeft -> "\u001b\u007f"
        is Key.Control -> (key.letter.uppercaseChar().code and 0x1f).toChar().toString()
        Key.Interrupt -> "\u0003"
        Key.EraseCharacter -> "\u007f"
        Key.EraseLine -> "\u0015"
    }
}
