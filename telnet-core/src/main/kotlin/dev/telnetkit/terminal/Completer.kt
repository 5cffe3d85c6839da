package dev.telnetkit.terminal

/**
 * Supplies Tab completions. Given the line and the cursor, returns the candidates for the word
 * that ends at the cursor (each a full replacement for [CompletionRequest.word]); the editor
 * completes a unique candidate, extends to the candidates' common prefix, and on a second Tab
 * lists them in columns.
 */
public fun interface Completer {
    /** The candidates for [request]; empty if none. Called on the session's coroutine: be quick. */
    public fun complete(request: CompletionRequest): List<String>
}

/** What is being completed: the whole [line], the [cursor] index in it, and the [word] before the cursor. */
public class CompletionRequest(public val line: String, public val cursor: Int) {
    /** Where the word being completed starts. */
    public val wordStart: Int = line.lastIndexOf(' ', cursor - 1).let { if (it < 0) 0 else it + 1 }

    /** The partial word before the cursor. */
    public val word: String = line.substring(wordStart, cursor)

    /** The complete words before the one being completed; empty when completing the first word. */
    public val previousWords: List<String> = line.substring(0, wordStart).split(' ').filter { it.isNotEmpty() }
}
