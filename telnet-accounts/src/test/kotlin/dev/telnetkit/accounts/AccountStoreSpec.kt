package dev.telnetkit.accounts

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf
import java.sql.DriverManager
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** The store's operations, the same on SQLite (a file) and on H2 (in memory): "any JDBC database through the same interface". */
class AccountStoreSpec : FunSpec({
    val databases = listOf<Pair<String, () -> Accounts>>(
        "SQLite" to { Accounts.sqlite(sqliteFile(), FAST) },
        "H2" to { Accounts.jdbc(h2Url(), "sa", "", FAST) },
    )

    for ((database, open) in databases) {
        test("$database: register, then the right password logs in and sets the last login; wrong password, unknown user and locked are refused") {
            open().use { accounts ->
                val registered = accounts.register("Ann", "secret-1", "Annie").shouldBeInstanceOf<AccountResult.Success>().account
                registered.role shouldBe Role.USER
                registered.lastLogin.shouldBeNull()
                accounts.authenticate("ann", "wrong-1") shouldBe LoginResult.WrongPassword
                accounts.authenticate("nobody", "secret-1") shouldBe LoginResult.UnknownUser
                val in1 = accounts.authenticate("ANN", "secret-1").shouldBeInstanceOf<LoginResult.Success>().account
                in1.name shouldBe "Ann"
                in1.lastLogin.shouldNotBeNull()
                accounts.find("ann")!!.lastLogin shouldBe in1.lastLogin
                accounts.setLocked("ann", true).shouldBeInstanceOf<AccountResult.Success>().account.locked shouldBe true
                accounts.authenticate("ann", "secret-1") shouldBe LoginResult.Locked
                accounts.setLocked("ann", false)
                accounts.authenticate("ann", "secret-1").shouldBeInstanceOf<LoginResult.Success>()
            }
        }

        test("$database: names are unique ignoring case, and checked") {
            open().use { accounts ->
                accounts.register("Ann", "secret-1").isSuccess shouldBe true
                accounts.register("aNN", "secret-2", "other") shouldBe AccountResult.NameTaken
                accounts.register("x", "secret-1").shouldBeInstanceOf<AccountResult.Invalid>().message shouldBe "A user name has 2 to 24 characters."
                accounts.register("1abc", "secret-1").shouldBeInstanceOf<AccountResult.Invalid>()
                accounts.register("a b", "secret-1").shouldBeInstanceOf<AccountResult.Invalid>()
                accounts.register("New", "secret-1").shouldBeInstanceOf<AccountResult.Invalid>().message shouldBe "That name is reserved."
                accounts.register("bob", "short").shouldBeInstanceOf<AccountResult.Invalid>().message shouldBe "A password has at least 6 characters."
                accounts.register("bob", "secret-1", "bad\u001b[2Jnick").shouldBeInstanceOf<AccountResult.Invalid>()
                accounts.count() shouldBe 1
            }
        }

        test("$database: nickname changes, unique ignoring case; role changes; password changes") {
            open().use { accounts ->
                accounts.register("ann", "secret-1", "Annie")
                accounts.register("bob", "secret-2", "Bobby")
                accounts.changeNickname("bob", "ANNIE") shouldBe AccountResult.NicknameTaken
                accounts.register("cat", "secret-3", "annie") shouldBe AccountResult.NicknameTaken
                accounts.changeNickname("bob", "Robert").shouldBeInstanceOf<AccountResult.Success>().account.nickname shouldBe "Robert"
                accounts.changeNickname("bob", "Bobby").isSuccess shouldBe true
                accounts.changeNickname("nobody", "Zed") shouldBe AccountResult.NotFound
                accounts.setRole("ann", Role.SYSOP).shouldBeInstanceOf<AccountResult.Success>().account.isSysop shouldBe true
                accounts.find("ann")!!.role shouldBe Role.SYSOP
                accounts.setRole("nobody", Role.SYSOP) shouldBe AccountResult.NotFound
                accounts.changePassword("bob", "new-secret").isSuccess shouldBe true
                accounts.authenticate("bob", "secret-2") shouldBe LoginResult.WrongPassword
                accounts.authenticate("bob", "new-secret").shouldBeInstanceOf<LoginResult.Success>()
                accounts.changePassword("nobody", "new-secret") shouldBe AccountResult.NotFound
            }
        }

        test("$database: the list comes in pages ordered by name; delete removes") {
            open().use { accounts ->
                listOf("dora", "Bob", "ann", "Cat", "eve").forEach { accounts.register(it, "secret-1").isSuccess shouldBe true }
                accounts.list(0, 2).map { it.name } shouldContainExactly listOf("ann", "Bob")
                accounts.list(2, 2).map { it.name } shouldContainExactly listOf("Cat", "dora")
                accounts.list(4, 2).map { it.name } shouldContainExactly listOf("eve")
                accounts.delete("CAT") shouldBe true
                accounts.delete("cat") shouldBe false
                accounts.count() shouldBe 4
                accounts.find("cat").shouldBeNull()
            }
        }

        test("$database: of 16 threads registering the same name at once, exactly one wins and the rest get NameTaken") {
            open().use { accounts ->
                val threads = 16
                val barrier = CyclicBarrier(threads)
                val pool = Executors.newFixedThreadPool(threads)
                try {
                    val spellings = listOf("zed", "Zed", "ZED", "zeD")
                    val futures = (0 until threads).map { i ->
                        pool.submit<AccountResult> {
                            barrier.await(30, TimeUnit.SECONDS)
                            accounts.store.register(spellings[i % spellings.size], "secret-$i", "nick$i")
                        }
                    }
                    val results = futures.map { it.get(60, TimeUnit.SECONDS) }
                    results.count { it is AccountResult.Success } shouldBe 1
                    results.count { it == AccountResult.NameTaken } shouldBe threads - 1
                    accounts.count() shouldBe 1
                    // The winner's password is the one stored.
                    val winner = results.indexOfFirst { it is AccountResult.Success }
                    accounts.authenticate("zed", "secret-$winner").shouldBeInstanceOf<LoginResult.Success>()
                } finally {
                    pool.shutdownNow()
                }
            }
        }
    }

    test("H2: the migration runs beside an application's own tables and its own Flyway history") {
        val url = h2Url()
        DriverManager.getConnection(url, "sa", "").use { c ->
            c.createStatement().use { s ->
                s.execute("CREATE TABLE messages (id INT PRIMARY KEY, body VARCHAR(100))")
                s.execute("CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version VARCHAR(50))")
                s.execute("INSERT INTO flyway_schema_history VALUES (1, '7')")
            }
        }
        Accounts.jdbc(url, "sa", "", FAST).use { accounts ->
            accounts.register("ann", "secret-1").isSuccess shouldBe true
        }
        DriverManager.getConnection(url, "sa", "").use { c ->
            c.createStatement().use { s ->
                s.executeQuery("SELECT COUNT(*) FROM flyway_schema_history").use { it.next(); it.getInt(1) } shouldBe 1
                s.executeQuery("SELECT \"version\" FROM \"telnetkit_accounts_schema_history\" WHERE \"type\" = 'SQL'").use { rs ->
                    rs.next() shouldBe true
                    rs.getString(1) shouldBe "1"
                }
            }
        }
    }
})
