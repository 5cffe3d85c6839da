package dev.telnetkit.zmodem

import dev.telnetkit.session.Session
import dev.telnetkit.zmodem.protocol.BinaryChannelStream
import dev.telnetkit.zmodem.protocol.ZModemReceiver
import dev.telnetkit.zmodem.protocol.ZModemSender
import kotlinx.coroutines.runBlocking
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * ZModem file transfer on a session, both ways, written against Chuck Forsberg's protocol document
 * (no maintained JVM library exists): CRC-16 and CRC-32, ZDLE escaping, resume from ZRPOS, five
 * Ctrl-X to cancel. The transfer runs inside [Session.binaryTransfer]: over Telnet BINARY is asked
 * both ways for it and given back afterwards (when a client refuses BINARY, control characters are
 * escaped so that CR survives); over SSH the bytes pass as they are. Every wait is bounded by a
 * timeout, and a transfer that fails or is cancelled ends with a [ZModemResult], never an exception.
 *
 * - [receive]: the user's terminal program sends (`sz file`, or its upload menu); files land in the
 *   settings' folder. For uploads that start by themselves at the prompt, see [ZModemUploads].
 * - [send]: the user's terminal program receives (its `rz`, or the ZModem auto-download most
 *   terminal programs have).
 *
 * ```java
 * ZModemResult result = ZModem.receiveBlocking(session, ZModemReceiveSettings.builder(Path.of("uploads")).build());
 * ZModem.sendBlocking(session, List.of(Path.of("files/readme.txt")));
 * ```
 */
public object ZModem {
    /** The start of the header a ZModem sender announces itself with (`**`, ZDLE, `B00`). */
    public const val SENDER_HEADER: String = "**\u0018B00"

    /** The start of the header a ZModem receiver announces itself with (`**`, ZDLE, `B01`: ZRINIT). */
    public const val RECEIVER_HEADER: String = "**\u0018B01"

    /** The default timeout of [send]: how long the receiver may stay silent. */
    @JvmField
    public val DEFAULT_TIMEOUT: Duration = Duration.ofSeconds(30)

    /** Receives files from the user's terminal program into [settings]' folder. */
    @JvmSynthetic
    public suspend fun receive(session: Session, settings: ZModemReceiveSettings): ZModemResult {
        require(Files.isDirectory(settings.folder)) { "the upload folder ${settings.folder} is not a folder" }
        return session.binaryTransfer { channel ->
            ZModemReceiver(BinaryChannelStream(channel), settings, escapeControl = !channel.binaryInput).run()
        }
    }

    /** Sends [files] to the user's terminal program; [timeout] bounds every wait for its answers. */
    @JvmSynthetic
    public suspend fun send(session: Session, files: List<Path>, timeout: Duration = DEFAULT_TIMEOUT): ZModemResult {
        require(files.isNotEmpty()) { "no files to send" }
        files.forEach { require(Files.isRegularFile(it)) { "$it is not a readable file" } }
        require(!timeout.isNegative && !timeout.isZero) { "timeout must be positive: $timeout" }
        return session.binaryTransfer { channel ->
            ZModemSender(BinaryChannelStream(channel), files, timeout.toMillis(), escapeControl = !channel.binaryOutput).run()
        }
    }

    /** [receive] for Java and blocking handlers (not on an event-loop thread). */
    @JvmStatic
    public fun receiveBlocking(session: Session, settings: ZModemReceiveSettings): ZModemResult =
        runBlocking { receive(session, settings) }

    /** [send] for Java and blocking handlers (not on an event-loop thread). */
    @JvmStatic
    @JvmOverloads
    public fun sendBlocking(session: Session, files: List<Path>, timeout: Duration = DEFAULT_TIMEOUT): ZModemResult =
        runBlocking { send(session, files, timeout) }
}
