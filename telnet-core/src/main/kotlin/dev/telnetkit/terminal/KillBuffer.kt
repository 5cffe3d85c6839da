package dev.telnetkit.terminal

import dev.telnetkit.annotations.EngineApi

/**
 * What the last kills (Ctrl-K, Ctrl-U, Ctrl-W, Alt-d, Alt-Backspace) removed, for Ctrl-Y to yank
 * back: readline's kill ring, with one entry. A session keeps one for all its reads, so text
 * killed at one prompt can be yanked at the next.
 *
 * A kill replaces the text, except right after another kill: then it is added to it, after it for
 * kills forward (Ctrl-K, Alt-d) and before it for kills backward (Ctrl-U, Ctrl-W, Alt-Backspace),
 * so that one Ctrl-Y brings back everything a run of kills took. A run lasts only as long as the
 * line being edited, which bounds the text by the editor's maximum line length. Reads with echo off
 * neither add to it nor yank from it.
 *
 * Not thread-safe: the line editors using it are called one at a time.
 */
@EngineApi
public class KillBuffer {
    /** What Ctrl-Y inserts; empty when nothing has been killed. */
    public var text: String = ""
        private set

    /** Records [killed]: adds it to the text if [continuing] a run of kills ([forward] says on which side), else replaces it. */
    internal fun add(killed: String, continuing: Boolean, forward: Boolean) {
        text = when {
            !continuing -> killed
            forward -> text + killed
            else -> killed + text
        }
    }
}
