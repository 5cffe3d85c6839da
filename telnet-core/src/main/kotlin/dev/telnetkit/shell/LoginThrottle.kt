package dev.telnetkit.shell

import java.util.concurrent.ConcurrentHashMap

/**
 * Failed logins per remote address, shared by every session of a shell: each failure slows the
 * next attempt from that address, and [threshold] failures within [windowMillis] lock the address
 * out for [lockoutMillis]. Bounded: at most [maxAddresses] addresses are tracked, oldest dropped.
 */
internal class LoginThrottle(
    private val threshold: Int,
    private val windowMillis: Long,
    private val lockoutMillis: Long,
    private val maxAddresses: Int = 10_000,
    private val clock: () -> Long = System::currentTimeMillis,
) {
    private class Record(var failures: Int, var firstFailure: Long, var lockedUntil: Long)

    private val records = ConcurrentHashMap<String, Record>()

    /** Milliseconds until [address] may try again, or 0 if it may now. */
    fun lockedFor(address: String): Long {
        val r = records[address] ?: return 0
        synchronized(r) { return (r.lockedUntil - clock()).coerceAtLeast(0) }
    }

    /** Recent failures from [address], within the window. */
    fun failures(address: String): Int {
        val r = records[address] ?: return 0
        synchronized(r) { return if (clock() - r.firstFailure > windowMillis) 0 else r.failures }
    }

    /** Records a failure; true if it locked the address out. */
    fun failed(address: String): Boolean {
        if (records.size >= maxAddresses && !records.containsKey(address)) evictOldest()
        val r = records.computeIfAbsent(address) { Record(0, clock(), 0) }
        synchronized(r) {
            val now = clock()
            if (now - r.firstFailure > windowMillis) { r.failures = 0; r.firstFailure = now }
            r.failures++
            if (r.failures >= threshold) {
                r.lockedUntil = now + lockoutMillis
                r.failures = 0
                r.firstFailure = now
                return true
            }
            return false
        }
    }

    /** A success clears the address's failures. */
    fun succeeded(address: String) {
        records.remove(address)
    }

    private fun evictOldest() {
        val now = clock()
        records.entries.removeIf { (_, r) -> synchronized(r) { r.lockedUntil < now && now - r.firstFailure > windowMillis } }
        if (records.size >= maxAddresses) records.entries.minByOrNull { it.value.firstFailure }?.let { records.remove(it.key) }
    }
}
