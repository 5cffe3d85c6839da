package dev.telnetkit.accounts

import dev.telnetkit.session.LogText
import io.github.oshai.kotlinlogging.KotlinLogging
import org.sqlite.SQLiteErrorCode
import org.sqlite.SQLiteException
import java.sql.Connection
import java.sql.ResultSet
import java.sql.SQLException
import java.time.Instant

private val logger = KotlinLogging.logger {}

/**
 * [AccountStore] in the `telnetkit_accounts` table of any JDBC database. Uniqueness is the
 * database's job: names and nicknames have UNIQUE lower-case keys, and a violation becomes
 * [AccountResult.NameTaken] or [AccountResult.NicknameTaken] — so of concurrent registrations of
 * one name exactly one wins, across processes too. Hashes are computed before a write starts,
 * never while holding the database.
 */
internal class JdbcAccountStore(
    private val database: AccountDatabase,
    settings: AccountSettings,
) : AccountStore {
    val names = AccountNames(settings.minPasswordLength, settings.reservedNames.map { it.lowercase() }.toSet())
    private val hasher = PasswordHasher(settings.hashing, settings.maxConcurrentHashes)

    override fun register(name: String, password: String, nickname: String): AccountResult {
        (names.checkName(name) ?: names.checkNickname(nickname) ?: names.checkPassword(password))?.let { return AccountResult.Invalid(it) }
        val hash = hasher.hash(password)
        val created = now()
        try {
            database.write { c ->
                c.prepareStatement(
                    "INSERT INTO telnetkit_accounts (name_key, name, nickname, nickname_key, password_hash, role, created_at, locked) VALUES (?, ?, ?, ?, ?, ?, ?, 0)",
                ).use { s ->
                    s.setString(1, names.key(name))
                    s.setString(2, name)
                    s.setString(3, nickname)
                    s.setString(4, names.key(nickname))
                    s.setString(5, hash)
                    s.setString(6, Role.USER.name)
                    s.setLong(7, created.toEpochMilli())
                    s.executeUpdate()
                }
            }
        } catch (e: SQLException) {
            if (!isUniqueViolation(e)) throw e
            val taken = if (find(name) != null) AccountResult.NameTaken else AccountResult.NicknameTaken
            logger.info { "registration of ${LogText.escape(name)} refused: $taken" }
            return taken
        }
        logger.info { "account ${LogText.escape(name)} registered" }
        return AccountResult.Success(Account(name, nickname, Role.USER, created, null, false))
    }

    override fun authenticate(name: String, password: String): LoginResult {
        val row = if (names.checkName(name) == null) readRow(name) else null
        if (row == null || password.length > AccountNames.MAX_PASSWORD) {
            hasher.verifyDummy(password)
            // The typed name is not logged: users type their password there by mistake.
            logger.info { if (row == null) "login refused: no such account" else "login refused for ${LogText.escape(row.account.name)}: wrong password" }
            return if (row == null) LoginResult.UnknownUser else LoginResult.WrongPassword
        }
        if (!hasher.verify(password, row.hash)) {
            logger.info { "login refused for ${LogText.escape(row.account.name)}: wrong password" }
            return LoginResult.WrongPassword
        }
        if (row.account.locked) {
            logger.info { "login refused for ${LogText.escape(row.account.name)}: the account is locked" }
            return LoginResult.Locked
        }
        val newHash = if (hasher.needsRehash(row.hash)) hasher.hash(password) else null
        val at = now()
        database.write { c ->
            val sql = if (newHash == null) "UPDATE telnetkit_accounts SET last_login_at = ? WHERE name_key = ?"
            else "UPDATE telnetkit_accounts SET last_login_at = ?, password_hash = ? WHERE name_key = ?"
            c.prepareStatement(sql).use { s ->
                s.setLong(1, at.toEpochMilli())
                if (newHash != null) s.setString(2, newHash)
                s.setString(if (newHash == null) 2 else 3, names.key(name))
                s.executeUpdate()
            }
        }
        if (newHash != null) logger.info { "password hash of ${LogText.escape(row.account.name)} redone with the current costs" }
        logger.info { "login of ${LogText.escape(row.account.name)} accepted" }
        val account = row.account
        return LoginResult.Success(Account(account.name, account.nickname, account.role, account.created, at, account.locked))
    }

    override fun find(name: String): Account? = readRow(name)?.account

    override fun changePassword(name: String, newPassword: String): AccountResult {
        names.checkPassword(newPassword)?.let { return AccountResult.Invalid(it) }
        if (find(name) == null) return AccountResult.NotFound
        val hash = hasher.hash(newPassword)
        return update(name, "password_hash = ?", { setString(1, hash) }, "password changed")
    }

    override fun changeNickname(name: String, nickname: String): AccountResult {
        names.checkNickname(nickname)?.let { return AccountResult.Invalid(it) }
        return try {
            update(name, "nickname = ?, nickname_key = ?", { setString(1, nickname); setString(2, names.key(nickname)) }, "nickname changed")
        } catch (e: SQLException) {
            if (!isUniqueViolation(e)) throw e
            AccountResult.NicknameTaken
        }
    }

    override fun setRole(name: String, role: Role): AccountResult =
        update(name, "role = ?", { setString(1, role.name) }, "role set to $role")

    override fun setLocked(name: String, locked: Boolean): AccountResult =
        update(name, "locked = ?", { setInt(1, if (locked) 1 else 0) }, if (locked) "locked" else "unlocked")

    override fun list(offset: Int, limit: Int): List<Account> {
        require(offset >= 0) { "accounts list offset must not be negative, was $offset" }
        require(limit in 1..MAX_PAGE) { "accounts list limit must be in 1..$MAX_PAGE, was $limit" }
        return database.read { c ->
            c.prepareStatement("SELECT $COLUMNS FROM telnetkit_accounts ORDER BY name_key LIMIT ? OFFSET ?").use { s ->
                s.setInt(1, limit)
                s.setInt(2, offset)
                s.executeQuery().use { rs -> buildList { while (rs.next()) add(rowOf(rs, withHash = false).account) } }
            }
        }
    }

    override fun count(): Int = database.read { c ->
        c.createStatement().use { s -> s.executeQuery("SELECT COUNT(*) FROM telnetkit_accounts").use { rs -> rs.next(); rs.getInt(1) } }
    }

    override fun delete(name: String): Boolean {
        val deleted = database.write { c ->
            c.prepareStatement("DELETE FROM telnetkit_accounts WHERE name_key = ?").use { s -> s.setString(1, names.key(name)); s.executeUpdate() }
        } > 0
        if (deleted) logger.info { "account ${LogText.escape(name)} deleted" }
        return deleted
    }

    override fun close() {
        // Connections are opened per operation and closed after it: nothing is held between them.
    }

    /** Sets [assignments] (whose parameters [bind] fills from 1) on the account [name]. */
    private fun update(name: String, assignments: String, bind: java.sql.PreparedStatement.() -> Unit, what: String): AccountResult {
        val changed = database.write { c ->
            c.prepareStatement("UPDATE telnetkit_accounts SET $assignments WHERE name_key = ?").use { s ->
                s.bind()
                s.setString(assignments.count { it == '?' } + 1, names.key(name))
                s.executeUpdate()
            }
        }
        if (changed == 0) return AccountResult.NotFound
        logger.info { "account ${LogText.escape(name)}: $what" }
        return find(name)?.let { AccountResult.Success(it) } ?: AccountResult.NotFound
    }

    private class Row(val account: Account, val hash: String)

    private fun readRow(name: String): Row? = database.read { c -> readRow(c, name) }

    private fun readRow(c: Connection, name: String): Row? =
        c.prepareStatement("SELECT $COLUMNS, password_hash FROM telnetkit_accounts WHERE name_key = ?").use { s ->
            s.setString(1, names.key(name))
            s.executeQuery().use { rs -> if (rs.next()) rowOf(rs, withHash = true) else null }
        }

    private fun rowOf(rs: ResultSet, withHash: Boolean): Row {
        val lastLogin = rs.getLong("last_login_at").takeUnless { rs.wasNull() }?.let(Instant::ofEpochMilli)
        val account = Account(
            name = rs.getString("name"),
            nickname = rs.getString("nickname"),
            role = Role.valueOf(rs.getString("role")),
            created = Instant.ofEpochMilli(rs.getLong("created_at")),
            lastLogin = lastLogin,
            locked = rs.getInt("locked") != 0,
        )
        val hash = if (withHash) rs.getString("password_hash") else ""
        return Row(account, hash)
    }

    private fun now(): Instant = Instant.ofEpochMilli(System.currentTimeMillis())

    private companion object {
        const val COLUMNS = "name, nickname, role, created_at, last_login_at, locked"
        const val MAX_PAGE = 1000

        /** A UNIQUE (or primary key) violation: SQLState class 23 on H2 and PostgreSQL, SQLite's own code on sqlite-jdbc. */
        fun isUniqueViolation(e: SQLException): Boolean {
            var current: Throwable? = e
            while (current != null) {
                if (current is SQLiteException && (current.resultCode == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE ||
                        current.resultCode == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY)) return true
                if (current is SQLException && current.sqlState?.startsWith("23") == true) return true
                current = current.cause
            }
            return false
        }
    }
}
