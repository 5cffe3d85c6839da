package dev.telnetkit.shell

import dev.telnetkit.session.Session
import dev.telnetkit.session.runBlockingCode


/**
 * Computes the prompt for a session, each time it is shown (it may show the user or the time).
 *
 * Threading: the shell calls it on the session's event loop, shared with other sessions, so it must
 * be quick and must not block unless wrapped with [blocking]. `TelnetServerBuilder.prompt`, the Java
 * face, wraps what it is given that way.
 */
public fun interface PromptProvider {
    /** The prompt for [session]. */
    public fun prompt(session: Session): String

    public companion object {
        /**
         * [provider], run where blocking is allowed (never on an event-loop thread) and interrupted
         * if the session ends meanwhile. Wrapping twice changes nothing.
         */
        @JvmStatic
        public fun blocking(provider: PromptProvider): PromptProvider =
            provider as? BlockingPromptProvider ?: BlockingPromptProvider(provider)
    }
}

/** A provider marked with [PromptProvider.blocking]; the shell runs [delegate] on the blocking executor. */
internal class BlockingPromptProvider(val delegate: PromptProvider) : PromptProvider {
    override fun prompt(session: Session): String = delegate.prompt(session)
}

/** The prompt for [session]: a [PromptProvider.blocking] provider runs with [runBlockingCode]. */
internal suspend fun PromptProvider.promptFor(session: Session): String =
    if (this is BlockingPromptProvider) runBlockingCode { delegate.prompt(session) } else prompt(session)

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
