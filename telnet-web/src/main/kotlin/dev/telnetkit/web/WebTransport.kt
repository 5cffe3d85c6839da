package dev.telnetkit.web

import dev.telnetkit.session.TerminalSize
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.TransportProvider
import dev.telnetkit.wire.PlainTerminal
import io.github.oshai.kotlinlogging.KotlinLogging
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.Application
import io.ktor.server.application.ApplicationCall
import io.ktor.server.application.ApplicationCallPipeline
import io.ktor.server.application.install
import io.ktor.server.cio.CIO
import io.ktor.server.cio.CIOApplicationEngine
import io.ktor.server.engine.EmbeddedServer
import io.ktor.server.engine.embeddedServer
import io.ktor.server.request.host
import io.ktor.server.request.path
import io.ktor.server.response.respondText
import io.ktor.server.routing.routing
import io.ktor.server.websocket.WebSockets
import io.ktor.server.websocket.webSocket
import io.ktor.websocket.ChannelOverflow
import io.ktor.websocket.CloseReason
import io.ktor.websocket.close
import io.ktor.util.AttributeKey
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.withContext
import java.io.IOException

private val logger = KotlinLogging.logger {}

/**
 * The browser terminal's [Transport]: a Ktor server (the CIO engine) with WebSockets, as
 * [settings] describe it. Usually reached through [WebSettings], which is a server endpoint:
 * `TelnetServerBuilder.endpoint(webSettings)` or the DSL's `web { }`. Sessions report the
 * transport `web`.
 *
 * Each WebSocket at `<path>ws` is one session with a [PlainTerminal] (`xterm-256color`, the size
 * from the URL's `cols` and `rows`, the user from [WebSettings.authenticator]). Before the upgrade
 * the request's `Origin` is checked and the authenticator asked; a refusal is an HTTP status
 * (403, 401), and while the server is full or stopping the answer is 503. The page, its scripts
 * and the admin page ([WebSettings.admin]) are served by the same server.
 */
public class WebTransport(public val settings: WebSettings) : Transport {
    /** A web transport with the default [WebSettings] (port 8080, the page at `/`). */
    public constructor() : this(WebSettings())

    override val name: String get() = NAME

    @OptIn(ExperimentalCoroutinesApi::class)
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener {
        val sessions: CoroutineDispatcher = Dispatchers.Default.limitedParallelism(context.threads)
        val state = ListenerState()
        val server = embeddedServer(CIO, port = port, host = host) {
            module(context, sessions, state, AllowedHosts(host, settings.allowedHosts, settings.allowedOrigins))
        }
        try {
            server.startSuspend(wait = false)
        } catch (e: Exception) {
            runCatching { withContext(Dispatchers.IO) { server.stop(0, 0) } }
            throw IOException("web: cannot listen on $host:$port: ${e.message}", e)
        }
        val bound = server.engine.resolvedConnectors().first().port
        logger.info { "web terminal at http://$host:$bound${settings.path}" + (settings.admin?.let { ", admin page at ${it.path}" } ?: "") }
        return WebListener(server, bound, state)
    }

    private fun Application.module(listen: ListenContext, sessions: CoroutineDispatcher, state: ListenerState, hosts: AllowedHosts) {
        install(WebSockets) {
            maxFrameSize = settings.maxFrameBytes.toLong()
            masking = false
            pingPeriodMillis = settings.pingPeriod.toMillis()
            timeoutMillis = settings.pingTimeout.toMillis()
            // Ktor's frame channels are unlimited by default: a browser that reads nothing would have
            // every frame sent to it kept in memory (seen: the heap ran out within seconds), and one
            // that floods would have its frames queued ahead of the session. Bounded and suspending,
            // a slow reader stops the sends, and the session's output limits cut it off.
            channels {
                incoming = bounded(FRAMES_QUEUED, ChannelOverflow.SUSPEND)
                outgoing = bounded(FRAMES_QUEUED, ChannelOverflow.SUSPEND)
            }
        }
        val socketPath = settings.base + "ws"
        val allowedOrigins = settings.allowedOrigins.mapNotNull(Origins::parse).toSet()
        // Before routing: the upgrade request is checked, and refused with a status, here.
        intercept(ApplicationCallPipeline.Plugins) {
            val call: ApplicationCall = this.context
            // A name the server does not go by: a re-pointed (rebinding) name, refused for every path.
            if (!hosts.allows(call.request.headers["Host"])) {
                logger.info { "web: refused a request from ${call.request.local.remoteAddress} for host ${LogSafe.of(call.request.headers["Host"])}; list it in allowedHosts if it is this server's" }
                call.respondText("Forbidden: unknown host", status = HttpStatusCode.Forbidden)
                finish()
                return@intercept
            }
            // Every upgrade request is checked, whatever its path (a trailing slash, another case):
            // none reaches a WebSocket route unchecked.
            val upgrade = call.request.headers["Upgrade"]?.equals("websocket", ignoreCase = true) == true
            if (!upgrade && call.request.path() != socketPath) return@intercept
            val refusal = admit(call, listen, state, allowedOrigins)
            if (refusal != null) {
                call.respondText(refusal.description, status = refusal)
                finish()
            }
        }
        val pages = WebPages(settings)
        val admin = settings.admin?.let { WebAdmin(it, listen) }
        routing {
            pages.install(this)
            admin?.install(this)
            webSocket(socketPath) {
                // Only a checked upgrade has its login; any other way here (an Upgrade header the
                // check did not take for one) is closed.
                val login = call.attributes.getOrNull(LOGIN) ?: return@webSocket close(CloseReason(CloseReason.Codes.VIOLATED_POLICY, "not checked"))
                val address = remoteAddressOf(call)
                val terminal = PlainTerminal(
                    terminalType = TERMINAL_TYPE,
                    size = sizeOf(call),
                    user = (login as? WebLogin.User)?.name,
                    characterMode = true,
                )
                val connection = WebSocketConnection(this, sessions.limitedParallelism(1), terminal, address.first, address.second)
                listen.accepted(connection)
                connection.serve()
            }
        }
    }

