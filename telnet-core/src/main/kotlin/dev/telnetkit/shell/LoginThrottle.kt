package dev.telnetkit.shell

import dev.telnetkit.session.SessionEvents
import kotlinx.coroutines.delay
import java.util.concurrent.ConcurrentHashMap

/**
 * Failed logins per remote address, shared by every session of a shell: each failure slows the
 * next attempt from that address, and [threshold] failures within [windowMillis] lock the address
 * out for [lockoutMillis].
 *
 * The rules that keep it from being walked around: a lockout is checked before every attempt (not
 * once per connection), so sessions opened in parallel stop together; a successful login from the
 * address clears neither its failures nor its lockout (a shared address, or one good account, must
 * not reset an attacker's count: failures age out with the window); and when [maxAddresses] are
 * tracked, records that no longer matter go first, then the oldest unlocked ones, and a locked
 * address is dropped only when every tracked address is locked.
 */
internal class LoginThrottle(
    private val threshold: Int,
    private val windowMillis: Long,
    private val lockoutMillis: Long,
    private val maxAddresses: Int = 10_000,
    private val clock: () -> Long = System::currentTimeMillis,
) : LoginLockout {
    /** Told of every lockout this throttle decides (set by the server that uses it). */
    @Volatile var events: SessionEvents? = null

    private class Record(var failures: Int, var firstFailure: Long, var lockedUntil: Long, var inFlight: Int = 0)

    /** What [begin] decided for an attempt. */
    enum class Attempt {
        /** The address is locked out: refuse. */
        LOCKED,

        /** Attempts under way from the address could still lock it: ask again shortly. */
        WAIT,

        /** Go ahead; report the outcome with [finish]. */
        GO,
    }

    /**
     * Starts an attempt from [address] unless it is locked, or unless the attempts already under way
     * from it could reach [threshold] if they all failed: sessions running in parallel (on several
     * threads) then wait for those outcomes instead of all asking the authenticator at once.
     */
    fun begin(address: String): Attempt {
        if (records.size >= maxAddresses && !records.containsKey(address)) evict()
        val r = records.computeIfAbsent(address) { Record(0, clock(), 0) }
        synchronized(r) {
            val now = clock()
            if (r.lockedUntil > now) return Attempt.LOCKED
            val recent = if (now - r.firstFailure > windowMillis) 0 else r.failures
            if (recent + r.inFlight >= threshold) return Attempt.WAIT
            r.inFlight++
            return Attempt.GO
        }
    }

    /** Ends an attempt [begin] let go; records a failure unless [succeeded]. True if the address is locked out now. */
    fun finish(address: String, succeeded: Boolean): Boolean {
        val r = records[address] ?: return if (succeeded) false else failed(address)
        // One step under the record's lock: were the attempt's end and its failure two, a session
        // starting between them would see neither in flight nor counted, and ask once too often.
        val outcome = synchronized(r) {
            if (r.inFlight > 0) r.inFlight--
            if (succeeded) return false
            recordFailure(r)
        }
        return locked(address, outcome)
    }

    private val records = ConcurrentHashMap<String, Record>()

    override suspend fun attempt(address: String, check: suspend () -> Boolean): LoginLockout.Outcome {
        while (true) {
            when (begin(address)) {
                Attempt.GO -> break
                Attempt.LOCKED -> return LoginLockout.Outcome.LOCKED_OUT
                Attempt.WAIT -> delay(ATTEMPT_POLL_MILLIS)
            }
        }
        var accepted = false
        try {
            accepted = check()
        } finally {
            // A check that threw, or was cancelled, counts as a failure.
            finish(address, accepted)
        }
        return if (accepted) LoginLockout.Outcome.ACCEPTED else LoginLockout.Outcome.REJECTED
    }

    /** Addresses tracked now (at most [maxAddresses]). */
    val size: Int get() = records.size

    /** Milliseconds until [address] may try again, or 0 if it may now. */
    override fun lockedFor(address: String): Long {
        val r = records[address] ?: return 0
        synchronized(r) { return (r.lockedUntil - clock()).coerceAtLeast(0) }
    }

    /** Recent failures from [address], within the window. */
    fun failures(address: String): Int {
        val r = records[address] ?: return 0
        synchronized(r) { return if (clock() - r.firstFailure > windowMillis) 0 else r.failures }
    }

    /** Records a failure; true if the address is locked out now (by this failure or an earlier one). */
    fun failed(address: String): Boolean {
        if (records.size >= maxAddresses && !records.containsKey(address)) evict()
        val r = records.computeIfAbsent(address) { Record(0, clock(), 0) }
        return locked(address, synchronized(r) { recordFailure(r) })
    }

    /** True if [outcome] (of [recordFailure]) leaves [address] locked; a new lockout is reported, outside the record's lock. */
    private fun locked(address: String, outcome: Int): Boolean {
        if (outcome == NEWLY_LOCKED) events?.lockedOut(address)
        return outcome != NOT_LOCKED
    }

    /**
     * Counts a failure on [r], whose lock the caller holds: [NOT_LOCKED], [LOCKED] (already) or
     * [NEWLY_LOCKED] (by this failure).
     */
    private fun recordFailure(r: Record): Int {
        val now = clock()
        if (r.lockedUntil > now) return LOCKED
        if (now - r.firstFailure > windowMillis) { r.failures = 0; r.firstFailure = now }
        r.failures++
        if (r.failures >= threshold) {
            r.lockedUntil = now + lockoutMillis
            // A new count starts when the lockout ends.
            r.failures = 0
            r.firstFailure = r.lockedUntil
            return NEWLY_LOCKED
        }
        return NOT_LOCKED
    }

    private fun evict() {
        val now = clock()
        records.entries.removeIf { (_, r) -> synchronized(r) { r.inFlight == 0 && r.lockedUntil <= now && now - r.firstFailure > windowMillis } }
        if (records.size < maxAddresses) return
        val victim = records.entries.filter { synchronized(it.value) { it.value.lockedUntil <= now } }.minByOrNull { it.value.firstFailure }
            ?: records.entries.minByOrNull { it.value.lockedUntil }
        victim?.let { records.remove(it.key) }
    }

    private companion object {
        const val ATTEMPT_POLL_MILLIS = 20L
        const val NOT_LOCKED = 0
        const val LOCKED = 1
        const val NEWLY_LOCKED = 2
    }
}
