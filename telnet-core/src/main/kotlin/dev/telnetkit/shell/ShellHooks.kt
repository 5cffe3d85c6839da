package dev.telnetkit.shell

import dev.telnetkit.server.TelnetSession

/** Computes the prompt for a session, each time it is shown (it may show the user or the time). */
public fun interface PromptProvider {
    /** The prompt for [session]. */
    public fun prompt(session: TelnetSession): String
}

/** Runs at a point in a session's life: `onSessionStart` or `onSessionEnd`. */
public fun interface SessionHook {
    /** Called with the [session]; may suspend. */
    public suspend fun run(session: TelnetSession)
}

/**
 * Decides a login. Return true to accept; false, or an exception, rejects it (the user is told
 * only that the login was incorrect, never which part).
 */
public fun interface Authenticator {
    /** Whether [username] with [password] may log in from [session]. */
    public suspend fun authenticate(session: TelnetSession, username: String, password: String): Boolean
}
