package dev.telnetkit.transport.nio

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport

/** TelnetKit's own NIO event loop: see [Transport.nio]. */
internal object NioTransport : Transport {
    override val name: String get() = "nio"

    @EngineApi
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener =
        NioListener.bind(host, port, context)

    override fun toString(): String = name
}
