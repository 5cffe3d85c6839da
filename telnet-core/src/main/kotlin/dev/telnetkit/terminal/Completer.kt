package dev.telnetkit.terminal

/**
 * Supplies Tab completions. Given the line and the cursor, returns the candidates for the word
 * that ends at the cursor (each a full replacement for [CompletionRequest.word]); the editor
 * completes a unique candidate, extends to the candidates' common prefix, and on a second Tab
 * lists them in columns.
 *
 * Threading: a session asks for completions on the thread of the code that reads the line, never
 * while holding its screen lock (messages, resizes and other sessions go on meanwhile). For a
 * Kotlin handler that thread is the session's event loop, shared with other sessions: a completer
 * must then be quick and must not block. A completer that may block (a database or directory
 * lookup, anything from Java) is wrapped with [blocking], and then runs where blocking is allowed,
 * as blocking handlers do. `Command.Builder.completer`, the Java face, wraps what it is given that
 * way; a blocking completer that is slow holds up only its own session's line, which takes the
 * keys typed meanwhile once it returns.
 */
public fun interface Completer {
    /** The candidates for [request]; empty if none. Must be quick unless wrapped with [blocking]. */
    public fun complete(request: CompletionRequest): List<String>

    public companion object {
        /**
         * [completer], run where blocking is allowed (never on an event-loop thread) and interrupted
         * if the session ends meanwhile. Wrapping twice changes nothing.
         *
         * ```java
         * Completer hosts = Completer.blocking(request -> directory.hostsStartingWith(request.getWord()));
         * ```
         */
        @JvmStatic
        public fun blocking(completer: Completer): Completer =
            completer as? BlockingCompleter ?: BlockingCompleter(completer)
    }
}

/**
 * A completer marked with [Completer.blocking]. Sessions run [delegate] on their blocking executor;
 * a plain [complete] call (a [LineEditor] used on its own) runs it where it is called.
 */
internal class BlockingCompleter(val delegate: Completer) : Completer {
    override fun complete(request: CompletionRequest): List<String> = delegate.complete(request)
}

/**
 * A completer that answers through other completers, such as the shell's (command names, then the
 * command's own completer): a session calls [completeSuspending], which asks each of them where it
 * belongs; [complete] asks them all in place.
 */
internal interface SuspendingCompleter : Completer {
    suspend fun completeSuspending(request: CompletionRequest): List<String>
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
