package dev.telnetkit.transport.tls

import java.nio.ByteBuffer
import javax.net.ssl.SSLException

/** Takes application bytes a [TlsEngineDriver] decrypted; they are valid only during the call. */
internal fun interface TlsDataSink {
    fun onData(bytes: ByteArray, offset: Int, length: Int)
}

/**
 * Takes network bytes a [TlsEngineDriver] produced: writes what it can of [buffer] now (position
 * to limit), advancing its position, without blocking if it is a non-blocking socket. What it does
 * not take the driver keeps and offers again ([TlsEngineDriver.flush]).
 */
internal fun interface TlsNetworkSink {
    fun write(buffer: ByteBuffer)

    companion object {
        /** Takes nothing: everything stays with the driver, for [TlsEngineDriver.takePendingOutput]. */
        val HOLD: TlsNetworkSink = TlsNetworkSink { }
    }
}

/**
 * A TLS failure, its message written for a log line: what went wrong, then the JDK's words in
 * brackets. [sendNothing]: the peer does not speak TLS, so no alert or close_notify is sent to it;
 * [closeQuietly]: the driver refused the peer itself, and sends a close_notify rather than an alert.
 */
internal class TlsException(
    message: String,
    cause: Throwable? = null,
    val sendNothing: Boolean = false,
    val closeQuietly: Boolean = false,
) : SSLException(message, cause)
