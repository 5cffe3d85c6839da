package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.ServerStatistics
import dev.telnetkit.session.Session
import dev.telnetkit.shell.LoginLockout
import kotlinx.coroutines.CoroutineScope

/** What the server gives a [Transport] when it starts listening. */
@EngineApi
public interface ListenContext {
    /** The parent of everything the transport starts; cancelled when the server has stopped. */
    public val scope: CoroutineScope

    /** Threads the transport may use for its sockets and sessions, when it has its own (one per core by default). */
    public val threads: Int

    /** Connections the operating system may hold waiting to be accepted. */
    public val backlog: Int

    /**
     * Failed logins per address, shared with the shell's login: a transport that authenticates users
     * itself (SSH) runs every attempt through it, so that failures over any transport count together.
     */
    public val loginLockout: LoginLockout

    /**
     * False while the server has as many connections still opening as it allows
     * (`ServerSettings.maxStartups`): a transport that can should leave further connections
     * unaccepted for a moment (they wait in the backlog) rather than accept and have them refused.
     */
    public val acceptsMore: Boolean get() = true

    /** The server's sessions now, over every transport, by id: what an admin view lists. */
    public val sessions: List<Session> get() = emptyList()

    /** The server's running totals (sessions, commands, logins, bytes), or null where there are none. */
    public val statistics: ServerStatistics? get() = null

    /** A new connection: the server starts its session, or refuses it. Returns at once; never blocks. */
    public fun accepted(connection: Connection)
}
