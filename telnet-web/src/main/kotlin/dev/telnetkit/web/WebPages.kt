package dev.telnetkit.web

import io.ktor.http.ContentType
import io.ktor.http.HttpStatusCode
import io.ktor.server.application.ApplicationCall
import io.ktor.server.response.header
import io.ktor.server.response.respondBytes
import io.ktor.server.response.respondRedirect
import io.ktor.server.routing.Route
import io.ktor.server.routing.get

/**
 * The terminal page and its assets, read once from the class path (`dev/telnetkit/web/assets/`):
 * xterm.js, its CSS and the fit add-on (vendored, see docs/web-terminal.md), the page's own script
 * and style, and the licenses.
 */
internal class WebPages(private val settings: WebSettings) {
    private val page: ByteArray = Html.template(String(resource("index.html"), Charsets.UTF_8), "title" to settings.title).toByteArray()
    private val assets: Map<String, Asset> = ASSETS.mapValues { (name, type) -> Asset(resource(name), type) }

    fun install(route: Route) {
        val base = settings.base
        route.get(base) { call.page() }
        if (settings.path != base) route.get(settings.path) { call.respondRedirect(base) }
        route.get(base + "assets/{name}") {
            val asset = call.parameters["name"]?.let(assets::get)
            if (asset == null) {
                call.respondBytes("not found\n".toByteArray(), ContentType.Text.Plain, HttpStatusCode.NotFound)
            } else {
                call.securityHeaders()
                call.response.header("Cache-Control", "public, max-age=3600")
                call.respondBytes(asset.bytes, asset.type)
            }
        }
    }

    private suspend fun ApplicationCall.page() {
        securityHeaders()
        response.header("Cache-Control", "no-cache")
        respondBytes(page, ContentType.Text.Html.withParameter("charset", "utf-8"))
    }

    private class Asset(val bytes: ByteArray, val type: ContentType)

    companion object {
        /** The assets served, with their types; a name not here is a 404. */
        val ASSETS: Map<String, ContentType> = mapOf(
            "xterm.js" to ContentType.Application.JavaScript.withParameter("charset", "utf-8"),
            "addon-fit.js" to ContentType.Application.JavaScript.withParameter("charset", "utf-8"),
            "app.js" to ContentType.Application.JavaScript.withParameter("charset", "utf-8"),
            "xterm.css" to ContentType.Text.CSS.withParameter("charset", "utf-8"),
            "page.css" to ContentType.Text.CSS.withParameter("charset", "utf-8"),
            "LICENSE-xterm" to ContentType.Text.Plain.withParameter("charset", "utf-8"),
            "LICENSE-addon-fit" to ContentType.Text.Plain.withParameter("charset", "utf-8"),
            "SHA256SUMS" to ContentType.Text.Plain.withParameter("charset", "utf-8"),
        )

        /** The page's Content-Security-Policy: scripts from the server only, no inline script. */
        const val CONTENT_SECURITY_POLICY: String =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
                "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

        fun resource(name: String): ByteArray =
            WebPages::class.java.getResourceAsStream("/dev/telnetkit/web/assets/$name")?.use { it.readBytes() }
                ?: error("telnet-web: the resource dev/telnetkit/web/assets/$name is missing from the jar")

        fun ApplicationCall.securityHeaders() {
            response.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.header("X-Content-Type-Options", "nosniff")
            response.header("Referrer-Policy", "same-origin")
        }
    }
}

/** HTML escaping and the tiny templates of the pages. */
internal object Html {
    /** [text] safe inside HTML text and quoted attribute values; control characters shown as `?`. */
    fun escape(text: String): String {
        val out = StringBuilder(text.length + 16)
        for (c in text) {
            when (c) {
                '&' -> out.append("&amp;")
                '<' -> out.append("&lt;")
                '>' -> out.append("&gt;")
                '"' -> out.append("&quot;")
                '\'' -> out.append("&#39;")
                else -> out.append(if (c.code < 0x20 || c.code == 0x7f) '?' else c)
            }
        }
        return out.toString()
    }

    /** [template] with each `{{name}}` replaced by its value, escaped. */
    fun template(template: String, vararg values: Pair<String, String>): String =
        values.fold(template) { text, (name, value) -> text.replace("{{$name}}", escape(value)) }
}
