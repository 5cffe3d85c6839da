package dev.telnetkit.accounts

import java.util.Locale

/**
 * The rules for names, nicknames and passwords, each answering null when the text is allowed, or
 * a message for the user saying why not. Names are stored with a lower-case key, so `Alice` and
 * `alice` are the same account.
 */
internal class AccountNames(private val minPasswordLength: Int, private val reservedNames: Set<String>) {
    /** The key a name is unique by. */
    fun key(name: String): String = name.lowercase(Locale.ROOT)

    fun checkName(name: String): String? = when {
        name.length !in MIN_NAME..MAX_NAME -> "A user name has $MIN_NAME to $MAX_NAME characters."
        !NAME.matches(name) -> "A user name starts with a letter and has only letters, digits, '_', '-' and '.'."
        key(name) in reservedNames -> "That name is reserved."
        else -> null
    }

    fun checkNickname(nickname: String): String? = when {
        nickname.isBlank() || nickname.length > MAX_NICKNAME -> "A nickname has 1 to $MAX_NICKNAME characters."
        nickname != nickname.trim() -> "A nickname does not start or end with a space."
        nickname.any { Character.isISOControl(it) || Character.getType(it) == Character.FORMAT.toInt() } -> "A nickname has no control characters."
        else -> null
    }

    fun checkPassword(password: String): String? = when {
        password.length < minPasswordLength -> "A password has at least $minPasswordLength characters."
        password.length > MAX_PASSWORD -> "A password has at most $MAX_PASSWORD characters."
        else -> null
    }

    companion object {
        const val MIN_NAME = 2
        const val MAX_NAME = 24
        const val MAX_NICKNAME = 32
        const val MAX_PASSWORD = 256
        private val NAME = Regex("[A-Za-z][A-Za-z0-9_.-]*")
    }
}
