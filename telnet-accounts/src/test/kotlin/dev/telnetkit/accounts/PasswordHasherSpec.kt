package dev.telnetkit.accounts

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldMatch
import io.kotest.matchers.types.shouldBeInstanceOf
import java.sql.DriverManager

class PasswordHasherSpec : FunSpec({
    test("the defaults are OWASP's argon2id minimum, written as a PHC string that checks the right password only") {
        val defaults = PasswordHashing()
        defaults shouldBe PasswordHashing(memoryKiB = 19_456, iterations = 2, parallelism = 1)
        val hasher = PasswordHasher(defaults, 2)
        val hash = hasher.hash("correct horse")
        hash shouldMatch Regex("""\${'$'}argon2id\${'$'}v=19\${'$'}m=19456,t=2,p=1\${'$'}[A-Za-z0-9+/]{22}\${'$'}[A-Za-z0-9+/]{43}""")
        hasher.verify("correct horse", hash).shouldBeTrue()
        hasher.verify("correct horsE", hash).shouldBeFalse()
        hasher.hash("correct horse") shouldNotBe hash
        hasher.needsRehash(hash).shouldBeFalse()
    }

    test("a hash from the argon2 reference (RFC 9106 tools) checks: BouncyCastle computes standard argon2id") {
        // `echo -n password | argon2 somesalt -id -t 2 -m 16 -p 4 -l 24 -e`, the reference tool's documented example output.
        val reference = "\$argon2id\$v=19\$m=65536,t=2,p=4\$c29tZXNhbHQ\$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo"
        val hasher = PasswordHasher(PasswordHashing(), 1)
        hasher.verify("password", reference).shouldBeTrue()
        hasher.verify("passwore", reference).shouldBeFalse()
    }

    test("a flood of hashes runs at most maxConcurrent at a time (each holds its memory)") {
        val hasher = PasswordHasher(PasswordHashing(memoryKiB = 8_192, iterations = 2), maxConcurrent = 2)
        val pool = java.util.concurrent.Executors.newFixedThreadPool(8)
        try {
            val start = java.util.concurrent.CountDownLatch(1)
            val jobs = (1..8).map { i -> pool.submit<String> { start.await(); hasher.hash("password-$i") } }
            start.countDown()
            jobs.forEach { it.get(60, java.util.concurrent.TimeUnit.SECONDS) }
        } finally {
            pool.shutdownNow()
        }
        (hasher.peakConcurrent.get() in 1..2) shouldBe true
    }

    test("strings that are not argon2id PHC strings never match") {
        val hasher = PasswordHasher(PasswordHashing(256, 1, 1), 1)
        PhcString.parse("plain-text").shouldBeNull()
        PhcString.parse("\$argon2i\$v=19\$m=256,t=1,p=1\$c29tZXNhbHQ\$c29tZXNhbHQ").shouldBeNull()
        hasher.verify("plain-text", "plain-text").shouldBeFalse()
    }

    test("a hash made with other costs is redone with the current ones at the next login") {
        val file = sqliteFile()
        val old = AccountSettings(hashing = PasswordHashing(memoryKiB = 128, iterations = 1), minPasswordLength = 6)
        Accounts.sqlite(file, old).use { it.register("ann", "secret-1").isSuccess shouldBe true }
        fun stored(): String = DriverManager.getConnection("jdbc:sqlite:${file.toAbsolutePath()}").use { c ->
            c.createStatement().use { s -> s.executeQuery("SELECT password_hash FROM telnetkit_accounts").use { it.next(); it.getString(1) } }
        }
        stored() shouldMatch Regex(".*m=128,t=1,p=1.*")
        Accounts.sqlite(file, FAST).use { accounts ->
            accounts.authenticate("ann", "wrong-1") shouldBe LoginResult.WrongPassword
            stored() shouldMatch Regex(".*m=128,t=1,p=1.*")
            accounts.authenticate("ann", "secret-1").shouldBeInstanceOf<LoginResult.Success>()
            stored() shouldMatch Regex(".*m=256,t=1,p=1.*")
            accounts.authenticate("ann", "secret-1").shouldBeInstanceOf<LoginResult.Success>()
        }
    }
})
