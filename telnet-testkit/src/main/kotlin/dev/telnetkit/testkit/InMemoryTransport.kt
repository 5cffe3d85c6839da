package dev.telnetkit.testkit

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.runBlocking
import java.util.concurrent.atomic.AtomicInteger

/**
 * A transport with no sockets, for tests: [connect] gives an [InMemoryClient] that types into a
 * session of the server and reads what it shows. Sessions run exactly as over a network (the same
 * session core, shell, login, messages and limits) but start at once: there is no Telnet
 * negotiation to wait for, since the terminal's facts are handed in ([PlainTerminal]).
 *
 * ```kotlin
 * val memory = InMemoryTransport()
 * val server = telnetServer { transport = memory; command("hi") { run { writeLine("hello") } } }.start()
 * memory.connect().use { user ->
 *     user.awaitPrompt("> ")
 *     user.sendLine("hi")
 *     user.awaitText("hello")
 * }
 * ```
 *
 * One transport serves one server.
 */
@OptIn(EngineApi::class)
public class InMemoryTransport : Transport {
    @Volatile private var context: ListenContext? = null
    @Volatile private var accepting = false
    private val clients = AtomicInteger()

    override val name: String get() = NAME

    @EngineApi
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener {
        check(this.context == null) { "an InMemoryTransport serves one server; make another for the next" }
        this.context = context
        accepting = true
        return object : Listener {
            override val port: Int get() = 0
            override fun stopAccepting() {
                accepting = false
            }

            override suspend fun close() {}
        }
    }

    /**
     * Connects a user at a terminal described by [terminal] (by default an 80x24 xterm in character
     * mode with no authenticated user; give [PlainTerminal.user] to log in as the transport would,
     * or `characterMode = false` for line-by-line input). The session starts at once.
     */
    @JvmSynthetic
    public suspend fun connect(terminal: PlainTerminal = PlainTerminal()): InMemoryClient {
        val context = checkNotNull(context) { "the server using this transport is not started" }
        val number = clients.incrementAndGet()
        val connection = InMemoryConnection(terminal, "memory:$number", "memory")
        val client = InMemoryClient(connection, terminal)
        if (accepting) context.accepted(connection) else connection.close()
        return client
    }

    /** [connect] for Java. */
    @JvmName("connect")
    @JvmOverloads
    public fun connectBlocking(terminal: PlainTerminal = PlainTerminal()): InMemoryClient = runBlocking { connect(terminal) }

    /** Names and terminals for [connect]. */
    public companion object {
        /** This transport's name, as sessions report it ([dev.telnetkit.session.Session.transport]). */
        public const val NAME: String = "memory"

        /** A terminal for [connect]: [terminalType] at [width] x [height], logged in as [user] if given. */
        @JvmStatic
        @JvmOverloads
        public fun terminal(terminalType: String = "xterm", width: Int = 80, height: Int = 24, user: String? = null): PlainTerminal =
            PlainTerminal(terminalType, TerminalSize(width, height), user)
    }
}
