package dev.telnetkit.accounts

import org.bouncycastle.crypto.generators.Argon2BytesGenerator
import org.bouncycastle.crypto.params.Argon2Parameters
import java.security.MessageDigest
import java.security.SecureRandom
import java.util.concurrent.Semaphore
import java.util.concurrent.atomic.AtomicInteger

/**
 * Hashes and checks passwords with argon2id (BouncyCastle's [Argon2BytesGenerator]), at most
 * [maxConcurrent] at a time: each holds [PasswordHashing.memoryKiB] of memory, so a flood of
 * logins waits here instead of exhausting the heap. Blocking: call it where blocking is allowed.
 */
internal class PasswordHasher(private val hashing: PasswordHashing, maxConcurrent: Int) {
    private val random = SecureRandom()
    private val permits = Semaphore(maxConcurrent, true)
    private val running = AtomicInteger()

    /** The most hashes that ran at once so far (never above maxConcurrent). */
    val peakConcurrent = AtomicInteger()

    /** A hash of a random password, checked for unknown users so they take as long as known ones. */
    private val dummy: PhcString by lazy { PhcString.parse(hash(randomPassword()))!! }

    /** A new PHC string for [password], with a fresh salt. */
    fun hash(password: String): String {
        val salt = ByteArray(SALT_BYTES).also(random::nextBytes)
        return PhcString(hashing, salt, derive(password, hashing, salt, HASH_BYTES)).format()
    }

    /** Whether [password] matches [stored] (a PHC string); false for a string that is not one. Constant-time compare. */
    fun verify(password: String, stored: String): Boolean {
        val phc = PhcString.parse(stored) ?: return false
        val computed = derive(password, phc.hashing, phc.salt, phc.hash.size)
        return MessageDigest.isEqual(computed, phc.hash)
    }

    /** Spends the time of a [verify] on the dummy hash; always false. */
    fun verifyDummy(password: String): Boolean {
        val phc = dummy
        MessageDigest.isEqual(derive(password, phc.hashing, phc.salt, phc.hash.size), phc.hash)
        return false
    }

    /** Whether [stored] was made with other costs than the current ones (then it is redone at login). */
    fun needsRehash(stored: String): Boolean = PhcString.parse(stored)?.hashing != hashing

    private fun derive(password: String, costs: PasswordHashing, salt: ByteArray, length: Int): ByteArray {
        val parameters = Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
            .withSalt(salt)
            .withMemoryAsKB(costs.memoryKiB)
            .withIterations(costs.iterations)
            .withParallelism(costs.parallelism)
            .build()
        val out = ByteArray(length)
        val bytes = password.toByteArray(Charsets.UTF_8)
        permits.acquire()
        try {
            peakConcurrent.accumulateAndGet(running.incrementAndGet()) { a, b -> maxOf(a, b) }
            Argon2BytesGenerator().apply { init(parameters) }.generateBytes(bytes, out)
        } finally {
            running.decrementAndGet()
            permits.release()
            bytes.fill(0)
        }
        return out
    }

    private fun randomPassword(): String = ByteArray(24).also(random::nextBytes).joinToString("") { "%02x".format(it) }

    private companion object {
        const val SALT_BYTES = 16
        const val HASH_BYTES = 32
    }
}
