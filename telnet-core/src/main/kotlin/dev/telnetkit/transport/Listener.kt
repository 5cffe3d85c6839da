package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
/** A bound [Transport]: accepts connections until [stopAccepting]. */
@EngineApi
public interface Listener {
    /** The port bound, or -1 where there is none (in memory). */
    public val port: Int

    /** Stops accepting new connections and releases the port; connections already accepted go on. */
    public fun stopAccepting()

    /** Releases the transport's threads and selectors, once every connection has ended. */
    public suspend fun close()
}
