package dev.telnetkit.shell

import dev.telnetkit.server.TelnetSession
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/** Runs the login prompts of [settings] for one session. */
internal class LoginFlow(private val settings: LoginSettings) {
    /** True once the user is in; false when the attempts or the time ran out, or the input ended. */
    suspend fun run(session: TelnetSession): Boolean {
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
            if (accepted) {
                session.username = user.takeIf { settings.askUsername }
                return true
            }
            logger.info { "session ${session.id} (${session.remoteAddress}): login attempt $attempt failed" }
            // Never say which part was wrong.
            session.writeLine("Login incorrect.")
            if (attempt < settings.maxAttempts) delay(settings.failureDelay.toKotlinDuration() * attempt)
        }
        session.writeLine("Too many failed attempts.")
        return false
    }
}
