@file:JvmName("SessionAnsi")

package dev.telnetkit.session

import dev.telnetkit.ansi.AnsiArt
import dev.telnetkit.ansi.AnsiText
import dev.telnetkit.ansi.Box
import dev.telnetkit.ansi.Cp437
import dev.telnetkit.ansi.ScreenControl

/*
 * The ANSI toolkit (`dev.telnetkit.ansi`) for one session: each function reads the session's
 * terminal facts ([Session.colorLevel], [Session.width], [Session.encoding], its TTYPE names) so
 * that what it writes fits this terminal. From Java these are static methods of `SessionAnsi`.
 */

/** Cursor and screen codes for this session: none when it shows no escape codes ([Session.colorLevel] NONE). */
@get:JvmName("screenControl")
public val Session.screenControl: ScreenControl get() = ScreenControl.forLevel(colorLevel)

/** [text] rendered for this session's [Session.colorLevel]. */
public fun Session.render(text: AnsiText): String = text.render(colorLevel)

/**
 * True when this terminal shows CP437 itself (SyncTERM and other BBS terminals, or a session
 * whose encoding is `IBM437`): see [Cp437.isCp437Terminal].
 */
@get:JvmName("showsCp437")
public val Session.showsCp437: Boolean get() = Cp437.isCp437Terminal(terminalTypes, encoding)

/**
 * [lines] in [box], fitted to this terminal's width, one string with a line break between rows
 * (no break after the last): the border in box characters where [Session.encoding] has them, in
 * ASCII where it does not or the terminal is dumb.
 */
public fun Session.renderBox(box: Box, lines: List<String>): String =
    box.render(lines, width.coerceAtLeast(1), encoding, plain = !ansiEnabled).joinToString("\n")

/**
 * Shows [art]: its original CP437 bytes to a terminal that [showsCp437] (and shows escape codes),
 * otherwise the picture as Unicode with its colours stepped down to [Session.colorLevel] (no escape
 * codes at all for a dumb terminal). Suspends as [Session.write] does.
 */
@JvmSynthetic
public suspend fun Session.writeArt(art: AnsiArt) {
    if (showsCp437 && colorLevel.showsEscapes) writeBytes(art.bytes) else write(art.render(colorLevel))
}

/** [writeArt] for Java and blocking handlers. */
@JvmName("writeArt")
public fun Session.writeArtBlocking(art: AnsiArt) {
    if (showsCp437 && colorLevel.showsEscapes) writeBytesBlocking(art.bytes) else writeBlocking(art.render(colorLevel))
}
