package dev.telnetkit.screens

import dev.telnetkit.terminal.CharacterWidth

/** Text laid out to a terminal width: centred lines, rules and boxes. Pure functions. */
internal object TextLayout {
    fun center(text: String, width: Int): String {
        val pad = ((width - CharacterWidth.of(text)) / 2).coerceAtLeast(0)
        return " ".repeat(pad) + text
    }

    fun rule(char: String, width: Int): String = char.take(1).ifEmpty { "-" }.repeat((width - 1).coerceAtLeast(1))

    /** [text]'s lines in a frame no wider than [width] (long lines are cut), with [title] in the top edge. */
    fun box(text: String, title: String, width: Int, unicode: Boolean): String {
        val (h, v, tl, tr, bl, br) = if (unicode) listOf("─", "│", "┌", "┐", "└", "┘") else listOf("-", "|", "+", "+", "+", "+")
        val lines = text.split('\n')
        val maxInner = (width - 5).coerceAtLeast(1)
        val inner = (lines.maxOf { CharacterWidth.of(it) }.coerceAtLeast(CharacterWidth.of(title) + 2)).coerceAtMost(maxInner)
        val top = if (title.isEmpty()) h.repeat(inner + 2) else {
            val label = " ${cut(title, inner)} "
            label + h.repeat((inner + 2 - CharacterWidth.of(label)).coerceAtLeast(0))
        }
        return buildString {
            append(tl).append(top).append(tr).append('\n')
            for (line in lines) {
                val shown = cut(line, inner)
                append(v).append(' ').append(shown).append(" ".repeat(inner - CharacterWidth.of(shown))).append(' ').append(v).append('\n')
            }
            append(bl).append(h.repeat(inner + 2)).append(br)
        }
    }

    private fun cut(text: String, width: Int): String {
        if (CharacterWidth.of(text) <= width) return text
        val out = StringBuilder()
        for (ch in text) {
            if (CharacterWidth.of(out.toString() + ch) > width) break
            out.append(ch)
        }
        return out.toString()
    }

    private operator fun <T> List<T>.component6(): T = this[5]
}
