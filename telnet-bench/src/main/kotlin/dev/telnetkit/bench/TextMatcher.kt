package dev.telnetkit.bench

/** What every session of a driver looks for: the prompt, and the current broadcast marker if any. */
class MatchTargets(prompt: String) {
    /** The prompt; the text "has reached the prompt" when it ends with these bytes. */
    val prompt: ByteArray = prompt.toByteArray(Charsets.UTF_8)

    /** The broadcast marker being waited for, or null. */
    var marker: ByteArray? = null

    init {
        require(this.prompt.isNotEmpty()) { "the prompt must not be empty" }
    }
}

/** Told when a session's text reaches something a scenario waits for. */
interface MatchListener {
    /** The text of [session] now ends with the prompt. */
    fun onPrompt(session: BenchSession)

    /** The text of [session] now ends with the broadcast marker. */
    fun onMarker(session: BenchSession)
}

/**
 * Watches the plain text of one session (after [TelnetClientFilter]) line by line: CR and LF
 * end a line. Reports a prompt when the current line ends with [MatchTargets.prompt], the marker
 * likewise, and notes when a whole line equals the expected [payload] (the echo reply).
 */
class TextMatcher(private val targets: MatchTargets, private val listener: MatchListener) {
    /** The session this matcher belongs to. */
    lateinit var session: BenchSession

    private val line = ByteArray(LINE_CAPACITY)
    private var length = 0
    private var overflowed = false

    /** The echo payload expected as a line of its own, or null. */
    var payload: ByteArray? = null

    /** True once a line equal to [payload] has arrived since [expect]. */
    var sawPayload: Boolean = false
        private set

    /** Waits for [payload] from now on and forgets the current line. */
    fun expect(payload: ByteArray?) {
        this.payload = payload
        sawPayload = false
        clearLine()
    }

    /** Forgets the current line (text already matched must not match again). */
    fun clearLine() {
        length = 0
        overflowed = false
    }

    /** One byte of text. */
    fun accept(b: Int) {
        if (b == CR || b == LF) {
            val expected = payload
            if (expected != null && !overflowed && length == expected.size && regionEquals(expected, 0)) sawPayload = true
            clearLine()
            return
        }
        if (length == line.size) {
            System.arraycopy(line, line.size - KEEP_ON_OVERFLOW, line, 0, KEEP_ON_OVERFLOW)
            length = KEEP_ON_OVERFLOW
            overflowed = true
        }
        line[length++] = b.toByte()
        val prompt = targets.prompt
        if (b == (prompt[prompt.size - 1].toInt() and 0xFF) && endsWith(prompt)) listener.onPrompt(session)
        val marker = targets.marker
        if (marker != null && b == (marker[marker.size - 1].toInt() and 0xFF) && endsWith(marker)) listener.onMarker(session)
    }

    private fun endsWith(bytes: ByteArray): Boolean = length >= bytes.size && regionEquals(bytes, length - bytes.size)

    private fun regionEquals(bytes: ByteArray, from: Int): Boolean {
        for (k in bytes.indices) if (line[from + k] != bytes[k]) return false
        return true
    }

    private companion object {
        const val CR = 13
        const val LF = 10
        const val LINE_CAPACITY = 512
        const val KEEP_ON_OVERFLOW = 256
    }
}
