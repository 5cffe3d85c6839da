package dev.telnetkit.testkit

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.wire.PlainTerminal
import kotlinx.coroutines.runBlocking
import java.time.Duration
import java.util.Collections
import java.util.function.Function
import java.util.function.Supplier
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * The prompts a test server shows, for logging a client in: [connect][TelnetTestServer.connect]
 * with a login waits for [usernamePrompt], sends the user name, waits for [passwordPrompt], sends
 * the password and waits for the shell's [prompt]. The defaults are TelnetKit's.
 */
public sealed class TestServerPrompts {
    /** The shell's prompt (`> ` by default). */
    public var prompt: String = "> "

    /** The login's user-name prompt (`Username: ` by default). */
    public var usernamePrompt: String = "Username: "

    /** The login's password prompt (`Password: ` by default). */
    public var passwordPrompt: String = "Password: "

    /** How long each step of a login waits ([TelnetTestClient.DEFAULT_TIMEOUT] by default). */
    public var loginTimeout: Duration = TelnetTestClient.DEFAULT_TIMEOUT.toJavaDuration()

    internal suspend fun logIn(client: TerminalClient, user: String, password: String, site: String) {
        val call = "connect(login = ${ReceivedText.quoted(user)} to …)$site"
        val timeout = loginTimeout.toKotlinDuration()
        client.received.awaitText(usernamePrompt, timeout, "$call waiting for ${ReceivedText.quoted(usernamePrompt)}")
        client.typeLine(user)
        client.received.awaitText(passwordPrompt, timeout, "$call waiting for ${ReceivedText.quoted(passwordPrompt)}")
        client.typeLine(password)
        client.received.awaitPrompt(prompt, timeout, "$call waiting for the shell prompt ${ReceivedText.quoted(prompt)}")
    }

}

/** ` at File.kt:42`, the test line calling the testkit, or nothing. */
private fun site(): String = CallSite.find()?.let { " at $it" } ?: ""

/**
 * A server started for a test, with the clients it hands out: [connect] gives a [TelnetTestClient]
 * connected to it (logged in, if asked); [close] closes every client and stops the server. The
 * kotest extension (`dev.telnetkit.testkit.kotest.TelnetServerExtension`) and the JUnit 5 one
 * (`dev.telnetkit.testkit.junit.TelnetServerExtension`) make one and close it after the tests.
 *
 * The server comes from a factory, called once at start: it should listen on port 0 (a free port,
 * read back from [port]).
 */
public class TelnetTestServer internal constructor(private val factory: Supplier<TelnetServer>) : TestServerPrompts(), AutoCloseable {
    private val clients = Collections.synchronizedList(ArrayList<AutoCloseable>())
    @Volatile private var running: TelnetServer? = null

    /** The terminal [connect] plays unless told otherwise (an xterm by default). */
    public var profile: TerminalProfile = TerminalProfile.XTERM

    /** The server under test; started before the first test. */
    public val server: TelnetServer get() = checkNotNull(running) { "the test server is not started" }

    /** The port the server listens on. */
    public val port: Int get() = server.port

    /** Whether the server is running (started and not yet closed). */
    public val isRunning: Boolean get() = running != null

    internal fun start() {
        if (running == null) running = runBlocking { factory.get().start() }
    }

    /**
     * Connects a client playing [profile]. With [login] (user name to password), waits for the
     * login prompts, answers them and waits for the shell's [prompt]; a failed wait names this call
     * and its line.
     */
    @JvmSynthetic
    public suspend fun connect(profile: TerminalProfile = this.profile, login: Pair<String, String>? = null): TelnetTestClient {
        val site = if (login != null) site() else ""
        val client = TelnetTestClient.connect("127.0.0.1", port, profile)
        clients += client
        if (login != null) logIn(client, login.first, login.second, site)
        return client
    }

    /** [connect] for Java: a client playing [profile] ([TelnetTestServer.profile] by default). */
    @JvmName("connect")
    @JvmOverloads
    public fun connectBlocking(profile: TerminalProfile = this.profile): TelnetTestClient = runBlocking { connect(profile) }

    /** [connect] with a login, for Java: the client is at the shell's prompt as [user]. */
    @JvmName("login")
    @JvmOverloads
    public fun loginBlocking(user: String, password: String, profile: TerminalProfile = this.profile): TelnetTestClient =
        runBlocking { connect(profile, user to password) }

    /** Closes the clients handed out so far (the server keeps running). */
    public fun closeClients() {
        val all = synchronized(clients) { clients.toList().also { clients.clear() } }
        all.forEach { runCatching { it.close() } }
    }

    /** Closes every client and stops the server at once. */
    override fun close() {
        closeClients()
        running?.let { runCatching { it.stopBlocking(Duration.ZERO) } }
        running = null
    }
}

/**
 * A server started for a test over an [InMemoryTransport]: no sockets, sessions start at once.
 * [connect] gives an [InMemoryClient] (logged in, if asked); [close] closes the clients and stops
 * the server. The factory receives the transport to build the server on
 * (`TelnetServer.builder().transport(memory)`, or `transport = memory` in the DSL).
 */
public class InMemoryTestServer internal constructor(private val factory: Function<InMemoryTransport, TelnetServer>) : TestServerPrompts(), AutoCloseable {
    private val clients = Collections.synchronizedList(ArrayList<AutoCloseable>())
    @Volatile private var running: TelnetServer? = null
    @Volatile private var memory: InMemoryTransport? = null

    /** The server under test; started before the first test. */
    public val server: TelnetServer get() = checkNotNull(running) { "the test server is not started" }

    /** The transport the server serves. */
    public val transport: InMemoryTransport get() = checkNotNull(memory) { "the test server is not started" }

    internal fun start() {
        if (running != null) return
        val transport = InMemoryTransport()
        running = runBlocking { factory.apply(transport).start() }
        memory = transport
    }

    /**
     * Connects a user at [terminal] (an 80x24 xterm by default; see [InMemoryTransport.terminal]).
     * With [login] (user name to password), waits for the login prompts, answers them and waits for
     * the shell's [prompt].
     */
    @JvmSynthetic
    public suspend fun connect(terminal: PlainTerminal = PlainTerminal(), login: Pair<String, String>? = null): InMemoryClient {
        val site = if (login != null) site() else ""
        val client = transport.connect(terminal)
        clients += client
        if (login != null) logIn(client, login.first, login.second, site)
        return client
    }

    /** [connect] for Java. */
    @JvmName("connect")
    @JvmOverloads
    public fun connectBlocking(terminal: PlainTerminal = PlainTerminal()): InMemoryClient = runBlocking { connect(terminal) }

    /** [connect] with a login, for Java. */
    @JvmName("login")
    @JvmOverloads
    public fun loginBlocking(user: String, password: String, terminal: PlainTerminal = PlainTerminal()): InMemoryClient =
        runBlocking { connect(terminal, user to password) }

    /** Closes the clients handed out so far (the server keeps running). */
    public fun closeClients() {
        val all = synchronized(clients) { clients.toList().also { clients.clear() } }
        all.forEach { runCatching { it.close() } }
    }

    /** Closes every client and stops the server at once. */
    override fun close() {
        closeClients()
        running?.let { runCatching { it.stopBlocking(Duration.ZERO) } }
        running = null
        memory = null
    }
}
