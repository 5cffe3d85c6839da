package dev.telnetkit.terminal

/**
 * The lines a session's user entered, oldest first, for Up/Down and Ctrl-R. Bounded: beyond
 * [maxSize] the oldest entries go. A line equal to the newest entry is kept once; blank lines are
 * not kept. Thread-safe: handlers may read and edit it while the user types.
 */
public class History @JvmOverloads constructor(
    /** The most entries kept. */
    public val maxSize: Int = DEFAULT_MAX_SIZE,
) {
    init {
        require(maxSize in 0..100_000) { "history maxSize must be in 0..100000, was $maxSize" }
    }

    // Made with the first entry (a session that has entered nothing keeps no list); guarded by lock.
    private var lines: ArrayList<String>? = null
    private val lock: Any get() = this

    /** A snapshot of the entries, oldest first. */
    public val entries: List<String> get() = synchronized(lock) { lines?.toList() ?: emptyList() }

    /** How many entries there are. */
    public val size: Int get() = synchronized(lock) { lines?.size ?: 0 }

    /** Adds [line] as the newest entry, unless it is blank or repeats the newest entry. */
    public fun add(line: String) {
        if (line.isBlank() || maxSize == 0) return
        synchronized(lock) {
            val lines = lines ?: ArrayList<String>().also { lines = it }
            if (lines.lastOrNull() == line) return
            lines.add(line)
            while (lines.size > maxSize) lines.removeAt(0)
        }
    }

    /** The entry at [index] (0 is the oldest), or null. */
    public operator fun get(index: Int): String? = synchronized(lock) { lines?.getOrNull(index) }

    /** Removes the entry at [index]; returns it, or null if there was none. */
    public fun removeAt(index: Int): String? = synchronized(lock) {
        val lines = lines
        if (lines != null && index in lines.indices) lines.removeAt(index) else null
    }

    /** Removes every entry. */
    public fun clear(): Unit = synchronized(lock) { lines?.clear() }

    public companion object {
        /** The default number of entries kept. */
        public const val DEFAULT_MAX_SIZE: Int = 500
    }
}
