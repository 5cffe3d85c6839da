package dev.telnetkit.zmodem.protocol

import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull

private val logger = KotlinLogging.logger {}

/** How a ZModem transfer is cancelled from our side: the bytes, and sending them whatever else happened. */
internal object ZModemAbort {
    /** Eight CAN then eight backspaces (to erase them from a terminal), as lrzsz sends; five CAN suffice. */
    val SEQUENCE: ByteArray = ByteArray(16) { if (it < 8) ZModemBytes.CAN.toByte() else ZModemBytes.BS.toByte() }

    /** How long sending the abort may take. */
    private const val SEND_MILLIS = 1_000L

    /** Sends [SEQUENCE] on [stream], even from a cancelled transfer; a failure is logged for [what]. */
    suspend fun send(stream: ZModemStream, what: String) {
        withContext(NonCancellable) {
            try {
                withTimeoutOrNull(SEND_MILLIS) {
                    stream.write(SEQUENCE, 0, SEQUENCE.size)
                    stream.flush()
                }
            } catch (e: Exception) {
                logger.debug { "ZModem $what: could not send the abort: ${e.message}" }
            }
        }
    }
}
