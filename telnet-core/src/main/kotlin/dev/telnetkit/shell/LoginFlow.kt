package dev.telnetkit.shell

import dev.telnetkit.server.TelnetSession
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

private const val MAX_DELAY_STEPS = 30

/** Runs the login prompts of [settings] for one session. */
internal class LoginFlow(private val settings: LoginSettings) {
    /** True once the user is in; false when the attempts or the time ran out, or the input ended. */
    suspend fun run(session: TelnetSession): Boolean {
        val address = session.remoteHost
        if (settings.throttle.lockedFor(address) > 0) {
            logger.warn { "session ${session.id} ($address): login refused, the address is locked out after failed logins" }
            session.writeLine("Too many failed logins from your address; try again later.")
            return false
        }
        val outcome = withTimeoutOrNull(settings.timeout.toKotlinDuration()) { attempts(session) }
        if (outcome == null) {
            logger.info { "session ${session.id} (${session.remoteAddress}): login timed out" }
            session.writeLine("")
            session.writeLine("Login timed out.")
            return false
        }
        return outcome
    }

    private suspend fun attempts(session: TelnetSession): Boolean {
        for (attempt in 1..settings.maxAttempts) {
            val user = if (settings.askUsername) session.readLine(settings.usernamePrompt, history = false) ?: return false else ""
            val password = if (settings.askPassword) session.readLine(settings.passwordPrompt, echo = false, history = false) ?: return false else ""
            val accepted = try {
                settings.authenticator.authenticate(session, user, password)
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                logger.warn(e) { "session ${session.id}: the authenticator failed; counting it as a rejection" }
                false
            }
            val address = session.remoteHost
            if (accepted) {
                settings.throttle.succeeded(address)
                session.username = user.takeIf { settings.askUsername }
                return true
            }
            logger.info { "session ${session.id} (${session.remoteAddress}): login attempt $attempt failed" }
            // Never say which part was wrong.
            session.writeLine("Login incorrect.")
            if (settings.throttle.failed(address)) {
                logger.warn { "address $address locked out for ${settings.lockoutDuration.seconds} s after ${settings.lockoutThreshold} failed logins" }
                session.writeLine("Too many failed logins from your address; try again later.")
                return false
            }
            // Slower with each failure in this session, and with each recent one from the address.
            val steps = maxOf(attempt, settings.throttle.failures(address)).coerceAtMost(MAX_DELAY_STEPS)
            if (attempt < settings.maxAttempts) delay(settings.failureDelay.toKotlinDuration() * steps)
        }
        session.writeLine("Too many failed attempts.")
        return false
    }
}
