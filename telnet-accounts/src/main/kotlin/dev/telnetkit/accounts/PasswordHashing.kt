package dev.telnetkit.accounts

/**
 * The argon2id cost of new password hashes. Each stored hash records its own cost (a PHC string),
 * so these can change at any time: a hash made with other values is still checked, and redone
 * with these at the user's next successful login.
 *
 * The defaults are OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane): about a quarter of a
 * second per hash on a small server. Each hash in progress holds [memoryKiB] of memory; see
 * [AccountSettings.maxConcurrentHashes].
 *
 * @property memoryKiB memory per hash, in KiB (at least 8 × [parallelism]).
 * @property iterations passes over the memory.
 * @property parallelism lanes.
 */
public class PasswordHashing @JvmOverloads constructor(
    public val memoryKiB: Int = 19_456,
    public val iterations: Int = 2,
    public val parallelism: Int = 1,
) {
    init {
        require(parallelism in 1..16) { "password hashing parallelism must be in 1..16, was $parallelism" }
        require(memoryKiB >= 8 * parallelism && memoryKiB <= 4 * 1024 * 1024) {
            "password hashing memoryKiB must be in ${8 * parallelism}..${4 * 1024 * 1024}, was $memoryKiB"
        }
        require(iterations in 1..100) { "password hashing iterations must be in 1..100, was $iterations" }
    }

    override fun equals(other: Any?): Boolean =
        other is PasswordHashing && memoryKiB == other.memoryKiB && iterations == other.iterations && parallelism == other.parallelism

    override fun hashCode(): Int = (memoryKiB * 31 + iterations) * 31 + parallelism

    override fun toString(): String = "PasswordHashing(m=$memoryKiB, t=$iterations, p=$parallelism)"
}
