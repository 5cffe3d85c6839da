package dev.telnetkit.web

import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.transport.Transport
import java.time.Duration

/**
 * A browser terminal for a TelnetKit server: a Ktor (CIO) server that serves a page with xterm.js
 * at [path] and connects it over a WebSocket to the same handler as the Telnet port (commands,
 * login, messages, `broadcast`, limits). The page and its scripts are served by the server itself,
 * so it works with no internet. Kotlin declares it in the DSL's `web { }` block; Java builds it
 * with [builder] and passes it to `TelnetServerBuilder.endpoint`:
 *
 * ```java
 * TelnetServer.builder()
 *     .endpoint(WebSettings.builder().port(8080).build())
 * ```
 *
 * The WebSocket is at `<path>ws` (`/ws` by default); what goes over it is described in
 * docs/web-terminal.md: binary frames carry the terminal's bytes both ways, text frames from the
 * page are JSON control messages (`{"type":"resize","cols":80,"rows":24}`).
 *
 * @property port the TCP port (default 8080; 0 picks a free one: `TelnetServer.portOf("web")`).
 * @property host the address to bind, or null for the server's.
 * @property path where the page is (default `/`); the WebSocket is at `<path>ws` and the scripts at `<path>assets/`.
 * @property allowedOrigins origins (`https://example.com`) whose pages may open a terminal besides
 *   the server's own; empty (the default): the same origin only. A request without an `Origin`
 *   header (not from a browser) is let in; one from another origin is refused with 403.
 * @property maxFrameBytes the largest WebSocket frame accepted; a larger one closes that socket
 *   with status 1009 (the session ends, nothing else).
 * @property title the page's title.
 * @property authenticator who a browser is, decided before the upgrade (default: anonymous, so
 *   the shell's own login runs, as over Telnet).
 * @property admin the admin page, or null (the default) for none.
 * @property pingPeriod how often the server pings an idle socket; zero for never.
 * @property pingTimeout how long a ping may go unanswered before the socket is closed.
 * @property allowedHosts host names (`shell.example.com`) that requests may name in their `Host`
 *   header, besides IP addresses, `localhost`, the bound host and the hosts of [allowedOrigins].
 *   Any other name is refused with 403: a page whose name was re-pointed at this server (DNS
 *   rebinding) cannot reach the terminal or the admin page from a visitor's browser. Behind a
 *   proxy or under a DNS name, list the names users type.
 */
public class WebSettings @JvmOverloads constructor(
    override val port: Int = 8080,
    override val host: String? = null,
    public val path: String = "/",
    public val allowedOrigins: List<String> = emptyList(),
    public val maxFrameBytes: Int = 64 * 1024,
    public val title: String = "TelnetKit",
    public val authenticator: WebAuthenticator = WebAuthenticator.ANONYMOUS,
    public val admin: WebAdminSettings? = null,
    public val pingPeriod: Duration = Duration.ofSeconds(30),
    public val pingTimeout: Duration = Duration.ofSeconds(15),
    public val allowedHosts: List<String> = emptyList(),
) : ServerEndpoint {
    init {
        require(port in 0..65535) { "web port must be in 0..65535, was $port" }
        require(host == null || host.isNotBlank()) { "web host must not be blank" }
        require(path.startsWith("/")) { "web path must start with /, was '$path'" }
        require(path.all { it.isLetterOrDigit() || it in "/-_." }) { "web path may hold letters, digits and / - _ . only, was '$path'" }
        require(maxFrameBytes in 1024..(16 shl 20)) { "web maxFrameBytes must be in 1024..16777216, was $maxFrameBytes" }
        require(!pingPeriod.isNegative) { "web pingPeriod must not be negative, was $pingPeriod" }
        require(!pingTimeout.isNegative && !pingTimeout.isZero) { "web pingTimeout must be positive, was $pingTimeout" }
        for (name in allowedHosts) {
            require(name.isNotBlank() && name.length <= 253 && name.none { it.isWhitespace() || it in "/:@" }) {
                "web allowedHosts: '$name' is not a host name such as shell.example.com"
            }
        }
        for (origin in allowedOrigins) {
            require(Origins.parse(origin) != null) { "web allowedOrigins: '$origin' is not an origin such as https://example.com" }
        }
        if (admin != null) {
            require(!admin.path.startsWith(base) || base == "/") { "web admin path ${admin.path} must not be under the page's path $path" }
            require(admin.path != base + "ws" && !admin.path.startsWith(base + "assets")) { "web admin path ${admin.path} clashes with the page's" }
        }
    }

    /** The page's path ending in `/`: the base of the WebSocket and the assets. */
    internal val base: String get() = if (path.endsWith("/")) path else "$path/"

    /** The web transport these settings describe. */
    override val transport: Transport by lazy { WebTransport(this) }

    override fun toString(): String = "web on ${host ?: "the server's host"}:$port$path"

    /**
     * Builds [WebSettings] step by step, for Java; every setting starts at the constructor's default.
     * Obtained from [WebSettings.builder].
     */
    public class Builder internal constructor() {
        private var port = 8080
        private var host: String? = null
        private var path = "/"
        private var allowedOrigins: List<String> = emptyList()
        private var maxFrameBytes = 64 * 1024
        private var title = "TelnetKit"
        private var authenticator = WebAuthenticator.ANONYMOUS
        private var admin: WebAdminSettings? = null
        private var pingPeriod: Duration = Duration.ofSeconds(30)
        private var pingTimeout: Duration = Duration.ofSeconds(15)
        private var allowedHosts: List<String> = emptyList()

        /** The TCP port (default 8080; 0 picks a free one). */
        public fun port(port: Int): Builder = apply { this.port = port }

        /** The address to bind (default: the server's). */
        public fun host(host: String?): Builder = apply { this.host = host }

        /** Where the page is (default `/`). */
        public fun path(path: String): Builder = apply { this.path = path }

        /** Origins besides the server's own whose pages may open a terminal (default none). */
        public fun allowedOrigins(origins: List<String>): Builder = apply { allowedOrigins = origins.toList() }

        /** The largest WebSocket frame accepted (default 64 KiB). */
        public fun maxFrameBytes(bytes: Int): Builder = apply { maxFrameBytes = bytes }

        /** The page's title (default `TelnetKit`). */
        public fun title(title: String): Builder = apply { this.title = title }

        /** Who a browser is (default: anonymous; the shell's login runs). */
        public fun authenticator(authenticator: WebAuthenticator): Builder = apply { this.authenticator = authenticator }

        /** The admin page (default none). */
        public fun admin(admin: WebAdminSettings?): Builder = apply { this.admin = admin }

        /** How often an idle socket is pinged (default 30 s; zero: never). */
        public fun pingPeriod(period: Duration): Builder = apply { pingPeriod = period }

        /** How long a ping may go unanswered (default 15 s). */
        public fun pingTimeout(timeout: Duration): Builder = apply { pingTimeout = timeout }

        /** Host names requests may name besides addresses, `localhost` and the bound host (default none). */
        public fun allowedHosts(hosts: List<String>): Builder = apply { allowedHosts = hosts.toList() }

        /** The settings; throws [IllegalArgumentException] naming the setting that is wrong. */
        public fun build(): WebSettings = WebSettings(
            port, host, path, allowedOrigins, maxFrameBytes, title, authenticator, admin, pingPeriod, pingTimeout, allowedHosts,
        )
    }

    public companion object {
        /** Starts web settings for Java; see [Builder]. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }
}
