package dev.telnetkit.wire

/**
 * A stage that the client's bytes pass through, from a point in the stream on, before Telnet
 * decodes them: MCCP3's decompression. Started by a [TelnetOptionHandler] with
 * [TelnetOptionContext.startInputTransform] while it handles the subnegotiation that announces it;
 * the bytes right after that subnegotiation are the first it sees. Called on the connection's
 * dispatcher, one call at a time.
 */
public interface InputTransform {
    /**
     * Decodes [length] bytes of [bytes] from [offset], handing what they stand for to [sink] in
     * order. Returns how many bytes it used: all of them while its stream goes on, fewer when its
     * stream ended inside them (the rest is plain Telnet again and the stage is removed).
     *
     * It must bound what it hands on per call (a decompression bomb is the client's problem, not
     * the server's memory) and throw [java.io.IOException] for a stream that is corrupt or exceeds
     * its bounds: the session is then cut off, and only that session.
     */
    public fun transform(bytes: ByteArray, offset: Int, length: Int, sink: PlainInput): Int

    /** Releases what the stage holds (native memory); called once, when it is removed or the session ends. */
    public fun close()
}

/** Receives the bytes an [InputTransform] decoded, for the Telnet decoder. */
public fun interface PlainInput {
    /** Takes [length] bytes of [bytes] from [offset]; they are decoded before this returns. */
    public fun accept(bytes: ByteArray, offset: Int, length: Int)
}
