package dev.telnetkit.accounts

import java.util.Base64

/**
 * An argon2id hash in the PHC string format, `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`
 * (salt and hash in Base64 without padding), as the reference argon2 tools write it.
 * Parsed and written by hand: BouncyCastle makes the hash but has no PHC codec.
 */
internal class PhcString(val hashing: PasswordHashing, val salt: ByteArray, val hash: ByteArray) {
    fun format(): String =
        "\$argon2id\$v=19\$m=${hashing.memoryKiB},t=${hashing.iterations},p=${hashing.parallelism}\$${ENCODER.encodeToString(salt)}\$${ENCODER.encodeToString(hash)}"

    companion object {
        private val ENCODER = Base64.getEncoder().withoutPadding()
        private val PATTERN = Regex("[$]argon2id[$]v=19[$]m=(\\d{1,7}),t=(\\d{1,3}),p=(\\d{1,2})[$]([A-Za-z0-9+/]{11,128})[$]([A-Za-z0-9+/]{11,128})")

        /** The parts of [text], or null when it is not an argon2id v19 PHC string we can check. */
        fun parse(text: String): PhcString? {
            val match = PATTERN.matchEntire(text) ?: return null
            val (m, t, p, salt, hash) = match.destructured
            val hashing = runCatching { PasswordHashing(m.toInt(), t.toInt(), p.toInt()) }.getOrNull() ?: return null
            val decoder = Base64.getDecoder()
            return runCatching { PhcString(hashing, decoder.decode(salt), decoder.decode(hash)) }.getOrNull()
        }
    }
}
