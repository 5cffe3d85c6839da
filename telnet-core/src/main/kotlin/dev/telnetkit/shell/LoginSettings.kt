package dev.telnetkit.shell

import java.time.Duration

/**
 * The login prompts of a shell: which to ask, how to check, and the bounds on trying.
 *
 * @property askUsername show `Username: ` (the answer becomes `TelnetSession.username`).
 * @property askPassword show `Password: `, read with echo off and never kept in history or logs.
 * @property authenticator decides each attempt.
 * @property maxAttempts failed attempts before the connection is closed.
 * @property failureDelay the wait after the first failure; it grows by this much with each one.
 * @property timeout the whole login must finish within this; then the connection is closed.
 * @property lockoutThreshold failed logins from one remote address, within [lockoutWindow], that
 *   lock the address out for [lockoutDuration]; every failure from the address also lengthens the
 *   delay after the next one.
 */
public class LoginSettings @JvmOverloads constructor(
    public val authenticator: Authenticator,
    public val askUsername: Boolean = true,
    public val askPassword: Boolean = true,
    public val maxAttempts: Int = 3,
    public val failureDelay: Duration = Duration.ofSeconds(1),
    public val timeout: Duration = Duration.ofSeconds(60),
    public val usernamePrompt: String = "Username: ",
    public val passwordPrompt: String = "Password: ",
    public val lockoutThreshold: Int = 10,
    public val lockoutWindow: Duration = Duration.ofMinutes(10),
    public val lockoutDuration: Duration = Duration.ofMinutes(5),
) {
    init {
        require(askUsername || askPassword) { "login: ask for a username, a password or both" }
        require(maxAttempts in 1..100) { "login maxAttempts must be in 1..100, was $maxAttempts" }
        require(!failureDelay.isNegative && failureDelay <= Duration.ofMinutes(1)) { "login failureDelay must be in 0..60 s, was $failureDelay" }
        require(!timeout.isNegative && !timeout.isZero) { "login timeout must be positive, was $timeout" }
        require(lockoutThreshold >= 1) { "login lockoutThreshold must be at least 1, was $lockoutThreshold" }
        require(!lockoutWindow.isNegative && !lockoutDuration.isNegative) { "login lockout durations must not be negative" }
    }

    /** Failed logins per address, shared by every session using these settings. */
    internal val throttle = LoginThrottle(lockoutThreshold, lockoutWindow.toMillis(), lockoutDuration.toMillis())
}
