package dev.telnetkit.web

import java.security.MessageDigest
import java.security.SecureRandom
import java.time.Duration
import java.util.Base64
import java.util.concurrent.ConcurrentHashMap

/**
 * The admin page's logins: a random cookie value for each, with its own CSRF token that every POST
 * must carry. Bounded: at most [MAX_LOGINS] at once (the oldest goes), each ending after [timeout]
 * without a request.
 */
internal class WebAdminLogins(private val timeout: Duration) {
    class Login(val csrf: String) {
        @Volatile var lastSeen: Long = System.nanoTime()
    }

    private val logins = ConcurrentHashMap<String, Login>()
    private val random = SecureRandom()

    /** A new login: its cookie value and its record. */
    fun create(): Pair<String, Login> {
        purge()
        while (logins.size >= MAX_LOGINS) {
            val oldest = logins.entries.minByOrNull { it.value.lastSeen } ?: break
            logins.remove(oldest.key)
        }
        val token = token()
        val login = Login(token())
        logins[token] = login
        return token to login
    }

    /** The login of cookie value [token], if it is one and has not timed out; it is then touched. */
    fun find(token: String?): Login? {
        if (token == null || token.length != TOKEN_CHARS) return null
        val login = logins[token] ?: return null
        val now = System.nanoTime()
        if (now - login.lastSeen > timeout.toNanos()) {
            logins.remove(token)
            return null
        }
        login.lastSeen = now
        return login
    }

    fun remove(token: String?) {
        if (token != null) logins.remove(token)
    }

    private fun purge() {
        val now = System.nanoTime()
        logins.entries.removeIf { now - it.value.lastSeen > timeout.toNanos() }
    }

    private fun token(): String {
        val bytes = ByteArray(TOKEN_BYTES)
        random.nextBytes(bytes)
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)
    }

    companion object {
        const val MAX_LOGINS = 64
        private const val TOKEN_BYTES = 32
        private const val TOKEN_CHARS = 43

        /** True when [given] is [expected], compared in constant time. */
        fun same(expected: String, given: String?): Boolean =
            given != null && MessageDigest.isEqual(expected.toByteArray(), given.toByteArray())
    }
}
