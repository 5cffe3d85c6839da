package dev.telnetkit.web

import java.security.MessageDigest
import java.time.Duration

/**
 * Checks the admin page's credentials. It may block briefly (it runs on Ktor's I/O threads); every
 * failure counts in the server's login lockout, as failed shell logins do.
 */
public fun interface WebAdminCheck {
    /** True when [user] with [password] may use the admin page. */
    public fun check(user: String, password: String): Boolean
}

/**
 * The admin page, opt-in: served by the web endpoint's Ktor server at [path], behind its own login
 * form. It lists the server's sessions, kicks them, sends them messages and shows the server's
 * totals. See docs/web-terminal.md.
 *
 * ```java
 * WebSettings.builder().admin(WebAdminSettings.of("admin", System.getenv("ADMIN_PASSWORD"))).build();
 * ```
 *
 * @property check decides the admin's user name and password.
 * @property path where the page is (default `/admin`): an absolute path, not `/`.
 * @property loginTimeout how long an admin login lasts without a request.
 * @property refreshSeconds how often the page reloads itself while its auto-refresh is on.
 */
public class WebAdminSettings @JvmOverloads constructor(
    public val check: WebAdminCheck,
    public val path: String = "/admin",
    public val loginTimeout: Duration = Duration.ofMinutes(30),
    public val refreshSeconds: Int = 5,
) {
    init {
        require(path.startsWith("/") && path.length > 1 && !path.endsWith("/")) { "web admin path must start with / and not end with one, was '$path'" }
        require(path.all { it.isLetterOrDigit() || it in "/-_." }) { "web admin path may hold letters, digits and / - _ . only, was '$path'" }
        require(!loginTimeout.isNegative && !loginTimeout.isZero) { "web admin loginTimeout must be positive, was $loginTimeout" }
        require(refreshSeconds in 1..3600) { "web admin refreshSeconds must be in 1..3600, was $refreshSeconds" }
    }

    override fun toString(): String = "web admin at $path"

    public companion object {
        /**
         * The admin page for one [user] and [password], compared in constant time, at [path].
         */
        @JvmStatic
        @JvmOverloads
        public fun of(user: String, password: String, path: String = "/admin"): WebAdminSettings {
            require(user.isNotBlank()) { "web admin user must not be blank" }
            require(password.isNotEmpty()) { "web admin password must not be empty" }
            // The login form takes at most 256 characters of each field: a longer one could never match.
            require(user.length <= 256 && password.length <= 256) { "web admin user and password must be at most 256 characters" }
            return WebAdminSettings(ConstantTimeCheck(user, password), path)
        }
    }
}

/** Compares credentials with digests of the expected ones, so neither length nor content leaks by timing. */
internal class ConstantTimeCheck(user: String, password: String) : WebAdminCheck {
    private val userDigest = digest(user)
    private val passwordDigest = digest(password)

    override fun check(user: String, password: String): Boolean {
        // Both compared every time: no early return telling which was wrong.
        val userOk = MessageDigest.isEqual(userDigest, digest(user))
        val passwordOk = MessageDigest.isEqual(passwordDigest, digest(password))
        return userOk and passwordOk
    }

    override fun toString(): String = "ConstantTimeCheck"

    private companion object {
        fun digest(text: String): ByteArray = MessageDigest.getInstance("SHA-256").digest(text.toByteArray(Charsets.UTF_8))
    }
}
