package dev.telnetkit.web

import dev.telnetkit.session.Session
import dev.telnetkit.shell.LoginLockout
import dev.telnetkit.transport.ListenContext
import io.github.oshai.kotlinlogging.KotlinLogging
import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.http.Parameters
import io.ktor.server.application.ApplicationCall
import io.ktor.server.request.receiveParameters
import io.ktor.server.response.header
import io.ktor.server.response.respondText
import io.ktor.server.routing.Route
import io.ktor.server.routing.get
import io.ktor.server.routing.post
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

private val logger = KotlinLogging.logger {}

/**
 * The admin page ([WebAdminSettings]): a login form, then the sessions with a kick button and a
 * message form each, a message to all, and the server's totals. Every POST but the login's needs
 * the login cookie, the login's CSRF token and a same-origin `Origin`; the login POST needs the
 * same origin, and its failures count in the server's login lockout.
 */
internal class WebAdmin(private val settings: WebAdminSettings, private val context: ListenContext) {
    private val logins = WebAdminLogins(settings.loginTimeout)
    private val path = settings.path

    fun install(route: Route) {
        route.get(path) { call.dashboard() }
        route.get("$path/sessions.json") { call.sessionsJson() }
        route.post("$path/login") { call.login() }
        route.post("$path/logout") { call.withForm(needLogin = true) { form, _ -> logout(form) } }
        route.post("$path/kick") { call.withForm(needLogin = true) { form, _ -> kick(form) } }
        route.post("$path/message") { call.withForm(needLogin = true) { form, _ -> message(form) } }
    }

    private fun ApplicationCall.currentLogin(): WebAdminLogins.Login? = logins.find(request.cookies[COOKIE])

    private suspend fun ApplicationCall.dashboard() {
        val login = currentLogin()
        if (login == null) {
            html(AdminHtml.loginPage(path, note = request.queryParameters["note"]))
            return
        }
        val refresh = request.queryParameters["refresh"] == "1"
        html(AdminHtml.dashboard(path, login.csrf, context.sessions, context.statistics, refresh, settings.refreshSeconds, request.queryParameters["note"]))
    }

    private suspend fun ApplicationCall.sessionsJson() {
        if (currentLogin() == null) {
            respondText("{\"error\":\"log in first\"}", ContentType.Application.Json, HttpStatusCode.Unauthorized)
            return
        }
        noStore()
        respondText(AdminHtml.sessionsJson(context.sessions, context.statistics), ContentType.Application.Json)
    }

    private suspend fun ApplicationCall.login() {
        withForm(needLogin = false) { form, _ ->
            val user = form["user"].orEmpty().take(MAX_FIELD)
            val password = form["password"].orEmpty().take(MAX_FIELD)
            val address = request.local.remoteAddress
            val outcome = context.loginLockout.attempt(address) {
                withContext(Dispatchers.IO) { runCatching { settings.check.check(user, password) }.getOrDefault(false) }
            }
            when (outcome) {
                LoginLockout.Outcome.ACCEPTED -> {
                    val (token, _) = logins.create()
                    logger.info { "web admin: ${LogSafe.of(user)} logged in from $address" }
                    response.header(
                        "Set-Cookie",
                        "$COOKIE=$token; Path=$path; HttpOnly; SameSite=Strict" + (if (request.local.scheme == "https") "; Secure" else ""),
                    )
                    seeOther(path)
                }
                LoginLockout.Outcome.REJECTED -> {
                    logger.info { "web admin: failed login as ${LogSafe.of(user)} from $address" }
                    html(AdminHtml.loginPage(path, note = "failed"), HttpStatusCode.Unauthorized)
                }
                LoginLockout.Outcome.LOCKED_OUT -> {
                    response.header("Retry-After", ((context.loginLockout.lockedFor(address) + 999) / 1000).coerceAtLeast(1).toString())
                    html(AdminHtml.loginPage(path, note = "locked"), HttpStatusCode.TooManyRequests)
                }
            }
        }
    }

