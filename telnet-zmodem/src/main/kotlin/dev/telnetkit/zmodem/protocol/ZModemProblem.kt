package dev.telnetkit.zmodem.protocol

/**
 * Why reading a frame failed. Expected events of a transfer, not bugs: they carry no stack trace.
 * [Recoverable] ones (a bad CRC, a bad escape, an overlong subpacket, too much garbage) are answered
 * by asking the sender again; the others end the transfer.
 */
internal sealed class ZModemProblem(message: String) : Exception(message, null, false, false) {
    /** The peer sent nothing for the configured timeout. */
    class Timeout(millis: Long) : ZModemProblem("the other side sent nothing for ${millis / 1000.0} s")

    /** The input ended (connection closed, process gone). */
    class Ended : ZModemProblem("the connection ended during the transfer")

    /** The peer sent five CAN (Ctrl-X) in a row. */
    class Cancelled : ZModemProblem("the other side cancelled the transfer")

    /** A frame could not be read; the sender can be asked again. */
    class Recoverable(message: String) : ZModemProblem(message)
}
