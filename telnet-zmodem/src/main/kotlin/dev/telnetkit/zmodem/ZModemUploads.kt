package dev.telnetkit.zmodem

import dev.telnetkit.session.InputTrigger
import dev.telnetkit.session.Session
import io.github.oshai.kotlinlogging.KotlinLogging

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

    /** Starts watching [session]'s input for a ZModem sender. */
    public fun install(session: Session) {
        session.addInputTrigger(ZModem.SENDER_HEADER, trigger)
    }

    /** Stops watching [session]'s input. */
    public fun uninstall(session: Session) {
        session.removeInputTrigger(ZModem.SENDER_HEADER)
    }

    private suspend fun upload(session: Session) {
        logger.info { "session ${session.id}: ZModem upload started" }
        val result = ZModem.receive(session, settings)
        session.writeLine()
        session.writeLine(ZModemSummary.of(result))
        listener?.uploaded(session, result)
    }

    public companion object {
        /** Uploads into [settings]' folder; [listener] (optional) hears every result. */
        @JvmStatic
        @JvmOverloads
        public fun of(settings: ZModemReceiveSettings, listener: ZModemUploadListener? = null): ZModemUploads =
            ZModemUploads(settings, listener)
    }
}
