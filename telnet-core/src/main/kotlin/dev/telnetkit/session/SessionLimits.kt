package dev.telnetkit.session

import java.nio.charset.Charset
import java.time.Duration

/** The settings a [Session] itself works with; the server fills them in from its own settings. */
internal class SessionLimits(
    val charset: Charset,
    val outputBufferLimit: Int,
    val outputStallTimeout: Duration,
    val maxLineLength: Int,
    val historySize: Int,
    val escapeTimeout: Duration,
    /** The server's statistics and observers, shared by all its sessions. */
    val events: SessionEvents = SessionEvents.NONE,
)
