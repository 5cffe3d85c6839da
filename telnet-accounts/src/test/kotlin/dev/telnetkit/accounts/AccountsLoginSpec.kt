package dev.telnetkit.accounts

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.types.shouldBeInstanceOf

/** The accounts behind the login prompt of a real Telnet session, hooked with the DSL's `login(accounts)`. */
class AccountsLoginSpec : FunSpec({
    suspend fun <T> serving(accounts: Accounts, block: suspend (TelnetServer) -> T): T {
        val server = bbs(accounts).start()
        try {
            return block(server)
        } finally {
            server.stop()
        }
    }

    suspend fun TelnetServer.client(): TelnetTestClient = TelnetTestClient.connect("127.0.0.1", port)

    suspend fun TelnetTestClient.logIn(user: String, password: String) {
        awaitText("Username: ")
        sendLine(user)
        awaitText("Password: ")
        sendLine(password)
    }

    test("a wrong password is refused at the prompt; the right one lets the user in with the account on the session") {
        Accounts.sqlite(sqliteFile(), FAST).use { accounts ->
            accounts.register("ann", "secret-1", "Annie")
            serving(accounts) { server ->
                server.client().use { client ->
                    client.logIn("ann", "secret-9")
                    client.awaitText("Login incorrect.")
                    client.awaitText("Username: ")
                    client.sendLine("ann")
                    client.awaitText("Password: ")
                    client.sendLine("secret-1")
                    client.awaitPrompt(PROMPT)
                    client.sendLine("whoami")
                    client.awaitText("user=ann role=USER nick=Annie")
                }
            }
            accounts.find("ann")!!.lastLogin.shouldNotBeNull()
        }
    }

    test("a locked account, an unknown name and a wrong password all get the same answer") {
        Accounts.sqlite(sqliteFile(), FAST).use { accounts ->
            accounts.register("ann", "secret-1")
            accounts.setLocked("ann", true)
            serving(accounts) { server ->
                server.client().use { client ->
                    val answers = listOf("ann" to "secret-1", "nobody" to "secret-1", "ann" to "secret-2").map { (user, password) ->
                        client.awaitText("Username: ")
                        client.sendLine(user)
                        client.awaitText("Password: ")
                        client.sendLine(password)
                        client.awaitRegex(Regex("Login incorrect\\.|Too many failed attempts\\.")).value
                    }
                    answers shouldBe listOf("Login incorrect.", "Login incorrect.", "Login incorrect.")
                    client.awaitText("Too many failed attempts.")
                }
            }
        }
    }

    test("a sysop's role and a changed nickname are what the next session sees") {
        Accounts.sqlite(sqliteFile(), FAST).use { accounts ->
            accounts.register("ann", "secret-1", "Annie")
            accounts.setRole("ann", Role.SYSOP)
            accounts.changeNickname("ann", "The Sysop")
            serving(accounts) { server ->
                server.client().use { client ->
                    client.logIn("ann", "secret-1")
                    client.awaitPrompt(PROMPT)
                    client.sendLine("whoami")
                    client.awaitText("user=ann role=SYSOP nick=The Sysop")
                }
            }
        }
    }

    test("typing new at the user name prompt registers an account (password hidden, asked twice) and logs it in") {
        Accounts.sqlite(sqliteFile(), FAST).use { accounts ->
            accounts.register("ann", "secret-1")
            serving(accounts) { server ->
                server.client().use { client ->
                    client.awaitText("Username: ")
                    client.sendLine("new")
                    client.awaitText("New user name: ")
                    client.sendLine("ANN")
                    client.awaitText("That name is taken.")
                    client.awaitText("New user name: ")
                    client.sendLine("bob")
                    client.awaitText("Password: ")
                    client.sendLine("hunter-22")
                    client.awaitText("Password again: ")
                    client.sendLine("hunter-23")
                    client.awaitText("The passwords differ.")
                    client.awaitText("Password: ")
                    client.sendLine("hunter-22")
                    client.awaitText("Password again: ")
                    client.sendLine("hunter-22")
                    client.awaitText("Nickname [bob]: ")
                    client.sendLine("Bobby")
                    client.awaitText("Welcome, Bobby! Your account bob is ready.")
                    client.awaitPrompt(PROMPT)
                    client.sendLine("whoami")
                    client.awaitText("user=bob role=USER nick=Bobby")
                    client.output shouldNotContain "hunter-2"
                }
                server.client().use { client ->
                    client.logIn("bob", "hunter-22")
                    client.awaitPrompt(PROMPT)
                }
            }
            accounts.find("bob")!!.nickname shouldBe "Bobby"
        }
    }

    test("a restart keeps the data: close the store and the server, open the file again and log in") {
        val file = sqliteFile()
        Accounts.sqlite(file, FAST).use { accounts ->
            serving(accounts) { server ->
                server.client().use { client ->
                    client.awaitText("Username: ")
                    client.sendLine("new")
                    client.awaitText("New user name: ")
                    client.sendLine("carol")
                    client.awaitText("Password: ")
                    client.sendLine("s3cret-c")
                    client.awaitText("Password again: ")
                    client.sendLine("s3cret-c")
                    client.awaitText("Nickname [carol]: ")
                    client.sendLine("")
                    client.awaitPrompt(PROMPT)
                }
            }
        }
        Accounts.sqlite(file, FAST).use { accounts ->
            accounts.find("carol").shouldNotBeNull().nickname shouldBe "carol"
            serving(accounts) { server ->
                server.client().use { client ->
                    client.logIn("carol", "s3cret-c")
                    client.awaitPrompt(PROMPT)
                    client.sendLine("whoami")
                    client.awaitText("user=carol role=USER nick=carol")
                }
            }
            accounts.authenticate("carol", "s3cret-c").shouldBeInstanceOf<LoginResult.Success>()
        }
    }
})
