package dev.telnetkit.web

/**
 * Decides, before the WebSocket is upgraded, who a browser is: from its cookies, a token in the
 * query or a header (set by a proxy that logged the user in). It may block briefly (it runs on
 * Ktor's I/O threads, so keep it quick, or cache).
 *
 * ```java
 * WebSettings.builder()
 *     .authenticator(request -> {
 *         String token = request.cookie("token");
 *         String user = token == null ? null : tokens.userOf(token);
 *         return user == null ? WebLogin.refuse(401) : WebLogin.user(user);
 *     })
 *     .build();
 * ```
 */
public fun interface WebAuthenticator {
    /** What [request] may do: be refused, log in through the shell ([WebLogin.anonymous]), or be a user. */
    public fun authenticate(request: WebRequest): WebLogin

    public companion object {
        /** Lets every browser in without a name: the shell's own login runs, as over Telnet (the default). */
        @JvmField
        public val ANONYMOUS: WebAuthenticator = WebAuthenticator { WebLogin.anonymous() }
    }
}

/**
 * The HTTP request that asks to open a browser terminal, as a [WebAuthenticator] sees it. Names of
 * headers are lower-case; every value comes from the client and is untrusted.
 *
 * @property headers the request's headers by lower-case name.
 * @property cookies the request's cookies by name.
 * @property queryParameters the query parameters by name.
 * @property remoteAddress the client's address and port, such as `127.0.0.1:53412`.
 * @property remoteHost the client's address without the port.
 */
public class WebRequest internal constructor(
    public val headers: Map<String, List<String>>,
    public val cookies: Map<String, String>,
    public val queryParameters: Map<String, List<String>>,
    public val remoteAddress: String,
    public val remoteHost: String,
) {
    /** The first value of header [name] (any case), or null. */
    public fun header(name: String): String? = headers[name.lowercase()]?.firstOrNull()

    /** The value of cookie [name], or null. */
    public fun cookie(name: String): String? = cookies[name]

    /** The first value of query parameter [name], or null. */
    public fun query(name: String): String? = queryParameters[name]?.firstOrNull()

    override fun toString(): String = "WebRequest(from $remoteAddress)"
}

/** What a [WebAuthenticator] decided; made with [refuse], [anonymous] or [user]. */
public sealed class WebLogin {
    /** Refused before the upgrade with HTTP [status] (401 or 403). */
    public class Refused internal constructor(public val status: Int) : WebLogin() {
        override fun toString(): String = "Refused($status)"
    }

    /** Let in without a name: the shell's own login runs. */
    public object Anonymous : WebLogin() {
        override fun toString(): String = "Anonymous"
    }

    /** Let in as [name]: the session's user, so the shell's login is skipped. */
    public class User internal constructor(public val name: String) : WebLogin() {
        override fun toString(): String = "User($name)"
    }

    public companion object {
        /** Refuses with HTTP [status], 401 (who are you?) or 403 (not you; the default). */
        @JvmStatic
        @JvmOverloads
        public fun refuse(status: Int = 403): WebLogin {
            require(status == 401 || status == 403) { "web login refusal must be 401 or 403, was $status" }
            return Refused(status)
        }

        /** Lets the browser in without a name: the shell's own login runs. */
        @JvmStatic
        public fun anonymous(): WebLogin = Anonymous

        /** Lets the browser in as [name] (not blank): the shell's login is skipped. */
        @JvmStatic
        public fun user(name: String): WebLogin {
            require(name.isNotBlank()) { "web login user name must not be blank" }
            return User(name)
        }
    }
}
