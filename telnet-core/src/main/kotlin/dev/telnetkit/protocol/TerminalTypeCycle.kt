package dev.telnetkit.protocol

/**
 * The TTYPE cycle of RFC 1091: the server keeps asking `SEND` and the client answers with its
 * terminal names one by one until the list repeats.
 *
 * The cycle ends when a reply is empty, equals the first one (the client wrapped around), equals
 * the previous one (xterm-style clients repeat their last name), is a third reply starting with
 * `MTTS ` (the MUD terminal type standard: the terminal name is then the second reply), or after
 * [maxReplies] replies. Names are kept in the order received, lower-cased.
 */
internal class TerminalTypeCycle(private val maxReplies: Int) {
    private val received = ArrayList<String>(2)

    /** The names received so far, lower-cased, without repeats. */
    val names: List<String> get() = received

    /** The name to use as the terminal type: the first one, or the second under MTTS. */
    var chosen: String? = null
        private set

    var finished: Boolean = false
        private set

    /** Takes one `IS` reply; returns true if the server should ask `SEND` once more. */
    fun accept(reply: String): Boolean {
        if (finished) return false
        val name = reply.trim().lowercase()
        when {
            name.isEmpty() -> finish()
            received.isNotEmpty() && (name == received.first() || name == received.last()) -> finish()
            received.size == 2 && name.startsWith("mtts ") -> {
                received.add(name)
                finish(received[1])
            }
            else -> {
                received.add(name)
                if (received.size >= maxReplies) finish()
            }
        }
        return !finished
    }

    private fun finish(choice: String? = received.firstOrNull()) {
        finished = true
        chosen = choice
    }
}
