package dev.telnetkit.session

/**
 * Hears what happens to a server's sessions: for metrics, audit logs and session recording. Register
 * it with the server's settings (`observer(...)` in the DSL and the Java builder); every method has
 * an empty default, so an observer overrides only what it needs.
 *
 * Methods are called on the session's own threads, in the order things happen to that session, and
 * often (some once per command): keep them quick and never block. One that throws is logged and
 * the session goes on.
 */
public interface SessionObserver {
    /** [session] has started: its opening (negotiation, a TLS handshake) is done and its handler is about to run. */
    public fun sessionOpened(session: Session) {}

    /** [session] has ended, by either side; nothing more is written to it. */
    public fun sessionClosed(session: Session) {}

    /**
     * The shell ran [command] (its name as registered, not an alias) for [session] in [nanos]
     * nanoseconds; [failed] when it ended with an error (an exception, or a non-zero exit status).
     */
    public fun commandFinished(session: Session, command: String, nanos: Long, failed: Boolean) {}

    /**
     * A login attempt failed: [user] is the name given (null if none), [transport] the session's or
     * the connection's transport (`telnet`, `ssh`, `web`...). [session] is null where the transport
     * authenticates before any session exists (SSH).
     */
    public fun loginFailed(session: Session?, user: String?, transport: String) {}

    /** Logins from [host] are locked out after too many failures. */
    public fun loginLockedOut(host: String) {}

    /**
     * A Telnet option settled during the opening of [session]: [option] on the server's side when
     * [local] (WILL/WONT) or the client's (DO/DONT), [enabled] or refused.
     */
    public fun optionNegotiated(session: Session, option: Int, local: Boolean, enabled: Boolean) {}

    /**
     * [session] was cut off for [reason] (its client read too slowly and the output limit filled, it
     * stalled, or it broke the protocol): what it had queued was dropped.
     */
    public fun outputCutOff(session: Session, reason: String) {}
}
