package dev.telnetkit.terminal

/**
 * The characters of [text] that show on screen, as the line editor lays out a prompt: without
 * escape sequences (colours, a window title) and control characters.
 */
internal fun visibleText(text: String): String {
    if (text.indexOf('\u001b') < 0 && text.none { it < ' ' || it in '\u007f'..'\u009f' }) return text // nothing to strip: no copy kept per line
    val shown = StringBuilder()
    var i = 0
    while (i < text.length) {
        if (text[i] == '\u001b') {
            i = escapeEnd(text, i)
            continue
        }
        val cp = Character.codePointAt(text, i)
        if (cp >= ' '.code && cp !in 0x7f..0x9f) shown.appendCodePoint(cp)
        i += Character.charCount(cp)
    }
    return shown.toString()
}

/**
 * The index after the escape sequence that starts with the ESC at [start]: CSI up to its
 * final byte; OSC (`ESC ] 0;title BEL`) and the other strings (DCS, SOS, PM, APC) up to BEL
 * or ST (`ESC \`); any other, such as `ESC 7` or `ESC ( B`, up to its first byte that is not
 * an intermediate.
 */
internal fun escapeEnd(text: String, start: Int): Int {
    var i = start + 1
    if (i >= text.length) return i
    when (text[i]) {
        '[' -> {
            i++
            while (i < text.length && text[i] !in '@'..'~') i++
            return i + 1
        }
        ']', 'P', 'X', '^', '_' -> {
            i++
            while (i < text.length) {
                when (text[i]) {
                    '\u0007' -> return i + 1
                    '\u001b' -> return if (i + 1 < text.length && text[i + 1] == '\\') i + 2 else i
                }
                i++
            }
            return i
        }
        else -> {
            while (i < text.length && text[i] in ' '..'/') i++
            return i + 1
        }
    }
}
