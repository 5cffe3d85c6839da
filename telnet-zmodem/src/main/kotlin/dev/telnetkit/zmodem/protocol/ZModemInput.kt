package dev.telnetkit.zmodem.protocol

/**
 * Buffered reading from a [ZModemStream] with a timeout on every wait, and the five-CAN cancel
 * watch: five CAN (0x18, which is also ZDLE) in a row end the transfer wherever they come, as valid
 * ZModem data never holds two ZDLE in a row.
 */
internal class ZModemInput(private val stream: ZModemStream, var timeoutMillis: Long) {
    private val buffer = ByteArray(32 * 1024)
    private var position = 0
    private var limit = 0
    private var cans = 0

    /** The next raw byte (0..255). */
    suspend fun byte(): Int {
        if (position == limit) fill()
        return buffered()
    }

    /** Whether a byte is buffered: then [buffered] takes it without suspending (the fast path of data). */
    fun hasBuffered(): Boolean = position < limit

    /** The next buffered byte; only after [hasBuffered] said there is one. */
    fun buffered(): Int {
        val b = buffer[position++].toInt() and 0xff
        if (b == ZModemBytes.CAN) {
            if (++cans >= CANCEL_COUNT) throw ZModemProblem.Cancelled()
        } else {
            cans = 0
        }
        return b
    }

    /** Puts the last byte read back (one byte only). */
    fun unread() {
        check(position > 0) { "nothing to unread" }
        position--
        if (buffer[position].toInt() and 0xff == ZModemBytes.CAN && cans > 0) cans-- // it is counted again when read again
    }

    /**
     * After a transfer that did not complete, takes what the other side still sends (a sender streams
     * on until it sees our abort) until it has been quiet for [quietMillis], at most [maxMillis] in
     * all, so that it does not reach the shell as typed text.
     */
    suspend fun drain(quietMillis: Long, maxMillis: Long) {
        position = limit
        val end = System.nanoTime() + maxMillis * 1_000_000
        while (System.nanoTime() < end) {
            if (stream.read(buffer, 0, buffer.size, quietMillis) <= 0) return
        }
    }

    private suspend fun fill() {
        val n = stream.read(buffer, 0, buffer.size, timeoutMillis)
        if (n == 0) throw ZModemProblem.Timeout(timeoutMillis)
        if (n < 0) throw ZModemProblem.Ended()
        position = 0
        limit = n
    }

    private companion object {
        const val CANCEL_COUNT = 5
    }
}
