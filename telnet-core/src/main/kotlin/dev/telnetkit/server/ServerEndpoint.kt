package dev.telnetkit.server

import dev.telnetkit.transport.Transport

/**
 * One more place a server listens, beside its main port ([ServerSettings.port] over
 * [ServerSettings.transport]): a [transport] on [port]. Every endpoint serves the same handler,
 * limits, messages and `broadcast`. SSH comes this way (`SshSettings` from `telnet-ssh` is an
 * endpoint); [of] makes one for any other transport, such as Telnet on a second port.
 */
public interface ServerEndpoint {
    /** What carries this endpoint's connections. */
    public val transport: Transport

    /** The TCP port; 0 picks a free one (read it back from [TelnetServer.portOf]). */
    public val port: Int

    /** The address to bind, or null for the server's own [ServerSettings.host]. */
    public val host: String? get() = null

    public companion object {
        /** An endpoint for [transport] on [port], at [host] (null: the server's host). */
        @JvmStatic
        @JvmOverloads
        public fun of(transport: Transport, port: Int, host: String? = null): ServerEndpoint {
            require(port in 0..65535) { "port must be in 0..65535, was $port" }
            require(host == null || host.isNotBlank()) { "host must not be blank" }
            return SimpleEndpoint(transport, port, host)
        }
    }
}

private class SimpleEndpoint(
    override val transport: Transport,
    override val port: Int,
    override val host: String?,
) : ServerEndpoint {
    override fun toString(): String = "${transport.name} on ${host ?: "the server's host"}:$port"
}
