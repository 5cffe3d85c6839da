package dev.telnetkit.transport.nio

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.tls.TlsSettings
import javax.net.ssl.SSLContext

/** TelnetKit's own NIO event loop: see [Transport.nio]. */
internal object NioTransport : Transport {
    override val name: String get() = "nio"

    @EngineApi
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener =
        NioListener.bind(host, port, context)

    /**
     * [listen] with TLS: every connection is a [TlsNioConnection] speaking [tls] with engines of
     * [sslContext] (built once, by the server's start, from [tls]).
     */
    @EngineApi
    suspend fun listenTls(host: String, port: Int, context: ListenContext, tls: TlsSettings, sslContext: SSLContext): Listener =
        NioListener.bind(host, port, context) { socket, remote, remoteHost -> TlsNioConnection(socket, remote, remoteHost, tls, sslContext) }

    override fun toString(): String = name
}
