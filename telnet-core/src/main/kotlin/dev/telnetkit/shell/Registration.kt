package dev.telnetkit.shell

import dev.telnetkit.session.Session
import dev.telnetkit.session.runBlockingCode

/**
 * Signs a new user up from the login prompt: when the user name typed at the `Username:` prompt is
 * [LoginSettings.registrationKeyword] (`new` by default), the login runs this instead of asking for
 * a password.
 *
 * It holds the dialogue on [Session] (the name wanted, a password read with echo off, …) and
 * answers the name of the user it registered, who is then logged in with it as `Session.username`;
 * null means the user gave up or registering failed, and the login asks for a user name again.
 * It runs within [LoginSettings.timeout], like the rest of the login, and counts as one of its
 * [LoginSettings.maxAttempts] (never as a failed login).
 */
public fun interface Registration {
    /** Runs the sign-up dialogue on [session]: the registered user's name, or null when none was. */
    public suspend fun register(session: Session): String?

    public companion object {
        /**
         * A registration that blocks (Java, a database insert): it runs on a thread meant for
         * blocking work, never on a socket thread, and is interrupted when the login times out.
         */
        @JvmStatic
        public fun blocking(registration: BlockingRegistration): Registration = Registration { session ->
            runBlockingCode { registration.register(session) }
        }
    }
}

/** A [Registration] for Java; it may block (see [Registration.blocking]). */
public fun interface BlockingRegistration {
    /** Runs the sign-up dialogue on [session]: the registered user's name, or null when none was. */
    @Throws(Exception::class)
    public fun register(session: Session): String?
}
