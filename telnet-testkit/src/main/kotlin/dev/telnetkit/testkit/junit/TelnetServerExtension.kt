package dev.telnetkit.testkit.junit

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TelnetTestServer
import dev.telnetkit.testkit.TerminalProfile
import org.junit.jupiter.api.extension.AfterAllCallback
import org.junit.jupiter.api.extension.AfterEachCallback
import org.junit.jupiter.api.extension.BeforeAllCallback
import org.junit.jupiter.api.extension.BeforeEachCallback
import org.junit.jupiter.api.extension.ExtensionContext
import java.util.function.Supplier

/**
 * A JUnit 5 extension that starts a server for a test class and stops it after, for Java tests:
 *
 * ```java
 * @RegisterExtension
 * static TelnetServerExtension server = TelnetServerExtension.of(() -> TelnetServer.builder().port(0).build());
 *
 * @Test
 * void greets() {
 *     TelnetTestClient client = server.login("ann", "secret");
 *     client.sendLine("hello");
 *     client.awaitText("hello, ann");
 * }
 * ```
 *
 * Registered on a static field, the server runs for the whole class; on an instance field, for
 * each test. The clients it hands out are closed after each test. The factory builds the server
 * (not started); it should listen on port 0, a free port.
 */
public class TelnetServerExtension private constructor(factory: Supplier<TelnetServer>) :
    BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private val testServer = TelnetTestServer(factory)
    @Volatile private var perTest = false

    /** Sets the shell's prompt a login waits for (`> ` by default). */
    public fun prompt(prompt: String): TelnetServerExtension = apply { testServer.prompt = prompt }

    /** Sets the login's prompts (`Username: ` and `Password: ` by default). */
    public fun loginPrompts(usernamePrompt: String, passwordPrompt: String): TelnetServerExtension = apply {
        testServer.usernamePrompt = usernamePrompt
        testServer.passwordPrompt = passwordPrompt
    }

    /** The server under test. */
    public fun server(): TelnetServer = testServer.server

    /** The port it listens on. */
    public fun port(): Int = testServer.port

    /** A client connected to the server, playing an xterm. */
    public fun connect(): TelnetTestClient = testServer.connectBlocking()

    /** A client connected to the server, playing [profile]. */
    public fun connect(profile: TerminalProfile): TelnetTestClient = testServer.connectBlocking(profile)

    /**
     * A client logged in as [user] with [password]: the login prompts were answered and the shell's
     * prompt was received. Throws [AssertionError] naming the test line if a prompt does not come.
     */
    public fun login(user: String, password: String): TelnetTestClient = testServer.loginBlocking(user, password)

    override fun beforeAll(context: ExtensionContext) {
        testServer.start()
    }

    override fun beforeEach(context: ExtensionContext) {
        if (!testServer.isRunning) {
            perTest = true
            testServer.start()
        }
    }

    override fun afterEach(context: ExtensionContext) {
        if (perTest) testServer.close() else testServer.closeClients()
    }

    override fun afterAll(context: ExtensionContext) {
        testServer.close()
    }

    /** Factories. */
    public companion object {
        /** An extension serving the server [factory] builds (not started; on port 0). */
        @JvmStatic
        public fun of(factory: Supplier<TelnetServer>): TelnetServerExtension = TelnetServerExtension(factory)
    }
}
