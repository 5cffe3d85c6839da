package dev.telnetkit.accounts

import org.flywaydb.core.Flyway
import org.sqlite.SQLiteConfig
import java.sql.Connection
import java.sql.DriverManager
import java.util.Properties
import java.util.concurrent.locks.ReentrantLock

/**
 * Opens connections to the accounts database, one per operation (SQLite and H2 open in
 * microseconds; a server database may want a pool later), and brings its schema up to date.
 *
 * SQLite takes one writer at a time: its connections get WAL mode (readers never wait for the
 * writer), a busy timeout and foreign keys, and writes from this process also queue on [writeLock],
 * so concurrent writers wait their turn instead of failing with SQLITE_BUSY.
 */
internal class AccountDatabase(private val url: String, user: String?, password: String?, settings: AccountSettings) {
    val isSqlite: Boolean = url.startsWith("jdbc:sqlite:")
    private val writeLock = ReentrantLock(true)

    private val properties: Properties = if (isSqlite) {
        SQLiteConfig().apply {
            setJournalMode(SQLiteConfig.JournalMode.WAL)
            setSynchronous(SQLiteConfig.SynchronousMode.NORMAL)
            setBusyTimeout(settings.busyTimeout.toMillis().toInt())
            enforceForeignKeys(true)
        }.toProperties()
    } else {
        Properties()
    }.apply {
        user?.let { setProperty("user", it) }
        password?.let { setProperty("password", it) }
    }

    fun connect(): Connection = DriverManager.getConnection(url, properties)

    /** Runs [block] on a new connection, closed afterwards. */
    fun <T> read(block: (Connection) -> T): T = connect().use(block)

    /** Runs [block] on a new connection; on SQLite one writer of this process at a time. */
    fun <T> write(block: (Connection) -> T): T {
        if (!isSqlite) return connect().use(block)
        writeLock.lock()
        try {
            return connect().use(block)
        } finally {
            writeLock.unlock()
        }
    }

    /**
     * Applies the migrations not yet applied (none on a database already up to date). The history
     * table is our own, so an application's Flyway history in the same database is not touched;
     * a database already holding other tables gets ours beside them.
     */
    fun migrate(): Int {
        val flyway = Flyway.configure()
            .dataSource(url, properties.getProperty("user"), properties.getProperty("password"))
            .locations("classpath:db/migration/telnetkit-accounts")
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
        return flyway.migrate().migrationsExecuted
    }

    companion object {
        /** Flyway's history of our migrations. */
        const val HISTORY_TABLE = "telnetkit_accounts_schema_history"
    }
}
