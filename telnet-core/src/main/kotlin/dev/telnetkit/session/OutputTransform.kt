package dev.telnetkit.session

/**
 * A stage that every byte of a session's output passes through from a point in the stream on, such
 * as MCCP2's zlib compression. The output queue applies it when the transport takes what is queued,
 * one batch at a time and in order, so the bytes before the point stay as they were and the stage
 * sees each byte once. Set and removed by a Telnet option handler
 * ([dev.telnetkit.wire.TelnetOptionContext.startOutputTransform]).
 *
 * Called on the transport's thread, one call at a time; it need not be thread-safe.
 */
public interface OutputTransform {
    /**
     * Transforms [length] bytes of [bytes] from [offset], a batch of output in order, and returns
     * what to send for it. The result must let the client read everything given so far (a
     * compressor flushes: `SYNC_FLUSH`), since more output may not come for a long time.
     */
    public fun transform(bytes: ByteArray, offset: Int, length: Int): ByteArray

    /** The stage is removed: returns the bytes that end its stream (a compressor's trailer). */
    public fun finish(): ByteArray

    /** Releases what the stage holds (native memory); called once, after [finish] or without it when the session ends. */
    public fun close()
}
