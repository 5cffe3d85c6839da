package dev.telnetkit.chat

/**
 * Cleans what a user sends before anyone else's terminal shows it: a user must not be able to move
 * other users' cursors, clear their screens, retitle their windows or reorder their text.
 *
 * Removed: ESC sequences whole (CSI `ESC [ … final`, OSC/DCS/SOS/PM/APC strings up to BEL or
 * `ESC \`, two-byte escapes), the 8-bit C1 forms (CSI 0x9B with its parameters, the string
 * introducers with their strings), every other C0 and C1 control and DEL, and the Unicode
 * bidirectional overrides and isolates. Tabs become spaces. Surrounding blanks are trimmed.
 *
 * Written by hand: no maintained JVM library strips terminal escapes from untrusted text; the
 * grammar followed is ECMA-48's (what xterm and VTE parse). Core's `AnsiStripper` is for showing
 * ANSI art on plain terminals: it keeps CR, LF and TAB, turns cursor-forwards into blanks and leaves
 * the 8-bit C1 forms and bidi controls alone, all of which a chat line must not carry.
 */
internal object ChatText {
    private const val ESC = '\u001b'
    private const val BEL = '\u0007'
    private const val CSI8 = '\u009b'
    private const val ST8 = '\u009c'

    /** [text] without escapes and controls, trimmed. Linear in the length of [text]. */
    fun clean(text: String): String {
        val out = StringBuilder(text.length)
        var i = 0
        val n = text.length
        while (i < n) {
            val c = text[i]
            when {
                c == ESC -> i = skipEscape(text, i + 1)
                c == CSI8 -> i = skipCsiBody(text, i + 1)
                c == '\u0090' || c == '\u0098' || c == '\u009d' || c == '\u009e' || c == '\u009f' -> i = skipString(text, i + 1)
                c == '\t' -> { out.append(' '); i++ }
                c < ' ' || c == '\u007f' || c in '\u0080'..'\u009f' || isBidiControl(c) -> i++
                else -> { out.append(c); i++ }
            }
        }
        return out.toString().trim()
    }

    /** After an ESC at [start] - 1: the index just past the whole sequence. */
    private fun skipEscape(text: String, start: Int): Int {
        if (start >= text.length) return start
        return when (text[start]) {
            '[' -> skipCsiBody(text, start + 1)
            ']', 'P', 'X', '^', '_' -> skipString(text, start + 1)
            // nF escapes: intermediates (0x20-0x2F) then one final byte.
            in ' '..'/' -> {
                var i = start
                while (i < text.length && text[i] in ' '..'/') i++
                minOf(i + 1, text.length)
            }
            else -> start + 1
        }
    }

    /** Parameters and intermediates, then one final byte (0x40-0x7E); stops early at anything else. */
    private fun skipCsiBody(text: String, start: Int): Int {
        var i = start
        while (i < text.length) {
            val c = text[i]
            if (c in '@'..'~') return i + 1
            if (c !in ' '..'?') return i
            i++
        }
        return i
    }

    /** A control string: up to BEL, ST (8-bit) or `ESC \`, or the end of the text. */
    private fun skipString(text: String, start: Int): Int {
        var i = start
        while (i < text.length) {
            val c = text[i]
            if (c == BEL || c == ST8) return i + 1
            if (c == ESC) return if (i + 1 < text.length && text[i + 1] == '\\') i + 2 else i + 1
            i++
        }
        return i
    }

    private fun isBidiControl(c: Char): Boolean =
        c in '\u202a'..'\u202e' || c in '\u2066'..'\u2069' || c == '\u200e' || c == '\u200f' || c == '\u061c'
}
