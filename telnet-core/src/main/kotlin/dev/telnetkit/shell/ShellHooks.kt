package dev.telnetkit.shell

import dev.telnetkit.session.Session
import dev.telnetkit.session.runBlockingCode


/** Computes the prompt for a session, each time it is shown (it may show the user or the time). */
public fun interface PromptProvider {
    /** The prompt for [session]. */
    public fun prompt(session: Session): String
}

/** Runs at a point in a session's life: `onSessionStart` or `onSessionEnd`. */
public fun interface SessionHook {
    /** Called with the [session]; may suspend. */
    public suspend fun run(session: Session)

    public companion object {
        /**
         * A hook for code that blocks (Java): it runs on a thread meant for blocking work, never on
         * a socket thread, and is interrupted if the session is cancelled meanwhile.
         */
        @JvmStatic
        public fun blocking(hook: BlockingSessionHook): SessionHook = SessionHook { session ->
            runBlockingCode { hook.run(session) }
        }
    }
}

/**
 * Decides a login. Return true to accept; false, or an exception, rejects it (the user is told
 * only that the login was incorrect, never which part).
 */
public fun interface Authenticator {
    /** Whether [username] with [password] may log in from [session]. */
    public suspend fun authenticate(session: Session, username: String, password: String): Boolean

    public companion object {
        /**
         * A check that blocks (a database or directory lookup from Java): it runs on a thread meant
         * for blocking work, never on a socket thread, and is interrupted when the login times out.
         */
        @JvmStatic
        public fun blocking(authenticator: BlockingAuthenticator): Authenticator = Authenticator { session, user, password ->
            runBlockingCode { authenticator.authenticate(session, user, password) }
        }
    }
}
