package dev.telnetkit.session

/**
 * What runs for each connection once the opening negotiation is done. The session ends when
 * [handle] returns or throws; it is cancelled when the client is cut off or the server stops
 * after its grace period.
 */
public fun interface SessionHandler {
    /** Serves one [session]; runs in the session's own coroutine. */
    public suspend fun handle(session: Session)

    public companion object {
        /**
         * A session handler for code that blocks (Java): it runs on a thread meant for blocking
         * work, never on a socket thread, using the session's blocking forms (`readLine`,
         * `writeLine`); it is interrupted when the session is cancelled.
         *
         * ```java
         * new TelnetServer(settings, SessionHandler.blocking(session -> {
         *     String line;
         *     while ((line = session.readLine("> ")) != null) session.writeLine("you said: " + line);
         * }));
         * ```
         */
        @JvmStatic
        public fun blocking(handler: BlockingSessionHandler): SessionHandler = SessionHandler { session ->
            runBlockingCode { handler.handle(session) }
        }
    }
}

/** A [SessionHandler] that may block, for Java: see [SessionHandler.blocking]. */
public fun interface BlockingSessionHandler {
    /** Serves one [session], blocking as long as it needs. */
    @Throws(Exception::class)
    public fun handle(session: Session)
}
