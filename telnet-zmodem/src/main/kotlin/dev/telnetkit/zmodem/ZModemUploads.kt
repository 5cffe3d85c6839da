package dev.telnetkit.zmodem

import dev.telnetkit.session.InputTrigger
import dev.telnetkit.zmodem.protocol.ZModemAbort
import dev.telnetkit.session.Session
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.delay

private val logger = KotlinLogging.logger {}

/** Told the result of each upload [ZModemUploads] ran. */
public fun interface ZModemUploadListener {
    /** An upload on [session] ended with [result] (it has been summed up to the user already). */
    public fun uploaded(session: Session, result: ZModemResult)
}

/**
 * Uploads that start by themselves: once [install]ed on a session, when the user starts a ZModem
 * send in their terminal program (`sz file`, which announces itself with [ZModem.SENDER_HEADER])
 * while the session waits at a prompt (`readLine` or `readKey`), the files are received with
 * [settings], a one-line summary is written, and the prompt comes back.
 *
 * A receiver started in the terminal at a prompt (`rz`, announcing itself with
 * [ZModem.RECEIVER_HEADER]) has nothing to receive there: it is told to stop (the usual cancel,
 * so it ends at once instead of waiting out its timeouts), the user is told how downloads start,
 * and its header never reaches the prompt as typed text.
 *
 * ```kotlin
 * onSessionStart { ZModemUploads.of(ZModemReceiveSettings(uploadsOf(username))).install(this) }
 * ```
 *
 * ```java
 * ZModemUploads.of(ZModemReceiveSettings.builder(Path.of("uploads")).build()).install(session);
 * ```
 *
 * @property settings where uploads go and their limits.
 */
public class ZModemUploads private constructor(
    public val settings: ZModemReceiveSettings,
    private val listener: ZModemUploadListener?,
) {
    private val trigger = InputTrigger { session -> upload(session) }
    private val strayReceiver = InputTrigger { session -> refuseReceiver(session) }

    /** Starts watching [session]'s input for a ZModem sender (and a receiver with nothing to get). */
    public fun install(session: Session) {
        session.addInputTrigger(ZModem.SENDER_HEADER, trigger)
        session.addInputTrigger(ZModem.RECEIVER_HEADER, strayReceiver)
    }

    /** Stops watching [session]'s input. */
    public fun uninstall(session: Session) {
        session.removeInputTrigger(ZModem.SENDER_HEADER)
        session.removeInputTrigger(ZModem.RECEIVER_HEADER)
    }

    private suspend fun refuseReceiver(session: Session) {
        logger.info { "session ${session.id}: a ZModem receiver started with nothing to send; cancelled" }
        session.binaryTransfer { channel ->
            channel.write(ZModemAbort.SEQUENCE)
            channel.flush()
        }
        // A terminal program shows text again once its receiver has gone: give it that moment.
        delay(HINT_DELAY_MILLIS)
        session.writeLine()
        session.writeLine("No file is waiting to be sent: choose a download first, and your terminal's receiver starts by itself.")
    }

    private suspend fun upload(session: Session) {
        logger.info { "session ${session.id}: ZModem upload started" }
        val result = ZModem.receive(session, settings)
        session.writeLine()
        session.writeLine(ZModemSummary.of(result))
        listener?.uploaded(session, result)
    }

    public companion object {
        private const val HINT_DELAY_MILLIS = 300L

        /** Uploads into [settings]' folder; [listener] (optional) hears every result. */
        @JvmStatic
        @JvmOverloads
        public fun of(settings: ZModemReceiveSettings, listener: ZModemUploadListener? = null): ZModemUploads =
            ZModemUploads(settings, listener)
    }
}
