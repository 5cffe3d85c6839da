package dev.telnetkit.accounts

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import java.nio.file.Files
import java.nio.file.Path
import java.util.UUID
import kotlin.time.Duration.Companion.milliseconds

/** Cheap argon2id costs so specs hash quickly; the real defaults are checked in PasswordHasherSpec. */
internal val FAST = AccountSettings(hashing = PasswordHashing(memoryKiB = 256, iterations = 1), minPasswordLength = 6)

/** A new SQLite file in a fresh temporary directory. */
internal fun sqliteFile(): Path = Files.createTempDirectory("accounts").resolve("bbs.sqlite")

/** A new, empty H2 database in memory, kept while the JVM runs (connections come and go). */
internal fun h2Url(): String = "jdbc:h2:mem:accounts-${UUID.randomUUID()};DB_CLOSE_DELAY=-1"

/** The shell prompt of [bbs]. */
internal const val PROMPT = "bbs> "

/** A server logging in with [accounts] (the one-line DSL hook) and a `whoami` showing what the session knows. */
internal fun bbs(accounts: Accounts): TelnetServer = telnetServer {
    port = 0
    connectMaxWait = 100.milliseconds
    prompt = PROMPT
    login(accounts)
    command("whoami") {
        run { writeLine("user=$username role=${account?.role} nick=${account?.nickname}") }
    }
}
