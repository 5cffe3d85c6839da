package dev.telnetkit.zmodem.protocol

/**
 * The byte stream a ZModem engine runs over: a session's binary channel, or a pipe to an lrzsz
 * process in tests and benchmarks. [read] must be cancellation-safe (a read cancelled by a timeout
 * loses no byte), because the engines put a timeout around every read.
 */
internal interface ZModemStream {
    /** Reads up to [length] bytes; -1 when the input has ended. */
    suspend fun read(buffer: ByteArray, offset: Int, length: Int): Int

    /** Writes [length] bytes of [bytes] from [offset]. */
    suspend fun write(bytes: ByteArray, offset: Int, length: Int)

    /** Waits until everything written has been handed on. */
    suspend fun flush()
}
