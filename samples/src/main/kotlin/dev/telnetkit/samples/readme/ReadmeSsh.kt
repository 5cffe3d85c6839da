package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.ssh.ssh
import java.nio.file.Path

// The SSH example of README.md ("Transports", "SSH"). ReadmeSnippetsSpec checks that README.md
// shows exactly the lines between the markers, and runs the server.

/** The user accounts of the README's SSH example: a name and a password each. */
class ReadmeAccounts(private val passwords: Map<String, String>) {
    /** True when [password] is [user]'s. */
    fun check(user: String, password: String): Boolean = passwords[user] == password
}

/**
 * The README's server: Telnet on [port] and SSH on [sshPort], with its host key in [keys] and its
 * users in [accounts]. Not started.
 */
fun readmeSshServer(port: Int, sshPort: Int, keys: Path, accounts: ReadmeAccounts): TelnetServer {
    // README:start ssh
    val server = telnetServer {
        this.port = port
        ssh {
            this.port = sshPort // 2222, say
            hostKey = keys.resolve("host.key") // made on the first start, then kept
            password { user, password -> accounts.check(user, password) }
        }
        command("status") { run { writeResponse("all well, $username, over $transport") } }
    }
    // README:end ssh
    return server
}
