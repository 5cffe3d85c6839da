package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
/**
 * Takes a connection's input, one call at a time, on the connection's dispatcher thread. The bytes
 * passed to [onData] are valid only during the call.
 */
@EngineApi
public interface ConnectionReader {
    /** The most bytes one [onData] call should carry. */
    public val maxChunk: Int

    /** [length] bytes arrived at [offset] of [bytes]. */
    public fun onData(bytes: ByteArray, offset: Int, length: Int)

    /** The client closed its side: no more input. */
    public fun onEnd()

    /** Reading failed (a reset, a broken TLS record): the connection is unusable. */
    public fun onFailure(error: Throwable)
}
