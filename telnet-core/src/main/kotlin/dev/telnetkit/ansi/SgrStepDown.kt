package dev.telnetkit.ansi

import dev.telnetkit.terminal.escapeEnd

/**
 * Rewrites the colours of text that already has SGR codes in it (ANSI art, a template's output)
 * for a [ColorLevel]: `38;2;r;g;b` and `38;5;n` stepped down as [AnsiColor.stepDown] does, colour
 * codes dropped at [ColorLevel.ATTRIBUTES_ONLY] (bold, underline and the cursor codes kept), every
 * escape code taken out at [ColorLevel.NONE] (by [AnsiStripper]). Text at [ColorLevel.TRUECOLOR]
 * comes back as it is.
 */
public object SgrStepDown {
    /** [text] with its colours as [level] shows them. */
    @JvmStatic
    public fun apply(text: String, level: ColorLevel): String {
        if (level == ColorLevel.TRUECOLOR || text.indexOf('\u001b') < 0) return text
        if (!level.showsEscapes) return AnsiStripper.strip(text)
        val out = StringBuilder(text.length)
        var i = 0
        while (i < text.length) {
            val start = text.indexOf('\u001b', i)
            if (start < 0) {
                out.append(text, i, text.length)
                break
            }
            out.append(text, i, start)
            val end = escapeEnd(text, start).coerceAtMost(text.length)
            val sequence = text.substring(start, end)
            out.append(if (isSgr(sequence)) rewrite(sequence, level) else sequence)
            i = end
        }
        return out.toString()
    }

    private fun isSgr(sequence: String): Boolean =
        sequence.length >= 3 && sequence[1] == '[' && sequence.last() == 'm' && sequence.substring(2, sequence.length - 1).all { it.isDigit() || it == ';' }

    private fun rewrite(sequence: String, level: ColorLevel): String {
        val body = sequence.substring(2, sequence.length - 1)
        if (body.isEmpty()) return sequence
        val params = body.split(';').map { it.ifEmpty { "0" }.take(6).toInt() }
        val kept = ArrayList<String>(params.size)
        var i = 0
        while (i < params.size) {
            val p = params[i]
            when {
                (p == 38 || p == 48) && params.getOrNull(i + 1) == 5 && i + 2 < params.size -> {
                    params[i + 2].takeIf { it in 0..255 }?.let { kept.add(AnsiColor.indexed(it).sgr(level, p == 48)) }
                    i += 3
                    continue
                }
                (p == 38 || p == 48) && params.getOrNull(i + 1) == 2 && i + 4 < params.size -> {
                    val (r, g, b) = Triple(params[i + 2], params[i + 3], params[i + 4])
                    if (r in 0..255 && g in 0..255 && b in 0..255) kept.add(AnsiColor.rgb(r, g, b).sgr(level, p == 48))
                    i += 5
                    continue
                }
                p == 38 || p == 48 -> {
                    // A colour form we do not know: its arguments cannot be told apart, so drop the rest.
                    break
                }
                p in 30..37 || p in 40..47 || p in 90..97 || p in 100..107 || p == 39 || p == 49 ->
                    if (level.showsColor) kept.add(p.toString())
                else -> kept.add(p.toString())
            }
            i++
        }
        val shown = kept.filter { it.isNotEmpty() }
        return if (shown.isEmpty()) "" else shown.joinToString(";", "\u001b[", "m")
    }
}
