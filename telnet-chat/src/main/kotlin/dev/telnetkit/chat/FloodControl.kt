package dev.telnetkit.chat

/**
 * A token bucket for one user's messages: [burst] at once, then one more every [refillNanos].
 * Pure: the caller passes the time (System.nanoTime), so tests need no clock. Not thread-safe: its
 * owner ([ChatRooms]) guards it.
 */
internal class FloodControl(private val burst: Int, private val refillNanos: Long, now: Long) {
    private var tokens = burst.toDouble()
    private var last = now

    init {
        require(burst >= 1) { "burst must be at least 1, was $burst" }
        require(refillNanos > 0) { "refill interval must be positive" }
    }

    /** Takes one token at [now]; false when the user sends too fast (nothing is taken then). */
    fun tryTake(now: Long): Boolean {
        val elapsed = now - last
        if (elapsed > 0) {
            tokens = minOf(burst.toDouble(), tokens + elapsed.toDouble() / refillNanos)
            last = now
        }
        if (tokens < 1.0) return false
        tokens -= 1.0
        return true
    }
}
