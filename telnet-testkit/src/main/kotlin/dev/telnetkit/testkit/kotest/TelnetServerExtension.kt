package dev.telnetkit.testkit.kotest

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InMemoryTestServer
import dev.telnetkit.testkit.InMemoryTransport
import dev.telnetkit.testkit.TelnetTestServer
import io.kotest.core.extensions.MountableExtension
import io.kotest.core.listeners.AfterSpecListener
import io.kotest.core.spec.Spec
import java.util.function.Function
import java.util.function.Supplier

/**
 * A kotest extension that starts a server for a spec and stops it, with every client it handed
 * out, after the spec. Install it in the spec; `install` returns the running [TelnetTestServer]:
 *
 * ```kotlin
 * class GreetingSpec : FunSpec({
 *     val server = install(TelnetServerExtension { telnetServer { port = 0; welcome = "Welcome" } })
 *
 *     test("greets") {
 *         val client = server.connect(login = "ann" to "secret")
 *         client.sendLine("hello")
 *         client shouldShow "hello, ann"
 *     }
 * })
 * ```
 *
 * [factory] builds the server (not started; it should listen on port 0, a free port) when the
 * spec is created. The block given to `install` sets the prompts a login waits for
 * (`install(...) { prompt = "$ " }`).
 */
public class TelnetServerExtension(private val factory: Supplier<TelnetServer>) :
    MountableExtension<TelnetTestServer, TelnetTestServer>, AfterSpecListener {
    private var testServer: TelnetTestServer? = null

    @JvmSynthetic
    override fun mount(configure: TelnetTestServer.() -> Unit): TelnetTestServer {
        val server = TelnetTestServer(factory)
        testServer = server
        server.configure()
        server.start()
        return server
    }

    @JvmSynthetic
    override suspend fun afterSpec(spec: Spec) {
        testServer?.close()
    }
}

/**
 * A kotest extension like [TelnetServerExtension] over an [InMemoryTransport]: no sockets, and
 * sessions start at once. [factory] builds the server on the transport it is given; `install`
 * returns the running [InMemoryTestServer]:
 *
 * ```kotlin
 * val server = install(InMemoryServerExtension { memory -> telnetServer { transport = memory } })
 * ```
 */
public class InMemoryServerExtension(private val factory: Function<InMemoryTransport, TelnetServer>) :
    MountableExtension<InMemoryTestServer, InMemoryTestServer>, AfterSpecListener {
    private var testServer: InMemoryTestServer? = null

    @JvmSynthetic
    override fun mount(configure: InMemoryTestServer.() -> Unit): InMemoryTestServer {
        val server = InMemoryTestServer(factory)
        testServer = server
        server.configure()
        server.start()
        return server
    }

    @JvmSynthetic
    override suspend fun afterSpec(spec: Spec) {
        testServer?.close()
    }
}
