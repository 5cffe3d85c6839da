package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.metrics.metrics
import dev.telnetkit.recording.recording
import dev.telnetkit.server.SysopCommands
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.web.WebLogin
import dev.telnetkit.web.web
import java.nio.file.Path

/**
 * The README's operated server: the shell in a browser (signed in by a cookie the application
 * issued, else the shell's own login), the admin page and the sysop's commands, Prometheus metrics
 * and session recordings. [tickets] maps cookie values to user names.
 */
fun operatedServer(
    port: Int, webPort: Int, metricsPort: Int, recordings: Path, adminPassword: String,
    accounts: ReadmeAccounts, tickets: Map<String, String>,
): TelnetServer =
// README:start operations
telnetServer {
    this.port = port
    login { user, password -> accounts.check(user, password) }
    web {
        this.port = webPort // http://127.0.0.1:8080/ with 8080, say
        // Signed in already (a cookie your web app set), or the shell's login as over Telnet.
        authenticate { request -> request.cookie("ticket")?.let(tickets::get)?.let(WebLogin::user) ?: WebLogin.anonymous() }
        admin {
            user = "admin"
            password = adminPassword
        }
    }
    metrics { prometheus { this.port = metricsPort } } // http://127.0.0.1:9464/metrics with 9464
    recording { directory = recordings } // an asciicast file per session; passwords never
    commands(listOf(SysopCommands.command { it.username == "root" }))
    command("status") { run { writeResponse("all well, $username, over $transport") } }
}
// README:end operations

