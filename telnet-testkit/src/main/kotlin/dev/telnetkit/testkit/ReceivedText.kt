package dev.telnetkit.testkit

import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.Duration

/**
 * The text a test client has received, with a read mark and the waits the clients share: the
 * `await…` functions search from the mark and move it past what they matched, so consecutive
 * awaits follow the conversation in order. Every chunk is also fed to [screen].
 */
internal class ReceivedText(val screen: VirtualScreen) {
    private val lock = Any()
    private val text = StringBuilder()
    private var mark = 0
    private val version = MutableStateFlow(0L)
    @Volatile var closed: Boolean = false
        private set

    val output: String get() = synchronized(lock) { text.toString() }
    val unread: String get() = synchronized(lock) { text.substring(mark) }

    fun append(chunk: String) {
        synchronized(lock) {
            text.append(chunk)
            screen.feed(chunk)
        }
        version.value++
    }

    /** Runs [block] on the screen under the lock the text is fed under (a resize, say). */
    fun <T> withScreen(block: (VirtualScreen) -> T): T = synchronized(lock) { block(screen) }.also { version.value++ }

    fun markClosed() {
        closed = true
        version.value++
    }

    suspend fun awaitText(expected: String, timeout: Duration): String =
        awaitMatch("text '${printable(expected)}'", timeout) { from ->
            val at = text.indexOf(expected, from)
            if (at < 0) null else at + expected.length
        }

    suspend fun awaitRegex(regex: Regex, timeout: Duration): MatchResult {
        var result: MatchResult? = null
        awaitMatch("pattern /${regex.pattern}/", timeout) { from ->
            regex.find(text, from)?.also { result = it }?.let { it.range.last + 1 }
        }
        return result!!
    }

    suspend fun awaitPrompt(prompt: String, timeout: Duration): String {
        val seen = awaitMatch("prompt '${printable(prompt)}' at the end", timeout) { from ->
            if (text.length - from >= prompt.length && text.endsWith(prompt)) text.length else null
        }
        return seen.removeSuffix(prompt)
    }

    suspend fun awaitScreen(timeout: Duration, predicate: (VirtualScreen) -> Boolean): VirtualScreen {
        val met = withTimeoutOrNull(timeout) {
            while (true) {
                val seen = version.value
                // Read before the check: the reader appends its last text before it sets `closed`.
                val wasClosed = closed
                if (synchronized(lock) { predicate(screen) }) return@withTimeoutOrNull true
                if (wasClosed) return@withTimeoutOrNull false
                version.first { it != seen }
            }
            @Suppress("UNREACHABLE_CODE") false
        }
        if (met == true) return screen
        throw AssertionError("the screen did not show what was expected within $timeout${if (closed) " (connection closed)" else ""}:\n$screen")
    }

    suspend fun awaitClosed(timeout: Duration): Boolean = withTimeoutOrNull(timeout) { version.first { closed } } != null

    private suspend fun awaitMatch(what: String, timeout: Duration, find: (Int) -> Int?): String {
        val found = withTimeoutOrNull(timeout) {
            while (true) {
                val seen = version.value
                // Read before the search: the reader appends its last text before it sets `closed`.
                val wasClosed = closed
                synchronized(lock) {
                    val end = find(mark)
                    if (end != null) {
                        val matched = text.substring(mark, end)
                        mark = end
                        return@withTimeoutOrNull matched
                    }
                }
                if (wasClosed) return@withTimeoutOrNull null
                version.first { it != seen }
            }
            @Suppress("UNREACHABLE_CODE") null
        }
        return found ?: throw AssertionError(
            "no $what within $timeout${if (closed) " (connection closed)" else ""}; unread text: '${printable(unread)}'",
        )
    }

    companion object {
        fun printable(s: String): String = buildString {
            for (c in s) when {
                c == '\r' -> append("\\r")
                c == '\n' -> append("\\n")
                c == '\u001b' -> append("\\e")
                c < ' ' -> append("\\x%02x".format(c.code))
                else -> append(c)
            }
        }
    }
}
