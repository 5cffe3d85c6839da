package dev.telnetkit.shell

import dev.telnetkit.annotations.EngineApi

/**
 * Splits a command line into words the way bash does for simple commands, with no I/O and no
 * expansion: whitespace separates words; single quotes keep everything literally; double quotes
 * keep text together and a backslash inside them escapes only `\`, `"`, `$`, `` ` `` and a line
 * break; outside quotes a backslash escapes the next character. A backslash at the end of a line
 * joins the next line (both vanish), and a line break inside quotes is kept.
 *
 * `echo 1  "2    3"` gives `echo`, `1`, `2    3`; `echo 1\ 2` gives `echo`, `1 2`. Lines are
 * joined with `\n` before parsing, so the four lines `echo 1 \`, `2 "3`, `4"  "5\`, `6"` give
 * `echo`, `1`, `2`, `3\n4`, `56`.
 *
 * Linear in the input length; never throws on any input.
 *
 * Engine API ([EngineApi]): Kotlin callers must opt in; Java callers are not checked by the compiler,
 * and the same caveat holds for them: it may change in any release.
 */
@EngineApi
public object CommandLineParser {
    /** The outcome of [parse]. */
    public sealed class Result {
        /** The line is complete; [words] are its words in order (possibly none). */
        public data class Complete(val words: List<String>) : Result()

        /** The line needs another line: it ends inside quotes or with a continuing backslash. */
        public data class Incomplete(val reason: String) : Result()
    }

    /** Parses [text] (lines joined with `\n`). */
    @JvmStatic
    public fun parse(text: String): Result {
        if (isPlain(text)) return Result.Complete(splitPlain(text))
        val words = ArrayList<String>()
        // No word is longer than the text: sized once, the builder never grows.
        val word = StringBuilder(text.length)
        var inWord = false
        var quote = NONE
        var i = 0
        while (i < text.length) {
            val c = text[i]
            when (quote) {
                SINGLE -> if (c == '\'') quote = NONE else word.append(c)
                DOUBLE -> when {
                    c == '"' -> quote = NONE
                    c == '\\' -> {
                        if (i + 1 == text.length) return Result.Incomplete("a backslash ends the line")
                        val n = text[i + 1]
                        when (n) {
                            '\n' -> Unit // line continuation inside double quotes
                            '\\', '"', '$', '`' -> word.append(n)
                            else -> word.append(c).append(n)
                        }
                        i++
                    }
                    else -> word.append(c)
                }
                else -> when {
                    c == ' ' || c == '\t' || c == '\n' -> if (inWord) {
                        words.add(word.toString())
                        word.setLength(0)
                        inWord = false
                    }
                    c == '\\' -> {
                        if (i + 1 == text.length) return Result.Incomplete("a backslash ends the line")
                        val n = text[i + 1]
                        if (n != '\n') { word.append(n); inWord = true }
                        i++
                    }
                    c == '\'' -> { quote = SINGLE; inWord = true }
                    c == '"' -> { quote = DOUBLE; inWord = true }
                    else -> { word.append(c); inWord = true }
                }
            }
            i++
        }
        if (quote == SINGLE) return Result.Incomplete("a single quote is open")
        if (quote == DOUBLE) return Result.Incomplete("a double quote is open")
        if (inWord) words.add(word.toString())
        return Result.Complete(words)
    }

    /** True if [text] has no quote and no backslash: its words are what whitespace separates. */
    private fun isPlain(text: String): Boolean {
        for (c in text) if (c == '\'' || c == '"' || c == '\\') return false
        return true
    }

    /** The words of a [isPlain] text, cut straight out of it (no builder). */
    private fun splitPlain(text: String): List<String> {
        val words = ArrayList<String>()
        var start = -1
        for (i in text.indices) {
            val c = text[i]
            if (c == ' ' || c == '\t' || c == '\n') {
                if (start >= 0) words.add(text.substring(start, i))
                start = -1
            } else if (start < 0) {
                start = i
            }
        }
        if (start >= 0) words.add(text.substring(start))
        return words
    }

    /**
     * Quotes [word] so that [parse] gives it back unchanged: plain words stay as they are, anything
     * else goes in single quotes (a single quote inside becomes `'\''`).
     */
    @JvmStatic
    public fun quote(word: String): String {
        if (word.isNotEmpty() && word.all { it.isLetterOrDigit() || it in SAFE }) return word
        return "'" + word.replace("'", "'\\''") + "'"
    }

    /** Joins [words] into one line that [parse] splits back into the same words. */
    @JvmStatic
    public fun join(words: List<String>): String = words.joinToString(" ") { quote(it) }

    private const val NONE = 0
    private const val SINGLE = 1
    private const val DOUBLE = 2
    private const val SAFE = "-_./:=@%+,"
}
