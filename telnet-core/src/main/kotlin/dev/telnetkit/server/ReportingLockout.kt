package dev.telnetkit.server

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.SessionEvents
import dev.telnetkit.shell.LoginLockout

/**
 * The server's [LoginLockout] as one transport sees it: every refused attempt is reported as a
 * failed login over [transport] (a transport such as SSH authenticates before any session exists;
 * the lockouts themselves the lockout reports).
 */
@OptIn(EngineApi::class)
internal class ReportingLockout(
    private val lockout: LoginLockout,
    private val events: SessionEvents,
    private val transport: String,
) : LoginLockout by lockout {
    override suspend fun attempt(address: String, check: suspend () -> Boolean): LoginLockout.Outcome {
        val outcome = lockout.attempt(address, check)
        if (outcome == LoginLockout.Outcome.REJECTED) events.loginFailed(null, null, transport)
        return outcome
    }
}
