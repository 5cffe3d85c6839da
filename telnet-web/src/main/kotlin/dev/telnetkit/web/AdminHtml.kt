package dev.telnetkit.web

import dev.telnetkit.session.ServerStatistics
import dev.telnetkit.session.Session
import java.time.Duration

/**
 * The admin page's HTML and JSON, rendered on the server. Everything a client could have chosen
 * (user names, terminal types, addresses) goes through [Html.escape] or [json].
 */
internal object AdminHtml {
    private const val STYLE = """
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
table { border-collapse: collapse; margin: 8px 0 16px; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: middle; }
th { background: #eee; }
.stats td { text-align: right; font-variant-numeric: tabular-nums; }
.nav { margin: 8px 0; }
.note { padding: 6px 10px; background: #fff6d5; border: 1px solid #e0c060; display: inline-block; }
form.inline { display: inline; margin: 0; }
input[type=text] { width: 10em; }
"""

    private val NOTES = mapOf(
        "failed" to "Wrong user name or password.",
        "locked" to "Too many failed logins from your address: try again later.",
        "kicked" to "The session was disconnected.",
        "sent" to "The message was sent.",
        "gone" to "That session has ended.",
        "empty" to "Type a message first.",
    )

    fun loginPage(path: String, note: String?): String = page("TelnetKit admin: log in", refreshSeconds = null) {
        append("<h1>TelnetKit admin</h1>\n")
        note(note)
        append("<form method=\"post\" action=\"").append(Html.escape("$path/login")).append("\">\n")
        append("<p><label>User <input type=\"text\" name=\"user\" autocomplete=\"username\" autofocus></label></p>\n")
        append("<p><label>Password <input type=\"password\" name=\"password\" autocomplete=\"current-password\"></label></p>\n")
        append("<p><button type=\"submit\">Log in</button></p>\n</form>\n")
    }

    fun dashboard(
        path: String,
        csrf: String,
        sessions: List<Session>,
        statistics: ServerStatistics?,
        refresh: Boolean,
        refreshSeconds: Int,
        note: String?,
    ): String = page("TelnetKit admin", refreshSeconds.takeIf { refresh }) {
        val p = Html.escape(path)
        val token = Html.escape(csrf)
        append("<h1>TelnetKit admin</h1>\n")
        note(note)
        append("<div class=\"nav\">")
        if (refresh) {
            append("Refreshing every $refreshSeconds s. <a href=\"$p\">Stop refreshing</a>")
        } else {
            append("<a href=\"$p?refresh=1\">Refresh every $refreshSeconds s</a> · <a href=\"$p\">Refresh now</a>")
        }
        append(" · <a href=\"$p/sessions.json\">sessions.json</a> · ")
        append("<form class=\"inline\" method=\"post\" action=\"$p/logout\"><input type=\"hidden\" name=\"csrf\" value=\"$token\"><button type=\"submit\">Log out</button></form></div>\n")

        append("<h2>Sessions (${sessions.size})</h2>\n")
        append("<form method=\"post\" action=\"$p/message\"><input type=\"hidden\" name=\"csrf\" value=\"$token\"><input type=\"hidden\" name=\"id\" value=\"all\">")
        append("<label>Message to all <input type=\"text\" name=\"text\" maxlength=\"1000\"></label> <button type=\"submit\">Send to all</button></form>\n")
        append("<table class=\"sessions\">\n<tr><th>Id</th><th>User</th><th>Address</th><th>Transport</th><th>Terminal</th><th>Size</th><th>Idle</th><th>Connected</th><th>Message</th><th></th></tr>\n")
        for (session in sessions.sortedBy { it.id }) {
            val id = session.id
            append("<tr id=\"session-$id\"><td>$id</td>")
            append("<td>").append(Html.escape(session.username ?: "-")).append("</td>")
            append("<td>").append(Html.escape(session.remoteAddress)).append("</td>")
            append("<td>").append(Html.escape(session.transport)).append("</td>")
            append("<td>").append(Html.escape(session.terminalType)).append("</td>")
            append("<td>${session.size.width}×${session.size.height}</td>")
            append("<td>${duration(session.idle)}</td><td>${duration(session.duration)}</td>")
            append("<td><form class=\"inline\" method=\"post\" action=\"$p/message\"><input type=\"hidden\" name=\"csrf\" value=\"$token\"><input type=\"hidden\" name=\"id\" value=\"$id\">")
            append("<input type=\"text\" name=\"text\" maxlength=\"1000\" aria-label=\"message to session $id\"> <button type=\"submit\">Send</button></form></td>")
            append("<td><form class=\"inline\" method=\"post\" action=\"$p/kick\"><input type=\"hidden\" name=\"csrf\" value=\"$token\"><input type=\"hidden\" name=\"id\" value=\"$id\">")
            append("<button type=\"submit\" class=\"kick\">Kick</button></form></td></tr>\n")
        }
        append("</table>\n")
        append("<h2>Server</h2>\n<table class=\"stats\">\n")
        val totals = statistics?.let(::statisticsOf) ?: listOf("Sessions open" to sessions.size.toLong())
        append("<tr>")
        for ((name, _) in totals) append("<th>$name</th>")
        append("</tr>\n<tr>")
        for ((_, value) in totals) append("<td>$value</td>")
        append("</tr>\n</table>\n")
    }

