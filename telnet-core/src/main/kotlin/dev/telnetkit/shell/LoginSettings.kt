package dev.telnetkit.shell

import java.time.Duration

/**
 * The login prompts of a shell: which to ask, how to check, and the bounds on trying.
 *
 * Kotlin passes a suspending [Authenticator] to the constructor; Java starts from [builder] with a
 * blocking check:
 *
 * ```java
 * LoginSettings login = LoginSettings.builder((session, user, password) -> directory.check(user, password))
 *     .maxAttempts(5)
 *     .timeout(Duration.ofSeconds(30))
 *     .lockoutThreshold(20)
 *     .usernamePrompt("login: ")
 *     .build();
 * TelnetServer.builder().login(login);
 * ```
 *
 * @property askUsername show `Username: ` (the answer becomes `Session.username`).
 * @property askPassword show `Password: `, read with echo off and never kept in history or logs.
 * @property authenticator decides each attempt.
 * @property usernamePrompt the prompt for the user name.
 * @property passwordPrompt the prompt for the password.
 * @property maxAttempts failed attempts before the connection is closed.
 * @property failureDelay the wait after the first failure; it grows by this much with each one.
 * @property timeout the whole login must finish within this; then the connection is closed.
 * @property lockoutThreshold failed logins from one remote address, within [lockoutWindow], that
 *   lock the address out for [lockoutDuration]; every failure from the address also lengthens the
 *   delay after the next one.
 * @property lockoutWindow how far back failures from one address count towards [lockoutThreshold].
 * @property lockoutDuration how long a locked-out address is refused.
 * @property registration signs up a new user when the typed user name is [registrationKeyword];
 *   null (the default) for no sign-up at the login prompt.
 * @property registrationKeyword the user name that starts [registration] (compared ignoring case).
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
    public val registration: Registration? = null,
    public val registrationKeyword: String = "new",
) {
    init {
        require(askUsername || askPassword) { "login: ask for a username, a password or both" }
        require(maxAttempts in 1..100) { "login maxAttempts must be in 1..100, was $maxAttempts" }
        require(!failureDelay.isNegative && failureDelay <= Duration.ofMinutes(1)) { "login failureDelay must be in 0..60 s, was $failureDelay" }
        require(!timeout.isNegative && !timeout.isZero) { "login timeout must be positive, was $timeout" }
        require(lockoutThreshold >= 1) { "login lockoutThreshold must be at least 1, was $lockoutThreshold" }
        require(!lockoutWindow.isNegative && !lockoutDuration.isNegative) { "login lockout durations must not be negative" }
        require(registrationKeyword.isNotBlank()) { "login registrationKeyword must not be blank" }
        require(registration == null || askUsername) { "login registration needs askUsername: the keyword is typed at the user name prompt" }
    }

    /** Failed logins per address, shared by every session using these settings. */
    internal val throttle = LoginThrottle(lockoutThreshold, lockoutWindow.toMillis(), lockoutDuration.toMillis())

    /**
     * Builds [LoginSettings] step by step, for Java; every setting starts at the constructor's
     * default. Obtained from [LoginSettings.builder].
     */
    public class Builder internal constructor(private val authenticator: Authenticator) {
        // Every setting starts at the constructor's default.
        private val defaults = LoginSettings(authenticator)
        private var askUsername = defaults.askUsername
        private var askPassword = defaults.askPassword
        private var maxAttempts = defaults.maxAttempts
        private var failureDelay: Duration = defaults.failureDelay
        private var timeout: Duration = defaults.timeout
        private var usernamePrompt = defaults.usernamePrompt
        private var passwordPrompt = defaults.passwordPrompt
        private var lockoutThreshold = defaults.lockoutThreshold
        private var lockoutWindow: Duration = defaults.lockoutWindow
        private var lockoutDuration: Duration = defaults.lockoutDuration
        private var registration: Registration? = null
        private var registrationKeyword = defaults.registrationKeyword

        /** Whether to ask for a user name (default true). */
        public fun askUsername(ask: Boolean): Builder = apply { askUsername = ask }

        /** Whether to ask for a password (default true). */
        public fun askPassword(ask: Boolean): Builder = apply { askPassword = ask }

        /** Failed attempts before the connection is closed (default 3). */
        public fun maxAttempts(attempts: Int): Builder = apply { maxAttempts = attempts }

        /** The wait after the first failure, growing by this much with each one (default 1 s). */
        public fun failureDelay(delay: Duration): Builder = apply { failureDelay = delay }

        /** The time the whole login may take (default 60 s). */
        public fun timeout(timeout: Duration): Builder = apply { this.timeout = timeout }

        /** The prompt for the user name (default `Username: `). */
        public fun usernamePrompt(prompt: String): Builder = apply { usernamePrompt = prompt }

        /** The prompt for the password (default `Password: `). */
        public fun passwordPrompt(prompt: String): Builder = apply { passwordPrompt = prompt }

        /** Failed logins from one address, within the lockout window, that lock it out (default 10). */
        public fun lockoutThreshold(failures: Int): Builder = apply { lockoutThreshold = failures }

        /** How far back failures from one address count (default 10 minutes). */
        public fun lockoutWindow(window: Duration): Builder = apply { lockoutWindow = window }

        /** How long a locked-out address is refused (default 5 minutes). */
        public fun lockoutDuration(duration: Duration): Builder = apply { lockoutDuration = duration }

        /** Signs up new users who type the registration keyword as their user name (default none). */
        public fun registration(registration: Registration?): Builder = apply { this.registration = registration }

        /** The user name that starts the registration (default `new`). */
        public fun registrationKeyword(keyword: String): Builder = apply { registrationKeyword = keyword }

        /** The settings; throws [IllegalArgumentException] naming the setting that is wrong. */
        public fun build(): LoginSettings = LoginSettings(
            authenticator, askUsername, askPassword, maxAttempts, failureDelay, timeout,
            usernamePrompt, passwordPrompt, lockoutThreshold, lockoutWindow, lockoutDuration,
            registration, registrationKeyword,
        )
    }

    public companion object {
        /** Starts login settings for Java around a blocking [authenticator]; see [Authenticator.blocking]. */
        @JvmStatic
        public fun builder(authenticator: BlockingAuthenticator): Builder = Builder(Authenticator.blocking(authenticator))
    }
}
