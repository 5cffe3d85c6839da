package dev.telnetkit.accounts

import ch.qos.logback.classic.Logger
import ch.qos.logback.classic.spi.ILoggingEvent
import ch.qos.logback.classic.spi.ThrowableProxyUtil
import ch.qos.logback.core.read.ListAppender
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainAll
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import org.slf4j.LoggerFactory

/** Passwords never reach a log line: registration, wrong passwords and logins, in the store and over Telnet. */
class PasswordLoggingSpec : FunSpec({
    val root = LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) as Logger

    fun <T> capturing(block: () -> T): Pair<T, List<String>> {
        val appender = ListAppender<ILoggingEvent>().apply { start() }
        root.addAppender(appender)
        try {
            val result = block()
            return result to appender.list.map { event ->
                event.formattedMessage + (event.throwableProxy?.let { "\n" + ThrowableProxyUtil.asString(it) } ?: "")
            }
        } finally {
            root.detachAppender(appender)
        }
    }

    val secrets = listOf("Pw-ann-1", "Pw-wrong-2", "Pw-bob-3", "Pw-bob-typo-4")

    test("no log line holds a password, while the refusals are logged apart") {
        val (_, lines) = capturing {
            kotlinx.coroutines.runBlocking {
                Accounts.sqlite(sqliteFile(), FAST).use { accounts ->
                    accounts.register("ann", "Pw-ann-1", "Annie")
                    accounts.authenticate("ann", "Pw-wrong-2")
                    // A password typed as a user name by mistake must not be logged either.
                    accounts.authenticate("Pw-ann-1", "Pw-ann-1")
                    accounts.authenticate("ann", "Pw-ann-1")
                    accounts.setLocked("ann", true)
                    accounts.authenticate("ann", "Pw-ann-1")
                    accounts.changePassword("ann", "Pw-ann-1")
                    accounts.setLocked("ann", false)
                    val server = bbs(accounts).start()
                    try {
                        TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                            client.awaitText("Username: ")
                            client.sendLine("ann")
                            client.awaitText("Password: ")
                            client.sendLine("Pw-wrong-2")
                            client.awaitText("Login incorrect.")
                            client.awaitText("Username: ")
                            client.sendLine("new")
                            client.awaitText("New user name: ")
                            client.sendLine("bob")
                            client.awaitText("Password: ")
                            client.sendLine("Pw-bob-3")
                            client.awaitText("Password again: ")
                            client.sendLine("Pw-bob-typo-4")
                            client.awaitText("The passwords differ.")
                            client.awaitText("Password: ")
                            client.sendLine("Pw-bob-3")
                            client.awaitText("Password again: ")
                            client.sendLine("Pw-bob-3")
                            client.awaitText("Nickname [bob]: ")
                            client.sendLine("")
                            client.awaitPrompt(PROMPT)
                        }
                    } finally {
                        server.stop()
                    }
                }
            }
        }
        // The capture saw the flow: the three refusals differ in the log, and the registration is there.
        lines shouldContainAll listOf(
            "login refused for ann: wrong password",
            "login refused: no such account",
            "login refused for ann: the account is locked",
            "account ann registered",
            "account bob registered",
        )
        for (secret in secrets) {
            lines.filter { secret in it } shouldBe emptyList()
        }
        lines shouldNotContain ""
    }
})