    /** Null when the upgrade may go on (the login is then in the call's attributes); else the status to refuse with. */
    private fun admit(call: ApplicationCall, context: ListenContext, state: ListenerState, allowedOrigins: Set<String>): HttpStatusCode? {
        val secure = call.request.local.scheme == "https"
        val origin = call.request.headers["Origin"]
        if (!Origins.allowed(origin, call.request.headers["Host"], secure, allowedOrigins)) {
            logger.info { "web: refused a WebSocket from ${call.request.local.remoteAddress} with Origin ${LogSafe.of(origin)} (host ${LogSafe.of(call.request.host())})" }
            return HttpStatusCode.Forbidden
        }
        if (!state.accepting || !context.acceptsMore) return HttpStatusCode.ServiceUnavailable
        val (remoteAddress, remoteHost) = remoteAddressOf(call)
        val request = WebRequest(
            headers = call.request.headers.entries().associate { it.key.lowercase() to it.value.toList() },
            cookies = call.request.cookies.rawCookies.toMap(),
            queryParameters = call.request.queryParameters.entries().associate { it.key to it.value.toList() },
            remoteAddress = remoteAddress,
            remoteHost = remoteHost,
        )
        val login = try {
            settings.authenticator.authenticate(request)
        } catch (e: Exception) {
            logger.warn(e) { "web: the authenticator failed for $remoteAddress; refused" }
            return HttpStatusCode.Forbidden
        }
        if (login is WebLogin.Refused) return HttpStatusCode.fromValue(login.status)
        call.attributes.put(LOGIN, login)
        return null
    }

    override fun toString(): String = "WebTransport($settings)"

    /** What the listener tells the request handlers. */
    private class ListenerState {
        @Volatile var accepting = true
    }

    /** The running Ktor server. */
    private class WebListener(
        private val server: EmbeddedServer<CIOApplicationEngine, CIOApplicationEngine.Configuration>,
        override val port: Int,
        private val state: ListenerState,
    ) : Listener {
        override fun stopAccepting() {
            // Ktor cannot unbind and keep its connections: new WebSockets are refused (503) until close.
            state.accepting = false
        }

        override suspend fun close() {
            state.accepting = false
            withContext(Dispatchers.IO) {
                try {
                    server.stop(STOP_GRACE_MILLIS, STOP_TIMEOUT_MILLIS)
                } catch (e: Exception) {
                    logger.debug { "web: stopping failed: ${e.message}" }
                }
            }
        }
    }

    /** Makes [WebTransport] findable as `web` by `Transport.named`, with the default settings. */
    public class Provider : TransportProvider {
        override val name: String get() = NAME

        override fun create(): Transport = WebTransport()
    }

    public companion object {
        /** The transport's name: what sessions report and what `TelnetServer.portOf` takes. */
        public const val NAME: String = "web"

        /** The terminal type of every browser session: xterm.js. */
        public const val TERMINAL_TYPE: String = "xterm-256color"

        private const val STOP_GRACE_MILLIS = 100L
        private const val FRAMES_QUEUED = 8
        private const val STOP_TIMEOUT_MILLIS = 2_000L
        private val LOGIN = AttributeKey<WebLogin>("telnetkit.web.login")

        private fun remoteAddressOf(call: ApplicationCall): Pair<String, String> {
            val host = call.request.local.remoteAddress
            val port = call.request.local.remotePort
            return (if (host.contains(':')) "[$host]:$port" else "$host:$port") to host
        }

        private fun sizeOf(call: ApplicationCall): TerminalSize {
            val cols = call.request.queryParameters["cols"]?.toIntOrNull()
            val rows = call.request.queryParameters["rows"]?.toIntOrNull()
            val max = ControlMessage.MAX_DIMENSION
            return if (cols != null && rows != null && cols in 1..max && rows in 1..max) TerminalSize(cols, rows) else TerminalSize.DEFAULT
        }

    }
}

/** Client-given text made safe for one log line. */
internal object LogSafe {
    fun of(text: String?): String = when (text) {
        null -> "(none)"
        else -> text.take(100).map { if (it.code < 0x20 || it.code == 0x7f) '?' else it }.joinToString("")
    }
}
