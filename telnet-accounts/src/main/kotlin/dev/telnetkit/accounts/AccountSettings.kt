package dev.telnetkit.accounts

import java.time.Duration

/**
 * How an account store hashes and what it accepts. Kotlin uses the constructor, Java [builder]:
 *
 * ```java
 * Accounts accounts = Accounts.sqlite(Path.of("bbs.sqlite"),
 *     AccountSettings.builder().minPasswordLength(10).maxConcurrentHashes(4).build());
 * ```
 *
 * @property hashing the argon2id cost of new hashes.
 * @property maxConcurrentHashes password hashes computed at once; more wait (each holds
 *   [PasswordHashing.memoryKiB] of memory, so this bounds what a flood of logins can take).
 * @property minPasswordLength the shortest password accepted at registration and change.
 * @property busyTimeout SQLite only: how long a write waits for another connection's write.
 * @property reservedNames names nobody may register (ignoring case); `new`, the login's registration keyword, by default.
 */
public class AccountSettings @JvmOverloads constructor(
    public val hashing: PasswordHashing = PasswordHashing(),
    public val maxConcurrentHashes: Int = 2,
    public val minPasswordLength: Int = 8,
    public val busyTimeout: Duration = Duration.ofSeconds(10),
    public val reservedNames: Set<String> = setOf("new"),
) {
    init {
        require(maxConcurrentHashes in 1..256) { "accounts maxConcurrentHashes must be in 1..256, was $maxConcurrentHashes" }
        require(minPasswordLength in 1..AccountNames.MAX_PASSWORD) { "accounts minPasswordLength must be in 1..${AccountNames.MAX_PASSWORD}, was $minPasswordLength" }
        require(!busyTimeout.isNegative && busyTimeout <= Duration.ofMinutes(10)) { "accounts busyTimeout must be in 0..10 minutes, was $busyTimeout" }
    }

    /** Builds [AccountSettings] for Java; every setting starts at the constructor's default. */
    public class Builder internal constructor() {
        private val defaults = AccountSettings()
        private var hashing = defaults.hashing
        private var maxConcurrentHashes = defaults.maxConcurrentHashes
        private var minPasswordLength = defaults.minPasswordLength
        private var busyTimeout = defaults.busyTimeout
        private var reservedNames = defaults.reservedNames

        /** The argon2id cost of new hashes (default OWASP's 19 MiB, 2 passes, 1 lane). */
        public fun hashing(hashing: PasswordHashing): Builder = apply { this.hashing = hashing }

        /** Password hashes computed at once (default 2). */
        public fun maxConcurrentHashes(hashes: Int): Builder = apply { maxConcurrentHashes = hashes }

        /** The shortest password accepted (default 8). */
        public fun minPasswordLength(length: Int): Builder = apply { minPasswordLength = length }

        /** SQLite only: how long a write waits for another one (default 10 s). */
        public fun busyTimeout(timeout: Duration): Builder = apply { busyTimeout = timeout }

        /** Names nobody may register (default `new`). */
        public fun reservedNames(names: Set<String>): Builder = apply { reservedNames = names.toSet() }

        /** The settings; throws [IllegalArgumentException] naming the setting that is wrong. */
        public fun build(): AccountSettings = AccountSettings(hashing, maxConcurrentHashes, minPasswordLength, busyTimeout, reservedNames)
    }

    public companion object {
        /** Starts settings for Java. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }
}
