package dev.telnetkit.accounts

import java.time.Instant

/**
 * One user account, as read from the store: a snapshot, not a live view (read it again with
 * [AccountStore.find] after a change). It never holds the password or its hash.
 *
 * @property name the login name, as registered; unique ignoring case.
 * @property nickname the name shown to others (in chat, on who-is-online); unique ignoring case.
 * @property role what the account may do.
 * @property created when the account was registered.
 * @property lastLogin the last successful login, or null before the first one.
 * @property locked a locked account cannot log in.
 */
public class Account internal constructor(
    public val name: String,
    public val nickname: String,
    public val role: Role,
    public val created: Instant,
    public val lastLogin: Instant?,
    public val locked: Boolean,
) {
    /** Whether this account is a [Role.SYSOP]. */
    public val isSysop: Boolean get() = role == Role.SYSOP

    override fun equals(other: Any?): Boolean = other is Account && name == other.name && nickname == other.nickname &&
        role == other.role && created == other.created && lastLogin == other.lastLogin && locked == other.locked

    override fun hashCode(): Int = name.lowercase().hashCode()

    override fun toString(): String = "Account(name=$name, nickname=$nickname, role=$role, created=$created, lastLogin=$lastLogin, locked=$locked)"
}
