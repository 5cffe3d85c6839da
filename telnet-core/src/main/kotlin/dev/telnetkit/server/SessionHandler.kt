package dev.telnetkit.server

/**
 * What runs for each connection once the opening negotiation is done. The session ends when
 * [handle] returns or throws; it is cancelled when the client is cut off or the server stops
 * after its grace period.
 */
public fun interface SessionHandler {
    /** Serves one [session]; runs in the session's own coroutine. */
    public suspend fun handle(session: TelnetSession)
}
