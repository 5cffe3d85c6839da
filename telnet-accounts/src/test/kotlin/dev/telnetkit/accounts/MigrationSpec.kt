package dev.telnetkit.accounts

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.nio.file.Path
import java.sql.DriverManager

/** The schema from an empty SQLite file, and a second open that changes nothing but finds the data. */
class MigrationSpec : FunSpec({
    fun <T> query(file: Path, sql: String, read: (java.sql.ResultSet) -> T): List<T> =
        DriverManager.getConnection("jdbc:sqlite:${file.toAbsolutePath()}").use { c ->
            c.createStatement().use { s -> s.executeQuery(sql).use { rs -> buildList { while (rs.next()) add(read(rs)) } } }
        }

    fun history(file: Path) = query(file, "SELECT installed_rank, version, success FROM telnetkit_accounts_schema_history ORDER BY installed_rank") {
        "${it.getInt(1)}:${it.getString(2)}:${it.getInt(3)}"
    }

    test("a fresh file gets the tables, V1 in our own Flyway history table, and WAL mode") {
        val file = sqliteFile()
        Accounts.sqlite(file, FAST).use { it.count() shouldBe 0 }
        query(file, "SELECT name FROM sqlite_master WHERE type = 'table'") { it.getString(1) } shouldContainAll
            listOf("telnetkit_accounts", "telnetkit_accounts_schema_history")
        history(file) shouldContainExactly listOf("1:1:1")
        query(file, "PRAGMA journal_mode") { it.getString(1) } shouldContainExactly listOf("wal")
    }

    test("opening the same file again applies nothing and keeps the accounts") {
        val file = sqliteFile()
        Accounts.sqlite(file, FAST).use { it.register("ann", "secret-1", "Annie").isSuccess shouldBe true }
        val before = history(file)
        Accounts.sqlite(file, FAST).use { accounts ->
            accounts.find("ann")!!.nickname shouldBe "Annie"
            accounts.authenticate("ann", "secret-1").shouldBeInstanceOf<LoginResult.Success>()
        }
        history(file) shouldBe before
    }
})
