package dev.telnetkit.shell

import kotlin.time.Duration.Companion.milliseconds
import dev.telnetkit.session.Session
import dev.telnetkit.session.LogText

import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

private const val MAX_DELAY_STEPS = 30

/** Runs the login prompts of [settings] for one session. */
internal class LoginFlow(private val settings: LoginSettings) {
    /** True once the user is in; false when the attempts or the time ran out, the address is locked out, or the input ended. */
    suspend fun run(session: Session): Boolean {
        if (refusedForLockout(session)) return false
        val outcome = withTimeoutOrNull(settings.timeout.toKotlinDuration()) { attempts(session) }
        if (outcome == null) {
            logger.info { "session ${session.id} (${session.remoteAddress}): login timed out" }
            session.writeLine("")
            session.writeLine("Login timed out.")
            return false
        }
        return outcome
    }

    /** True (and the user told) if the session's address is locked out now. */
    private suspend fun refusedForLockout(session: Session): Boolean {
        if (settings.throttle.lockedFor(session.remoteHost) <= 0) return false
        logger.warn { "session ${session.id} (${session.remoteAddress}): login refused, the address is locked out after failed logins" }
        session.writeLine(LOCKED_OUT)
        return true
    }

    private suspend fun attempts(session: Session): Boolean {
        val address = session.remoteHost
        var lastLocked: Boolean
        for (attempt in 1..settings.maxAttempts) {
            val user = if (settings.askUsername) session.readLine(settings.usernamePrompt, history = false) ?: return false else ""
            val registration = settings.registration
            if (registration != null && user.trim().equals(settings.registrationKeyword, ignoreCase = true)) {
                val registered = register(session, registration) ?: continue
                session.username = registered
                return true
            }
            val password = if (settings.askPassword) session.readLine(settings.passwordPrompt, echo = false, history = false) ?: return false else ""
            // Checked again before every attempt: other sessions from the address may have locked it
            // meanwhile, or may be about to (their attempts are under way on other threads).
            while (true) {
                when (settings.throttle.begin(address)) {
                    LoginThrottle.Attempt.GO -> break
                    LoginThrottle.Attempt.LOCKED -> {
                        refusedForLockout(session)
                        return false
                    }
                    LoginThrottle.Attempt.WAIT -> delay(ATTEMPT_POLL)
                }
            }
            var accepted = false
            try {
                accepted = try {
                    settings.authenticator.authenticate(session, user, password)
                } catch (e: CancellationException) {
                    throw e
                } catch (e: Exception) {
                    // Its message may quote the password: that is blanked out, and the message escaped.
                    logger.warn { "session ${session.id}: the authenticator failed (${LogText.escape(LogText.redact(e.toString(), listOf(password)))}); counting it as a rejection" }
                    false
                }
            } finally {
                // A cancelled attempt counts as a failure: it must not leave the address's count open.
                lastLocked = settings.throttle.finish(address, accepted)
            }
            if (accepted) {
                session.username = user.takeIf { settings.askUsername }
                return true
            }
            logger.info { "session ${session.id} (${session.remoteAddress}): login attempt $attempt failed" }
            session.events.loginFailed(session, user.takeIf { settings.askUsername }, session.transport)
            val locked = lastLocked
            // The delay comes before the answer, so that even one attempt per connection is slowed:
            // longer with each failure in this session, and with each recent one from the address.
            val steps = maxOf(attempt, settings.throttle.failures(address)).coerceAtMost(MAX_DELAY_STEPS)
            delay(settings.failureDelay.toKotlinDuration() * steps)
            // Never say which part was wrong.
            session.writeLine("Login incorrect.")
            if (locked) {
                logger.warn { "address ${LogText.escape(address)} locked out for ${settings.lockoutDuration.seconds} s after ${settings.lockoutThreshold} failed logins" }
                session.writeLine(LOCKED_OUT)
                return false
            }
        }
        session.writeLine("Too many failed attempts.")
        return false
    }

    /** Runs [registration]: the new user's name, or null (also when it failed: the user is told, the log says why). */
    private suspend fun register(session: Session, registration: Registration): String? {
        val name = try {
            registration.register(session)
        } catch (e: CancellationException) {
            throw e
        } catch (e: Exception) {
            // The exception's text may hold what was typed: escaped, and never shown to the user.
            logger.warn { "session ${session.id}: the registration failed (${LogText.escape(e.toString())})" }
            session.writeLine("Registration failed.")
            return null
        }
        if (name == null) {
            logger.info { "session ${session.id} (${session.remoteAddress}): registration abandoned" }
        } else {
            logger.info { "session ${session.id} (${session.remoteAddress}): registered and logged in as ${LogText.escape(name)}" }
        }
        return name
    }

    private companion object {
        const val LOCKED_OUT = "Too many failed logins from your address; try again later."
        val ATTEMPT_POLL = 20.milliseconds
    }
}
