package dev.telnetkit.ssh

import dev.telnetkit.session.LogText
import dev.telnetkit.shell.LoginLockout
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import org.apache.sshd.common.AttributeRepository
import org.apache.sshd.common.util.buffer.Buffer
import org.apache.sshd.server.SshServer
import org.apache.sshd.server.auth.AbstractUserAuth
import org.apache.sshd.server.auth.AbstractUserAuthFactory
import org.apache.sshd.server.auth.AsyncAuthException
import org.apache.sshd.server.auth.UserAuth
import org.apache.sshd.server.auth.UserAuthFactory
import org.apache.sshd.server.auth.keyboard.InteractiveChallenge
import org.apache.sshd.server.auth.keyboard.KeyboardInteractiveAuthenticator
import org.apache.sshd.server.auth.keyboard.UserAuthKeyboardInteractiveFactory
import org.apache.sshd.server.auth.password.PasswordAuthenticator
import org.apache.sshd.server.auth.password.UserAuthPasswordFactory
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator
import org.apache.sshd.server.session.ServerSession
import java.security.PublicKey
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.toKotlinDuration

private val logger = KotlinLogging.logger {}

/**
 * The SSH logins [settings] allow, as MINA authenticators. Every attempt goes through the server's
 * per-address [lockout] (shared with Telnet logins). Password and keyboard-interactive checks run
 * off the SSH threads (they may block) and answer asynchronously; a refusal is told only after a
 * delay that grows with the connection's failures. Nothing typed is ever logged.
 */
internal class SshAuthentication(
    private val settings: SshSettings,
    private val lockout: LoginLockout,
    private val scope: CoroutineScope,
) {
    private val authorizedKeys = settings.authorizedKeys?.let { AuthorizedKeysAuthenticator(it) }

    /** Sets [server]'s authentication methods and authenticators. */
    fun install(server: SshServer) {
        val methods = mutableListOf<UserAuthFactory>()
        if (settings.usernameOnly != null) methods += UsernameOnlyFactory()
        if (settings.publicKey != null || authorizedKeys != null) {
            methods += UserAuthPublicKeyFactory.INSTANCE
            server.publickeyAuthenticator = PublickeyAuthenticator { user, key, session -> publicKey(user, key, session) }
        }
        if (settings.keyboardInteractive != null) {
            methods += UserAuthKeyboardInteractiveFactory.INSTANCE
            server.keyboardInteractiveAuthenticator = KeyboardInteractive()
        } else {
            // MINA would otherwise offer keyboard-interactive backed by the password check.
            server.keyboardInteractiveAuthenticator = null
        }
        if (settings.password != null) {
            methods += UserAuthPasswordFactory.INSTANCE
            server.passwordAuthenticator = PasswordAuthenticator { user, password, session ->
                checkAsync(session, user, "password", listOf(password)) { settings.password.check(user, password) }
            }
        }
        server.userAuthFactories = methods
    }

    private fun publicKey(user: String, key: PublicKey, session: ServerSession): Boolean {
        val address = SshAddresses.host(session)
        if (lockout.lockedFor(address) > 0) {
            logger.debug { "SSH public key login refused: ${LogText.escape(address)} is locked out" }
            return false
        }
        val accepted = try {
            settings.publicKey?.check(user, key) == true || authorizedKeys?.authenticate(user, key, session) == true
        } catch (e: Exception) {
            logger.warn { "SSH public key check failed (${e.javaClass.name}); counting it as a refusal" }
            false
        }
        return accepted
    }

    /**
     * Runs [check] for [user] off the SSH threads, through the lockout, and answers MINA when it is
     * done ([secrets]: what the user typed, blanked out of any message logged): the method throws MINA's [AsyncAuthException], which is how MINA takes a later answer.
     */
    private fun checkAsync(session: ServerSession, user: String, method: String, secrets: List<String>, check: () -> Boolean): Nothing {
        val answer = AsyncAuthException()
        val address = SshAddresses.host(session)
        scope.launch(Dispatchers.IO) {
            // Cancelled (the server stopping): no answer, and the connection goes with the server.
            val outcome = lockout.attempt(address) {
                try {
                    check()
                } catch (e: Exception) {
                    // Its message may quote the password: that is blanked out, and the message escaped.
                    logger.warn { "SSH $method check failed (${LogText.escape(LogText.redact(e.toString(), secrets))}); counting it as a refusal" }
                    false
                }
            }
            if (outcome == LoginLockout.Outcome.ACCEPTED) {
                logger.info { "SSH login of ${LogText.escape(user)} from ${session.clientAddress} ($method)" }
                answer.setAuthed(true)
                return@launch
            }
            val failures = failures(session).incrementAndGet()
            if (outcome == LoginLockout.Outcome.LOCKED_OUT) {
                logger.debug { "SSH $method login refused: ${LogText.escape(address)} is locked out" }
            } else {
                logger.info { "SSH $method login of ${LogText.escape(user)} from ${session.clientAddress} refused" }
                if (lockout.lockedFor(address) > 0) logger.warn { "address ${LogText.escape(address)} locked out after failed logins" }
            }
            delay(settings.failureDelay.toKotlinDuration() * failures.coerceAtMost(MAX_DELAY_STEPS))
            answer.setAuthed(false)
        }
        throw answer
    }

    private fun failures(session: ServerSession): AtomicInteger =
        session.computeAttributeIfAbsent(FAILURES) { AtomicInteger() }

    /** Keyboard-interactive: the configured prompts, the answers checked as a password is. */
    private inner class KeyboardInteractive : KeyboardInteractiveAuthenticator {
        override fun generateChallenge(session: ServerSession, username: String, lang: String?, subMethods: String?): InteractiveChallenge =
            InteractiveChallenge().apply {
                interactionName = ""
                interactionInstruction = ""
                languageTag = ""
                for (prompt in settings.keyboardInteractivePrompts) addPrompt(prompt.text, prompt.echo)
            }

        override fun authenticate(session: ServerSession, username: String, responses: List<String>?): Boolean {
            val answers = responses.orEmpty()
            if (answers.size != settings.keyboardInteractivePrompts.size) return false
            checkAsync(session, username, "keyboard-interactive", answers) { settings.keyboardInteractive!!.check(username, answers) }
        }
    }

    /** SSH's `none` method, decided by the name alone through [SshSettings.usernameOnly]. */
    private inner class UsernameOnlyFactory : AbstractUserAuthFactory("none") {
        override fun createUserAuth(session: ServerSession): UserAuth = object : AbstractUserAuth("none") {
            override fun doAuth(buffer: Buffer, init: Boolean): Boolean {
                val user = username
                val address = SshAddresses.host(serverSession)
                if (lockout.lockedFor(address) > 0) return false
                return try {
                    settings.usernameOnly?.check(user) == true
                } catch (e: Exception) {
                    logger.warn { "SSH username check failed (${e.javaClass.name}); counting it as a refusal" }
                    false
                }
            }
        }
    }

    private companion object {
        val FAILURES = AttributeRepository.AttributeKey<AtomicInteger>()
        const val MAX_DELAY_STEPS = 30
    }
}
