package dev.telnetkit.screens

import dev.telnetkit.terminal.CharacterWidth

/** Text laid out to a terminal width: centred lines and rules (boxes come from core's `Box`). Pure functions. */
internal object TextLayout {
    fun center(text: String, width: Int): String {
        val pad = ((width - CharacterWidth.of(text)) / 2).coerceAtLeast(0)
        return " ".repeat(pad) + text
    }

    fun rule(char: String, width: Int): String = char.take(1).ifEmpty { "-" }.repeat((width - 1).coerceAtLeast(1))
}
