package dev.telnetkit.session

/**
 * The raw 8-bit path of a session during [Session.binaryTransfer]: the bytes the client sends, with
 * the wire protocol removed (Telnet: IAC unescaped, negotiation taken out), and bytes to send that
 * reach the client as they are (Telnet doubles IAC). For file transfer protocols such as ZModem.
 *
 * Kotlin-only (suspending); not thread-safe: one coroutine reads, and writes come from one at a time.
 */
public interface BinaryChannel {
    /**
     * True when the client's bytes arrive unchanged: Telnet BINARY agreed for the client's side (or
     * a transport that is 8-bit clean anyway, such as SSH). When false, a Telnet client in NVT mode
     * may turn CR into CR NUL or CR LF, which arrive as a lone CR: the protocol on top should escape
     * CR (ZModem: ask the sender to escape control characters).
     */
    public val binaryInput: Boolean

    /** True when bytes sent reach the client unchanged (Telnet BINARY agreed for the server's side). */
    public val binaryOutput: Boolean

    /**
     * Reads at least one byte into [buffer], suspending until some arrive; the number read, or -1
     * when the input has ended. To wait a bounded time use [readWithin], not `withTimeoutOrNull`
     * around this: a timeout can fire just as the read returns, and what it read would be lost.
     */
    @JvmSynthetic
    public suspend fun read(buffer: ByteArray, offset: Int = 0, length: Int = buffer.size): Int

    /**
     * [read], waiting at most [timeout] for the first byte: 0 when none came in time (nothing is
     * lost then), -1 when the input has ended.
     */
    @JvmSynthetic
    public suspend fun readWithin(timeout: kotlin.time.Duration, buffer: ByteArray, offset: Int = 0, length: Int = buffer.size): Int

    /**
     * Queues [length] bytes of [bytes] from [offset] for the client, suspending while too much is
     * unread; a client that reads nothing for the server's `outputStallTimeout` is cut off.
     */
    @JvmSynthetic
    public suspend fun write(bytes: ByteArray, offset: Int = 0, length: Int = bytes.size)

    /** Waits until everything written so far has been handed to the transport. */
    @JvmSynthetic
    public suspend fun flush()
}
