package dev.telnetkit.testkit

import kotlinx.coroutines.CopyableThrowable
import kotlinx.coroutines.ExperimentalCoroutinesApi
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

    suspend fun awaitText(expected: String, timeout: Duration, call: String): String =
        awaitMatch(call, "\"${printable(expected)}\" not received", timeout) { from ->
            val at = text.indexOf(expected, from)
            if (at < 0) null else at + expected.length
        }

    suspend fun awaitRegex(regex: Regex, timeout: Duration, call: String): MatchResult {
        var result: MatchResult? = null
        awaitMatch(call, "nothing received matches /${regex.pattern}/", timeout) { from ->
            regex.find(text, from)?.also { result = it }?.let { it.range.last + 1 }
        }
        return result!!
    }

    suspend fun awaitPrompt(prompt: String, timeout: Duration, call: String): String {
        val seen = awaitMatch(call, "the prompt \"${printable(prompt)}\" is not the last thing received", timeout) { from ->
            if (text.length - from >= prompt.length && text.endsWith(prompt)) text.length else null
        }
        return seen.removeSuffix(prompt)
    }

    suspend fun awaitScreen(timeout: Duration, call: String, predicate: (VirtualScreen) -> Boolean): VirtualScreen {
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
        throw AwaitFailure("$call failed: the screen did not show what was expected within $timeout${if (closed) " (connection closed)" else ""}; the screen:\n$screen")
    }

    suspend fun awaitClosed(timeout: Duration): Boolean = withTimeoutOrNull(timeout) { version.first { closed } } != null

    private suspend fun awaitMatch(call: String, failure: String, timeout: Duration, find: (Int) -> Int?): String {
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
        return found ?: throw AwaitFailure(
            "$call failed: $failure within $timeout${if (closed) " (connection closed)" else ""}; " +
                "unread text: \"${printable(unread)}\"",
        )
    }

    companion object {
        /** `name(argument) at File.kt:42`: a call of the testkit's [name], and the test line that made it. */
        fun call(name: String, argument: String): String = "$name($argument)" + (CallSite.find()?.let { " at $it" } ?: "")

        /** [s] in quotes, control characters escaped, as a Kotlin string literal shows it. */
        fun quoted(s: String): String = "\"${printable(s)}\""

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

/**
 * A failed await. Not copied by the coroutines' stack-trace recovery (which would wrap the
 * original as the cause of a copy and show the message twice): the message already names the
 * test line.
 */
@OptIn(ExperimentalCoroutinesApi::class)
internal class AwaitFailure(message: String) : AssertionError(message), CopyableThrowable<AwaitFailure> {
    override fun createCopy(): AwaitFailure? = null
}

/** Finds the test code that called the testkit: the first frame outside it, Kotlin and the JDK. */
internal object CallSite {
    private val walker = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
    private val ownSource = CallSite::class.java.protectionDomain?.codeSource?.location

    /** `File.kt:42` of the caller, or null when no frame qualifies. */
    fun find(): String? = walker.walk { frames ->
        frames.filter { !isLibrary(it) }.findFirst().orElse(null)
    }?.let { "${it.fileName ?: it.className}:${it.lineNumber}" }

    private fun isLibrary(frame: StackWalker.StackFrame): Boolean {
        val name = frame.className
        if (LIBRARY_PACKAGES.any { name.startsWith(it) }) return true
        val source = frame.declaringClass.protectionDomain?.codeSource?.location
        return if (ownSource != null) source == ownSource else name.startsWith("dev.telnetkit.testkit.")
    }

    private val LIBRARY_PACKAGES = listOf("kotlin.", "kotlinx.", "java.", "jdk.", "sun.", "io.kotest.", "org.junit.")
}
