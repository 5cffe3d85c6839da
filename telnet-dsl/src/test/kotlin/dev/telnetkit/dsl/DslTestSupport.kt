package dev.telnetkit.dsl

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import kotlin.time.Duration.Companion.milliseconds

/** Builds a server on a free port with [configure], starts it, runs [block] and stops it. */
internal suspend fun serving(configure: TelnetServerScope.() -> Unit, block: suspend (TelnetServer) -> Unit) {
    val server = telnetServer {
        port = 0
        connectMaxWait = 300.milliseconds
        configure()
    }.start()
    try {
        block(server)
    } finally {
        server.stop()
    }
}

/** A testkit client connected to this server. */
internal suspend fun TelnetServer.connect(profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient =
    TelnetTestClient.connect("127.0.0.1", port, profile)

/** True if [needle] occurs in this byte array. */
internal fun ByteArray.containsSequence(needle: ByteArray): Boolean =
    (0..size - needle.size).any { start -> needle.indices.all { this[start + it] == needle[it] } }

/** The cursor's row of the client's screen. */
internal fun TelnetTestClient.cursorLine(): String = screen.rowText(screen.cursorRow)