    private suspend fun ApplicationCall.logout(@Suppress("UNUSED_PARAMETER") form: Parameters) {
        logins.remove(request.cookies[COOKIE])
        response.header("Set-Cookie", "$COOKIE=; Path=$path; HttpOnly; SameSite=Strict; Max-Age=0")
        seeOther(path)
    }

    private suspend fun ApplicationCall.kick(form: Parameters) {
        val session = sessionOf(form)
        if (session == null) {
            seeOther("$path?note=gone")
            return
        }
        logger.info { "web admin: kicked session ${session.id} (${session.remoteAddress})" }
        session.writeMessage(KICK_MESSAGE)
        session.close()
        seeOther("$path?note=kicked")
    }

    private suspend fun ApplicationCall.message(form: Parameters) {
        val text = AdminHtml.plain(form["text"].orEmpty().take(MAX_MESSAGE)).trim()
        if (text.isEmpty()) {
            seeOther("$path?note=empty")
            return
        }
        if (form["id"] == "all") {
            context.sessions.forEach { it.writeMessage(text) }
            seeOther("$path?note=sent")
            return
        }
        val session = sessionOf(form)
        if (session == null) {
            seeOther("$path?note=gone")
            return
        }
        session.writeMessage(text)
        seeOther("$path?note=sent")
    }

    private fun sessionOf(form: Parameters): Session? {
        val id = form["id"]?.toLongOrNull() ?: return null
        return context.sessions.firstOrNull { it.id == id }
    }

    /**
     * Checks a POST (a bounded form, a same-origin `Origin`, and when [needLogin] the login cookie
     * and the CSRF token), then runs [action]; else answers 4xx.
     */
    private suspend fun ApplicationCall.withForm(needLogin: Boolean, action: suspend ApplicationCall.(Parameters, WebAdminLogins.Login?) -> Unit) {
        val length = request.headers["Content-Length"]?.toLongOrNull()
        if (length == null || length > MAX_FORM_BYTES) {
            respondText("a form of at most $MAX_FORM_BYTES bytes, with its Content-Length\n", status = HttpStatusCode.PayloadTooLarge)
            return
        }
        val origin = request.headers["Origin"]
        if (origin == null || !Origins.allowed(origin, request.headers["Host"], request.local.scheme == "https", emptySet())) {
            logger.info { "web admin: refused a POST from ${request.local.remoteAddress} with Origin ${LogSafe.of(origin)}" }
            respondText("cross-origin requests are refused\n", status = HttpStatusCode.Forbidden)
            return
        }
        val login = if (needLogin) currentLogin() else null
        if (needLogin && login == null) {
            respondText("log in first\n", status = HttpStatusCode.Unauthorized)
            return
        }
        val form = try {
            receiveParameters()
        } catch (e: Exception) {
            respondText("bad form\n", status = HttpStatusCode.BadRequest)
            return
        }
        if (login != null && !WebAdminLogins.same(login.csrf, form["csrf"])) {
            logger.info { "web admin: refused a POST without the CSRF token from ${request.local.remoteAddress}" }
            respondText("missing or wrong CSRF token\n", status = HttpStatusCode.Forbidden)
            return
        }
        action(form, login)
    }

    // Referrer-Policy same-origin, not no-referrer: with no-referrer a browser sends `Origin: null` on
    // the page's own form POSTs, which the same-origin check then refuses.
    private suspend fun ApplicationCall.html(text: String, status: HttpStatusCode = HttpStatusCode.OK) {
        noStore()
        response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.header("X-Content-Type-Options", "nosniff")
        response.header("Referrer-Policy", "same-origin")
        respondText(text, ContentType.Text.Html.withParameter("charset", "utf-8"), status)
    }

    private fun ApplicationCall.noStore() {
        response.header("Cache-Control", "no-store")
    }

    private suspend fun ApplicationCall.seeOther(location: String) {
        response.header("Location", location)
        respondText("", status = HttpStatusCode.SeeOther)
    }

    companion object {
        const val COOKIE = "telnetkit_admin"
        const val KICK_MESSAGE = "Disconnected by the administrator."
        const val MAX_FORM_BYTES = 8 * 1024L
        const val MAX_FIELD = 256
        const val MAX_MESSAGE = 1000
        const val CONTENT_SECURITY_POLICY =
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }
}
