package dev.telnetkit.zmodem.protocol

/**
 * The byte stream a ZModem engine runs over: a session's binary channel, or a pipe to an lrzsz
 * process in tests and benchmarks.
 */
internal interface ZModemStream {
    /**
     * Reads up to [length] bytes, waiting at most [timeoutMillis] ([Long.MAX_VALUE]: no limit) for
     * the first: the number read, 0 when none came in time (and nothing was lost), -1 at the end.
     */
    suspend fun read(buffer: ByteArray, offset: Int, length: Int, timeoutMillis: Long): Int

    /** Writes [length] bytes of [bytes] from [offset]. */
    suspend fun write(bytes: ByteArray, offset: Int, length: Int)

    /** Waits until everything written has been handed on. */
    suspend fun flush()
}
