package dev.telnetkit.terminal

import dev.telnetkit.annotations.EngineApi

/** Receives the keys a [KeyDecoder] decodes, in order, on the thread that called the decoder. */
@EngineApi
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
 * `CSI 2~`, Delete `CSI 3~`, PgUp/PgDn `CSI 5~`/`CSI 6~`; Ctrl+Left/Right as `CSI 1;5D`/`CSI 1;5C`,
 * as the older xterm `ESC O 5 D`/`ESC O 5 C` (SS3 takes parameters as CSI does) and as the rxvt
 * `ESC O d`/`ESC O c`; Alt+b/f/d and Alt+Backspace as ESC-prefixed keys. Unknown sequences (with
 * any parameters) are swallowed whole, never passed on as text. A lone ESC stays pending until the
 * caller decides the pause is long enough and calls [flush].
 *
 * A C0 control character (CR, LF, Ctrl-C, Tab...) that arrives after an ESC or inside an unfinished
 * sequence ends that sequence, which is dropped, and is then the key it always is: a cut sequence
 * never swallows an Enter or a Ctrl-C. The exceptions: ESC starts a new sequence, and ESC BS is
 * Alt+Backspace.
 *
 * Enter is CR or LF; an LF right after a CR belongs to the same Enter (NUL after CR is dropped too).
 * A CSI or SS3 sequence longer than a sane bound is no longer stored but still swallowed up to its
 * final byte, so garbage can neither grow memory nor come out as text.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
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
        if (state != GROUND && c < ' ') {
            when {
                // An ESC inside a sequence starts a new one (as in terminals' own parsers): a cut
                // sequence must not turn the next one into text.
                c == '\u001b' -> { state = ESC; return }
                state == ESC && c == '\u0008' -> { state = GROUND; emit.onKey(Key.DeleteWordLeft); return }
                // Any other control ends the sequence (dropped) and is then its own key, below.
                else -> state = GROUND
            }
        }
        when (state) {
            GROUND -> ground(c, wasCr, emit)
            ESC -> escape(c, emit)
            else -> sequence(c, emit)
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
            'O' -> { state = SS3; params.setLength(0); overlong = false }
            'b', 'B' -> emit.onKey(Key.WordLeft)
            'f', 'F' -> emit.onKey(Key.WordRight)
            'd', 'D' -> emit.onKey(Key.DeleteWordRight)
            '\u007f' -> emit.onKey(Key.DeleteWordLeft)
            else -> Unit // Alt+other: swallowed.
        }
    }

    /** A character of a CSI or SS3 sequence: parameters are collected, the final byte makes the key. */
    private fun sequence(c: Char, emit: KeySink) {
        // Parameter bytes 0x30-0x3F: digits and ; : < = > ?
        if (c in '0'..'?') {
            if (params.length < MAX_PARAMS) params.append(c) else overlong = true // garbage: swallow, don't store
            return
        }
        // Intermediate bytes 0x20-0x2F (`CSI 2 SP q`, `CSI ? 1 $ y`): a sequence no key uses; swallow
        // it up to its final byte like garbage, so that none of it comes out as text. (SS3 has no
        // intermediates: there such a byte ends the sequence, below.)
        if (c in ' '..'/' && state == CSI) {
            overlong = true
            return
        }
        val ss3 = state == SS3
        state = GROUND
        if (c !in '@'..'~' || overlong) return // not a final byte, or garbage: abandon the sequence
        val p = params.toString()
        val key = if (ss3) ss3(c, p) else csi(c, p)
        key?.let { emit.onKey(it) }
    }

    private fun csi(c: Char, p: String): Key? = when (c) {
        '~' -> when (p.substringBefore(';')) {
            "1", "7" -> Key.Home
            "2" -> Key.Insert
            "3" -> Key.Delete
            "4", "8" -> Key.End
            "5" -> Key.PageUp
            "6" -> Key.PageDown
            else -> null
        }
        else -> cursorKey(c, isCtrlOrAlt(p.substringAfter(';', "")))
    }

    private fun ss3(c: Char, p: String): Key? = when (c) {
        'c' -> Key.WordRight
        'd' -> Key.WordLeft
        // The modifier is the parameter itself in the older xterm form (`ESC O 5 D`), or follows a
        // semicolon as in CSI (`ESC O 1;5P`).
        else -> cursorKey(c, isCtrlOrAlt(if (';' in p) p.substringAfter(';') else p))
    }

    /** The final bytes CSI and SS3 share: arrows (word moves with Ctrl or Alt), Home and End. */
    private fun cursorKey(c: Char, ctrl: Boolean): Key? = when (c) {
        'A' -> Key.Up
        'B' -> Key.Down
        'C' -> if (ctrl) Key.WordRight else Key.Right
        'D' -> if (ctrl) Key.WordLeft else Key.Left
        'H' -> Key.Home
        'F' -> Key.End
        else -> null
    }

    /** xterm's modifier parameter: 5 is Ctrl, 3 is Alt (either makes an arrow a word move). */
    private fun isCtrlOrAlt(modifier: String): Boolean = modifier == "5" || modifier == "3"

    private companion object {
        const val GROUND = 0
        const val ESC = 1
        const val CSI = 2
        const val SS3 = 3
        const val MAX_PARAMS = 16
        const val REPLACEMENT = 0xFFFD
    }
}
