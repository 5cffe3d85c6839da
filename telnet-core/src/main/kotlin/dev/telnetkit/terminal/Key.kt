package dev.telnetkit.terminal

/**
 * A key the user pressed, as [KeyDecoder] recognises it from the characters a terminal sends.
 * Control keys that have an editing meaning get their own objects; other control characters
 * arrive as [Control]. What `Session.readKey` returns.
 */
public sealed class Key {
    /** A printable character (one code point, possibly outside the BMP). */
    public data class Text(val codePoint: Int) : Key() {
        override fun toString(): String = "Text(${String(Character.toChars(codePoint))})"

        public companion object {
            private val LATIN1 = Array(256) { Text(it) }

            /** The key for [codePoint]; shared instances for U+0000..U+00FF, so typing allocates nothing. */
            @JvmStatic
            public fun of(codePoint: Int): Text = if (codePoint in 0..255) LATIN1[codePoint] else Text(codePoint)
        }
    }

    /** Enter: CR, LF, CR LF or CR NUL, each exactly once. */
    public data object Enter : Key()

    /** Backspace: BS (0x08) or DEL (0x7f). */
    public data object Backspace : Key()

    /** Delete the character under the cursor (CSI 3~). */
    public data object Delete : Key()

    /** Tab. */
    public data object Tab : Key()

    /** A lone Escape, recognised after a short pause with nothing following it. */
    public data object Escape : Key()

    public data object Up : Key()
    public data object Down : Key()
    public data object Left : Key()
    public data object Right : Key()
    public data object Home : Key()
    public data object End : Key()
    public data object Insert : Key()
    public data object PageUp : Key()
    public data object PageDown : Key()

    /** Ctrl+Left or Alt+b: one word back. */
    public data object WordLeft : Key()

    /** Ctrl+Right or Alt+f: one word forward. */
    public data object WordRight : Key()

    /** Alt+d: delete the word after the cursor. */
    public data object DeleteWordRight : Key()

    /** Alt+Backspace: delete the word before the cursor. */
    public data object DeleteWordLeft : Key()

    /** Ctrl plus a letter, such as Ctrl-A (`letter` = 'A'); Ctrl-C is [Interrupt]. */
    public data class Control(val letter: Char) : Key()

    /** Ctrl-C, or Telnet `IAC IP` / `IAC BRK`. */
    public data object Interrupt : Key()

    /** Telnet `IAC EC`: erase the character before the cursor. */
    public data object EraseCharacter : Key()

    /** Telnet `IAC EL`: erase the whole line. */
    public data object EraseLine : Key()
}
