package dev.telnetkit.terminal

/** Receives the keys a [KeyDecoder] decodes, in order, on the thread that called the decoder. */
public fun interface KeySink {
    /** Called once per decoded [key]. */
    public fun onKey(key: Key)
}

/**
 * Turns the characters a terminal sends into [Key]s: pure state, no I/O, input may be split at
 * any character.
 *
 * Recognises ANSI/VT100/xterm input: arrows in CSI (`ESC [ A`) and SS3 (`ESC O A`) forms;
 * Home/End as `CSI H`/`CSI F`, `CSI 1~`/`CSI 4~`, `CSI 7~`/`CSI 8~` and `SS3 H`/`SS3 F`; Insert
 * `CSI 2~`, Delete `CSI 3~`, PgUp/PgDn `CSI 5~`/`CSI 6~`; Ctrl+Left/Right as `CSI 1;5D`/`CSI 1;5C`
 * (and the rxvt `ESC O d`/`ESC O c`), Alt+b/f/d and Alt+Backspace as ESC-prefixed keys. Unknown
 * sequences are swallowed whole, never passed on as text. A lone ESC stays pending until the
 * caller decides the pause is long enough and calls [flush].
 *
 * Enter is CR or LF; an LF right after a CR belongs to the same Enter (NUL after CR is dropped too).
 * A CSI sequence longer than a sane bound is no longer stored but still swallowed up to its final
 * byte, so garbage can neither grow memory nor come out as text.
 */
public class KeyDecoder {
    private var state = GROUND
    private val params = StringBuilder()
    private var overlong = false
    private var afterCr = false
    private var highSurrogate: Char? = null

    /** True if an ESC (or the start of a sequence) is waiting for more input. */
    public val hasPending: Boolean get() = state != GROUND || highSurrogate != null

    /** Decodes [text], calling [emit] for each key in order. */
    public fun decode(text: CharSequence, emit: KeySink) {
        for (c in text) decode(c, emit)
    }

    /** Decodes one character. */
    public fun decode(c: Char, emit: KeySink) {
        val wasCr = afterCr
        afterCr = false
        when (state) {
            GROUND -> ground(c, wasCr, emit)
            ESC -> escape(c, emit)
            CSI -> csi(c, emit)
            // An ESC inside a sequence starts a new one (as in terminals' own parsers): a cut
            // sequence must not turn the next one into text.
            SS3 -> if (c == '\u001b') state = ESC else { state = GROUND; ss3(c)?.let { emit.onKey(it) } }
        }
    }

    /**
     * The pause after a lone ESC is over: a pending ESC becomes [Key.Escape]; a cut sequence is
     * dropped; a high surrogate still waiting for its other half becomes U+FFFD, as a lone one does.
     */
    public fun flush(emit: KeySink) {
        if (highSurrogate != null) emit.onKey(Key.Text(REPLACEMENT))
        if (state == ESC) emit.onKey(Key.Escape)
        state = GROUND
        params.setLength(0)
        highSurrogate = null
    }

    private fun ground(c: Char, wasCr: Boolean, emit: KeySink) {
        highSurrogate?.let { high ->
            highSurrogate = null
            if (c.isLowSurrogate()) { emit.onKey(Key.Text(Character.toCodePoint(high, c))); return }
            emit.onKey(Key.Text(REPLACEMENT))
        }
        when {
            c == '\r' -> { afterCr = true; emit.onKey(Key.Enter) }
            c == '\n' -> if (!wasCr) emit.onKey(Key.Enter)
            c == '\u0000' -> Unit
            c == '\u001b' -> state = ESC
            c == '\t' -> emit.onKey(Key.Tab)
            c == '\u0008' || c == '\u007f' -> emit.onKey(Key.Backspace)
            c == '\u0003' -> emit.onKey(Key.Interrupt)
            c < ' ' -> emit.onKey(Key.Control('@' + c.code))
            c in '\u0080'..'\u009f' -> Unit // C1 controls: never text
            c.isHighSurrogate() -> highSurrogate = c
            c.isLowSurrogate() -> emit.onKey(Key.Text(REPLACEMENT))
            else -> emit.onKey(Key.Text.of(c.code))
        }
    }

    private fun escape(c: Char, emit: KeySink) {
        state = GROUND
        when (c) {
            '[' -> { state = CSI; params.setLength(0); overlong = false }
            'O' -> state = SS3
            'b', 'B' -> emit.onKey(Key.WordLeft)
            'f', 'F' -> emit.onKey(Key.WordRight)
            'd', 'D' -> emit.onKey(Key.DeleteWordRight)
            '\u007f', '\u0008' -> emit.onKey(Key.DeleteWordLeft)
            '\u001b' -> state = ESC // ESC ESC: the first one was a lone Escape press; stay ready.
            else -> Unit // Alt+other: swallowed.
        }
    }

    private fun csi(c: Char, emit: KeySink) {
        if (c == '\u001b') { state = ESC; return }
        // Parameter bytes 0x30-0x3F: digits and ; : < = > ?
        if (c in '0'..'?') {
            if (params.length < MAX_PARAMS) params.append(c) else overlong = true // garbage: swallow, don't store
            return
        }
        // Intermediate bytes 0x20-0x2F (`CSI 2 SP q`, `CSI ? 1 $ y`): a sequence no key uses; swallow
        // it up to its final byte like garbage, so that none of it comes out as text.
        if (c in ' '..'/') {
            overlong = true
            return
        }
        state = GROUND
        if (c !in '@'..'~' || overlong) return // not a final byte, or garbage: abandon the sequence
        val p = params.toString()
        val modifier = p.substringAfter(';', "").toIntOrNull() ?: 1
        val ctrl = modifier == 5 || modifier == 3 // Ctrl or Alt
        val key = when (c) {
            'A' -> Key.Up
            'B' -> Key.Down
            'C' -> if (ctrl) Key.WordRight else Key.Right
            'D' -> if (ctrl) Key.WordLeft else Key.Left
            'H' -> Key.Home
            'F' -> Key.End
            '~' -> when (p.substringBefore(';')) {
                "1", "7" -> Key.Home
                "2" -> Key.Insert
                "3" -> Key.Delete
                "4", "8" -> Key.End
                "5" -> Key.PageUp
                "6" -> Key.PageDown
                else -> null
            }
            else -> null
        }
        key?.let { emit.onKey(it) }
    }

    private fun ss3(c: Char): Key? = when (c) {
        'A' -> Key.Up
        'B' -> Key.Down
        'C' -> Key.Right
        'D' -> Key.Left
        'H' -> Key.Home
        'F' -> Key.End
        'c' -> Key.WordRight
        'd' -> Key.WordLeft
        else -> null
    }

    private companion object {
        const val GROUND = 0
        const val ESC = 1
        const val CSI = 2
        const val SS3 = 3
        const val MAX_PARAMS = 16
        const val REPLACEMENT = 0xFFFD
    }
}