    fun sessionsJson(sessions: List<Session>, statistics: ServerStatistics?): String = buildString {
        append("{\"sessions\":[")
        sessions.sortedBy { it.id }.forEachIndexed { i, s ->
            if (i > 0) append(',')
            append("{\"id\":").append(s.id)
            append(",\"user\":").append(s.username?.let(::json) ?: "null")
            append(",\"address\":").append(json(s.remoteAddress))
            append(",\"transport\":").append(json(s.transport))
            append(",\"terminalType\":").append(json(s.terminalType))
            append(",\"cols\":").append(s.size.width).append(",\"rows\":").append(s.size.height)
            append(",\"idleMillis\":").append(s.idle.toMillis()).append(",\"durationMillis\":").append(s.duration.toMillis())
            append('}')
        }
        append(']')
        if (statistics != null) {
            append(",\"statistics\":{")
            append(statisticsOf(statistics).joinToString(",") { (name, value) -> json(name) + ":" + value })
            append('}')
        }
        append("}")
    }

    /** [text] without control characters (a message must not move the admin's or a user's cursor). */
    fun plain(text: String): String = text.map { if (it.code < 0x20 || it.code in 0x7f..0x9f) ' ' else it }.joinToString("")

    private fun statisticsOf(s: ServerStatistics): List<Pair<String, Long>> = listOf(
        "Sessions open" to s.sessionsOpen.toLong(),
        "Sessions opened" to s.sessionsOpened,
        "Sessions closed" to s.sessionsClosed,
        "Commands run" to s.commandsRun,
        "Commands failed" to s.commandsFailed,
        "Login failures" to s.loginFailures,
        "Login lockouts" to s.loginLockouts,
        "Bytes in" to s.bytesIn,
        "Bytes out" to s.bytesOut,
        "Output cut-offs" to s.outputCutOffs,
    )

    private fun StringBuilder.note(key: String?) {
        val text = NOTES[key] ?: return
        append("<p class=\"note\" role=\"status\">").append(Html.escape(text)).append("</p>\n")
    }

    private fun page(title: String, refreshSeconds: Int?, body: StringBuilder.() -> Unit): String = buildString {
        append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        if (refreshSeconds != null) append("<meta http-equiv=\"refresh\" content=\"$refreshSeconds\">\n")
        append("<title>").append(Html.escape(title)).append("</title>\n<style>").append(STYLE).append("</style>\n</head>\n<body>\n")
        body()
        append("</body>\n</html>\n")
    }

    private fun duration(d: Duration): String {
        val s = d.seconds.coerceAtLeast(0)
        return when {
            s < 60 -> "${s}s"
            s < 3600 -> "${s / 60}m ${"%02d".format(s % 60)}s"
            else -> "${s / 3600}h ${"%02d".format(s / 60 % 60)}m"
        }
    }

    /** [text] as a JSON string. */
    fun json(text: String): String = buildString {
        append('"')
        for (c in text) {
            when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c == '<' -> append("\\u003c")
                c.code < 0x20 || c.code in 0x7f..0x9f || c == '\u2028' || c == '\u2029' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }
}
