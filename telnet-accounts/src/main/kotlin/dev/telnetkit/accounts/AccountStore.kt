package dev.telnetkit.accounts

import java.sql.SQLException

/**
 * Where accounts live: the same operations over SQLite (the default, [Accounts.sqlite]) or any
 * other JDBC database ([Accounts.jdbc]). Every method blocks (JDBC, and argon2id for the ones
 * taking a password): call them from a thread that may block — Kotlin code uses the suspending
 * methods of [Accounts], which run them on `Dispatchers.IO`. Thread-safe.
 *
 * Names are unique ignoring case, and so are nicknames. Passwords are kept only as argon2id
 * hashes and are never logged.
 *
 * ```java
 * AccountStore store = accounts.store();
 * AccountResult result = store.register("alice", "correct horse", "Alice");
 * if (result instanceof AccountResult.Success success) { Account account = success.getAccount(); }
 * ```
 */
public interface AccountStore : AutoCloseable {
    /**
     * Registers [name] with [password] and [nickname], as a [Role.USER]. Of registrations of the
     * same name at the same time, exactly one succeeds and the others get [AccountResult.NameTaken].
     */
    @Throws(SQLException::class)
    public fun register(name: String, password: String, nickname: String): AccountResult

    /**
     * Checks [password] for [name]; on [LoginResult.Success] the last login is set to now (and
     * the hash redone if the hashing costs changed). The refusals take about equally long.
     */
    @Throws(SQLException::class)
    public fun authenticate(name: String, password: String): LoginResult

    /** The account [name] (ignoring case), or null. */
    @Throws(SQLException::class)
    public fun find(name: String): Account?

    /** Replaces the password of [name] (check the old one with [authenticate] first, if the user changes it). */
    @Throws(SQLException::class)
    public fun changePassword(name: String, newPassword: String): AccountResult

    /** Gives [name] a new [nickname], unique ignoring case. */
    @Throws(SQLException::class)
    public fun changeNickname(name: String, nickname: String): AccountResult

    /** Makes [name] a [role]. */
    @Throws(SQLException::class)
    public fun setRole(name: String, role: Role): AccountResult

    /** Locks [name] (it cannot log in) or unlocks it. */
    @Throws(SQLException::class)
    public fun setLocked(name: String, locked: Boolean): AccountResult

    /** At most [limit] (1..1000) accounts from [offset], ordered by name ignoring case: one page of a sysop's list. */
    @Throws(SQLException::class)
    public fun list(offset: Int, limit: Int): List<Account>

    /** How many accounts there are. */
    @Throws(SQLException::class)
    public fun count(): Int

    /** Deletes [name]; false when there was no such account. */
    @Throws(SQLException::class)
    public fun delete(name: String): Boolean

    /** Releases what the store holds; it is not used afterwards. The data stays in the database. */
    override fun close()
}
