package dev.telnetkit.ansi

import java.nio.charset.Charset

/** The line a [Box] is drawn with. */
public enum class BorderStyle(internal val chars: String) {
    /** `┌─┐│└┘`. */
    SINGLE("┌┐└┘─│"),

    /** `╔═╗║╚╝`. */
    DOUBLE("╔╗╚╝═║"),

    /** `╭─╮│╰╯`: not in CP437, so it falls back to [SINGLE] there. */
    ROUNDED("╭╮╰╯─│"),

    /** `+-+|`: shows everywhere. */
    ASCII("++++-|");

    internal val topLeft: Char get() = chars[0]
    internal val topRight: Char get() = chars[1]
    internal val bottomLeft: Char get() = chars[2]
    internal val bottomRight: Char get() = chars[3]
    internal val horizontal: Char get() = chars[4]
    internal val vertical: Char get() = chars[5]

    /**
     * This style if [charset] can encode it, else the nearest that it can: [ROUNDED] becomes
     * [SINGLE] in CP437, and anything becomes [ASCII] in a charset without box characters
     * (ISO-8859-1, US-ASCII).
     */
    public fun shownIn(charset: Charset): BorderStyle {
        if (this == ASCII) return this
        val encoder = runCatching { charset.newEncoder() }.getOrNull() ?: return ASCII
        if (chars.all { encoder.canEncode(it) }) return this
        return if (this == ROUNDED) SINGLE.shownIn(charset) else ASCII
    }
}
