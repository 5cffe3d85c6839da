package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.nio.NioTransport
import java.util.ServiceLoader

/**
 * A way for clients to reach the server's sessions: it listens, accepts connections and moves their
 * bytes. The sessions, the shell and everything above never see which transport carries them.
 *
 * Select one in the server's settings: [nio] (the default: TelnetKit's own NIO event loop, with
 * optional TLS), `KtorTransport` from the `telnet-ktor` module, or `InMemoryTransport` from the
 * testkit. [named] finds one by its [name], for command lines and configuration files.
 */
public interface Transport {
    /** A short name for logs and command lines, such as `nio` or `ktor`. */
    public val name: String

    /**
     * Binds [host]:[port] (0 picks a free port) and starts handing every accepted connection to
     * [context]. Returns once bound.
     */
    @EngineApi
    public suspend fun listen(host: String, port: Int, context: ListenContext): Listener

    public companion object {
        /** TelnetKit's own NIO event loop: the default, with TLS available through the server's settings. */
        @JvmStatic
        public fun nio(): Transport = NioTransport

        /**
         * The transport called [name]: `nio`, or one found on the class path through
         * [ServiceLoader] (`ktor` when `telnet-ktor` is there, `memory` from the testkit).
         * @throws IllegalArgumentException naming the transports that are available.
         */
        @JvmStatic
        public fun named(name: String): Transport {
            if (name.equals(NioTransport.name, ignoreCase = true)) return NioTransport
            val found = ServiceLoader.load(TransportProvider::class.java, Transport::class.java.classLoader).toList()
            found.firstOrNull { it.name.equals(name, ignoreCase = true) }?.let { return it.create() }
            val known = listOf(NioTransport.name) + found.map { it.name }
            throw IllegalArgumentException("unknown transport '$name'; available: ${known.joinToString(", ")}")
        }
    }
}
