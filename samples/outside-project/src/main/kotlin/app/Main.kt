// README:start kotlin-main
package app

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer

/** The server: Telnet on [port], one command. */
fun myServer(port: Int = 2323): TelnetServer = telnetServer {
    this.port = port
    command("hello") { run { writeResponse("Hello, ${username ?: "guest"}!") } }
}

// start() is a suspend function: call it from a coroutine, here a suspending main.
suspend fun main() {
    val server = myServer().start()
    println("listening on ${server.port}")
    // SIGTERM or Ctrl-C: the sessions are told, the server stops gracefully, then main returns.
    server.awaitShutdownSignal()
}
// README:end kotlin-main
