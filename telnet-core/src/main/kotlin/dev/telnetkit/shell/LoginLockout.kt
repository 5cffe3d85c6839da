package dev.telnetkit.shell

import dev.telnetkit.annotations.EngineApi

/**
 * The per-address lockout of failed logins, as a transport that authenticates users itself (SSH)
 * shares it with the shell's login: failures there and here count together, and an address locked
 * out by either is refused by both. The server hands it to transports in `ListenContext`.
 */
@EngineApi
public interface LoginLockout {
    /** What [attempt] found. */
    public enum class Outcome {
        /** The check accepted the credentials. */
        ACCEPTED,

        /** The check refused them; the failure was counted. */
        REJECTED,

        /** The address is locked out: the check was not asked. */
        LOCKED_OUT,
    }

    /**
     * Runs one login attempt from [address] through [check], unless the address is locked out.
     * A refusal, a failure of the check and a cancellation all count as failed attempts. Suspends
     * briefly while attempts already under way from the address could lock it out.
     */
    public suspend fun attempt(address: String, check: suspend () -> Boolean): Outcome

    /** Milliseconds until [address] may try again; 0 when it may now. */
    public fun lockedFor(address: String): Long
}
