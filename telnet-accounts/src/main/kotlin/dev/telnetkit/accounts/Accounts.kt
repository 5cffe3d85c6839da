package dev.telnetkit.accounts

import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.BlockingAuthenticator
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.Registration
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit
import kotlinx.coroutines.withContext
import java.nio.file.Files
import java.nio.file.Path
import java.sql.SQLException

private val logger = KotlinLogging.logger {}

/**
 * User accounts for a TelnetKit server: an [AccountStore] in SQLite ([sqlite], one file) or any
 * JDBC database ([jdbc]), its schema brought up to date when opened, and the login that uses it
 * ([loginSettings]: users log in with their account, or type `new` at `Username:` to register).
 *
 * Kotlin calls the suspending methods here, which run the store's blocking work on
 * `Dispatchers.IO` (password hashes queue for one of [AccountSettings.maxConcurrentHashes] turns
 * first, without holding a thread):
 *
 * ```kotlin
 * val accounts = Accounts.sqlite(Path.of("bbs.sqlite"))
 * telnetServer {
 *     login(accounts)
 *     command("whoami") { run { writeLine("${account?.nickname} (${account?.role})") } }
 * }
 * ```
 *
 * Java calls the blocking [store] and passes [loginSettings] to the builder:
 *
 * ```java
 * Accounts accounts = Accounts.sqlite(Path.of("bbs.sqlite"));
 * TelnetServer.builder().login(accounts.loginSettings())
 *     .command(Command.named("whoami").handler((session, args) ->
 *         session.writeResponse(SessionAccounts.getAccount(session).getNickname())));
 * ```
 */
public class Accounts private constructor(private val jdbcStore: JdbcAccountStore, settings: AccountSettings) : AutoCloseable {
    /** The blocking store, for Java and for code on threads that may block. */
    @get:JvmName("store")
    public val store: AccountStore get() = jdbcStore

    private val hashTurns = Semaphore(settings.maxConcurrentHashes)

    /** Registers a [Role.USER]; see [AccountStore.register]. */
    @JvmSynthetic
    public suspend fun register(name: String, password: String, nickname: String = name): AccountResult =
        hashing { store.register(name, password, nickname) }

    /** Checks a password; see [AccountStore.authenticate]. */
    @JvmSynthetic
    public suspend fun authenticate(name: String, password: String): LoginResult = hashing { store.authenticate(name, password) }

    /** The account [name], or null; see [AccountStore.find]. */
    @JvmSynthetic
    public suspend fun find(name: String): Account? = io { store.find(name) }

    /** Replaces a password; see [AccountStore.changePassword]. */
    @JvmSynthetic
    public suspend fun changePassword(name: String, newPassword: String): AccountResult = hashing { store.changePassword(name, newPassword) }

    /** Changes a nickname; see [AccountStore.changeNickname]. */
    @JvmSynthetic
    public suspend fun changeNickname(name: String, nickname: String): AccountResult = io { store.changeNickname(name, nickname) }

    /** Sets a role; see [AccountStore.setRole]. */
    @JvmSynthetic
    public suspend fun setRole(name: String, role: Role): AccountResult = io { store.setRole(name, role) }

    /** Locks or unlocks an account; see [AccountStore.setLocked]. */
    @JvmSynthetic
    public suspend fun setLocked(name: String, locked: Boolean): AccountResult = io { store.setLocked(name, locked) }

    /** One page of accounts; see [AccountStore.list]. */
    @JvmSynthetic
    public suspend fun list(offset: Int, limit: Int): List<Account> = io { store.list(offset, limit) }

    /** How many accounts there are. */
    @JvmSynthetic
    public suspend fun count(): Int = io { store.count() }

    /** Deletes an account; see [AccountStore.delete]. */
    @JvmSynthetic
    public suspend fun delete(name: String): Boolean = io { store.delete(name) }

    /**
     * Logs a session in with its account: on success `Session.username` is the name typed and
     * `session.account` ([SessionAccounts]) the [Account]. A wrong password, an unknown name and a
     * locked account are all told `Login incorrect.` (the log line says which).
     */
    public fun authenticator(): Authenticator = Authenticator { session, user, password ->
        when (val result = authenticate(user.trim(), password)) {
            is LoginResult.Success -> {
                session.attributes[ACCOUNT_ATTRIBUTE] = result.account
                true
            }
            else -> false
        }
    }

    /** [authenticator] for Java's `LoginSettings.builder(…)`: it blocks, on the server's blocking executor. */
    public fun blockingAuthenticator(): BlockingAuthenticator = BlockingAuthenticator { session, user, password ->
        when (val result = store.authenticate(user.trim(), password)) {
            is LoginResult.Success -> {
                session.attributes[ACCOUNT_ATTRIBUTE] = result.account
                true
            }
            else -> false
        }
    }

    /** The sign-up dialogue run when a user types `new` at `Username:`; see [LoginSettings.registration]. */
    public fun registration(): Registration = AccountRegistration(this)

    /**
     * The login with the core defaults (3 attempts, 60 s), checked against this store, with sign-up
     * by typing `new` at `Username:`. For other limits build [LoginSettings] around [authenticator]
     * (Java: [blockingAuthenticator]) and [registration].
     */
    public fun loginSettings(): LoginSettings = LoginSettings(authenticator(), registration = registration())

    /** Closes the store; the data stays in the database. */
    override fun close() {
        store.close()
    }

    /** Why [name] cannot be registered (invalid, reserved or taken), or null. */
    internal suspend fun nameProblem(name: String): String? =
        jdbcStore.names.checkName(name) ?: if (find(name) != null) AccountResult.NameTaken.message else null

    /** Why [password] is not accepted, or null. */
    internal fun passwordProblem(password: String): String? = jdbcStore.names.checkPassword(password)

    private suspend fun <T> io(block: () -> T): T = withContext(Dispatchers.IO) { block() }

    private suspend fun <T> hashing(block: () -> T): T = hashTurns.withPermit { io(block) }

    public companion object {
        /**
         * Opens (or creates) the SQLite database [file] and brings its schema up to date. Blocks
         * while it does: call it at start-up, not from a session.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(SQLException::class)
        public fun sqlite(file: Path, settings: AccountSettings = AccountSettings()): Accounts {
            file.toAbsolutePath().parent?.let { Files.createDirectories(it) }
            return jdbc("jdbc:sqlite:${file.toAbsolutePath()}", null, null, settings)
        }

        /**
         * Opens the accounts in the database at the JDBC [url] (its driver on the class path) and
         * brings its schema up to date, beside any tables of the application's. Blocks while it does.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(SQLException::class)
        public fun jdbc(url: String, user: String? = null, password: String? = null, settings: AccountSettings = AccountSettings()): Accounts {
            val database = AccountDatabase(url, user, password, settings)
            val applied = database.migrate()
            logger.info { "accounts database ${LogSafeUrl.of(url)} ready${if (applied > 0) " ($applied migrations applied)" else ""}" }
            return Accounts(JdbcAccountStore(database, settings), settings)
        }
    }
}
