package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.transport.tls.TlsMode
import java.nio.file.Path

// The TLS example of README.md ("Transports", "TLS"). ReadmeSnippetsSpec checks that README.md
// shows exactly the lines between the markers, and runs the server.

/**
 * The README's TLS server on [port], with `fullchain.pem` and `privkey.pem` from [certificates]:
 * TLS and plain Telnet on one port. Not started.
 */
fun readmeTlsServer(port: Int, certificates: Path): TelnetServer {
    // README:start tls
    val server = telnetServer {
        this.port = port // 992, telnets' own port, needs root or CAP_NET_BIND_SERVICE
        tls(certificate = certificates.resolve("fullchain.pem"), key = certificates.resolve("privkey.pem"), mode = TlsMode.AUTO_DETECT)
        command("status") { run { writeResponse("all well, over $transport") } }
    }
    // README:end tls
    return server
}
