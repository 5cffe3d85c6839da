package dev.telnetkit.web

import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * Serves a browser terminal beside Telnet, with the same commands and hooks; see [WebSettings]
 * for every setting.
 *
 * ```kotlin
 * telnetServer {
 *     web {
 *         port = 8080
 *         admin { user = "admin"; password = System.getenv("ADMIN_PASSWORD") }
 *     }
 *     command("hello") { run { writeLine("hi") } }
 * }
 * ```
 */
public fun TelnetServerScope.web(configure: WebScope.() -> Unit = {}) {
    endpoint(WebScope().apply(configure).build())
}

/** The settings of the DSL's `web { }` block: the names of [WebSettings]. */
@TelnetDsl
public class WebScope internal constructor() {
    private val defaults = WebSettings()

    /** The TCP port (default 8080; 0 picks a free one). */
    public var port: Int = defaults.port

    /** The address to bind; null (the default) for the server's. */
    public var host: String? = defaults.host

    /** Where the page is (default `/`). */
    public var path: String = defaults.path

    /** Origins besides the server's own whose pages may open a terminal (default none). */
    public var allowedOrigins: List<String> = defaults.allowedOrigins

    /** Host names requests may name besides addresses, `localhost` and the bound host (default none): see [WebSettings.allowedHosts]. */
    public var allowedHosts: List<String> = defaults.allowedHosts

    /** The largest WebSocket frame accepted (default 64 KiB); larger ones close the socket with 1009. */
    public var maxFrameBytes: Int = defaults.maxFrameBytes

    /** The page's title. */
    public var title: String = defaults.title

    /** How often an idle socket is pinged; zero: never. */
    public var pingPeriod: Duration = defaults.pingPeriod.toKotlinDuration()

    /** How long a ping may go unanswered. */
    public var pingTimeout: Duration = defaults.pingTimeout.toKotlinDuration()

    private var authenticator: WebAuthenticator = defaults.authenticator
    private var admin: WebAdminSettings? = null

    /** Who a browser is, decided before the upgrade: [WebLogin.refuse], [WebLogin.anonymous] or [WebLogin.user]. */
    public fun authenticate(check: (WebRequest) -> WebLogin) {
        authenticator = WebAuthenticator(check)
    }

    /** Turns the admin page on; see [WebAdminScope]. */
    public fun admin(configure: WebAdminScope.() -> Unit) {
        admin = WebAdminScope().apply(configure).build()
    }

    internal fun build(): WebSettings = WebSettings(
        port = port, host = host, path = path, allowedOrigins = allowedOrigins, maxFrameBytes = maxFrameBytes,
        title = title, authenticator = authenticator, admin = admin,
        pingPeriod = pingPeriod.toJavaDuration(), pingTimeout = pingTimeout.toJavaDuration(), allowedHosts = allowedHosts,
    )
}

/** The DSL's `admin { }` block inside `web { }`: [user] and [password], or a [check]. */
@TelnetDsl
public class WebAdminScope internal constructor() {
    /** The admin's user name. */
    public var user: String? = null

    /** The admin's password (compared in constant time). */
    public var password: String? = null

    /** Where the page is (default `/admin`). */
    public var path: String = "/admin"

    /** How long an admin login lasts without a request. */
    public var loginTimeout: Duration = 30.minutes

    /** How often the page reloads itself while its auto-refresh is on, in seconds. */
    public var refreshSeconds: Int = 5

    private var check: WebAdminCheck? = null

    /** Decides credentials with [check] instead of [user] and [password]. */
    public fun check(check: (user: String, password: String) -> Boolean) {
        this.check = WebAdminCheck(check)
    }

    internal fun build(): WebAdminSettings {
        val decided = check ?: run {
            val user = requireNotNull(user) { "web admin: set user and password, or check { }" }
            val password = requireNotNull(password) { "web admin: set password for user $user" }
            WebAdminSettings.of(user, password, path).check
        }
        return WebAdminSettings(decided, path, loginTimeout.toJavaDuration(), refreshSeconds)
    }
}
