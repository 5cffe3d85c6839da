package dev.telnetkit.chat

/**
 * One room: its members, in the order they joined, and its last [historySize] lines. Not
 * thread-safe: [ChatRooms] guards it.
 */
internal class ChatRoom(val name: String, private val historySize: Int, val permanent: Boolean) {
    val members = LinkedHashSet<ChatMember>()
    private val history = ArrayDeque<String>()

    /** Keeps [line] in the history, forgetting the oldest beyond [historySize]. */
    fun remember(line: String) {
        if (historySize == 0) return
        if (history.size >= historySize) history.removeFirst()
        history.addLast(line)
    }

    /** The history, oldest first. */
    fun recent(): List<String> = history.toList()
}
