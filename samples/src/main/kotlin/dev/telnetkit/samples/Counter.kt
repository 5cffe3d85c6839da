package dev.telnetkit.samples

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicLong

/**
 * State kept outside the per-connection handler: a count of connections for the whole server
 * and per user, shared by every session and surviving each one.
 */
class ConnectionCounter {
    private val total = AtomicLong()
    private val perUser = ConcurrentHashMap<String, AtomicLong>()

    /** Connections counted so far. */
    val totalConnections: Long get() = total.get()

    /** Connections of [user] counted so far. */
    fun connectionsOf(user: String): Long = perUser[user]?.get() ?: 0

    /** The counter server on [host]:[port]: log in with any name and the password `counter`. */
    fun server(host: String, port: Int): TelnetServer = server(DemoOptions(host = host, port = port))

    /** The counter server with the command line's settings. */
    fun server(options: DemoOptions): TelnetServer = telnetServer {
        listenAs(options)
        prompt = "counter> "
        welcome = "Connection counter. Log in with any name; the password is 'counter'."
        login { _, password -> password == "counter" }
        onSessionStart {
            val user = username ?: "guest"
            val mine = perUser.computeIfAbsent(user) { AtomicLong() }.incrementAndGet()
            val all = total.incrementAndGet()
            writeLine("This is connection $all to this server, and your connection $mine.")
        }
        command("count") {
            summary = "Show the connection counts."
            run { _ ->
                writeResponse("All users: ${total.get()}")
                perUser.entries.sortedBy { it.key }.forEach { (user, n) -> writeResponse("  $user: ${n.get()}") }
            }
        }
    }
}
