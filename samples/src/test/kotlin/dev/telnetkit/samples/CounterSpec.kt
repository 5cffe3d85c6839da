package dev.telnetkit.samples

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The connection counter sample: counts kept outside the sessions, for the server and per user. */
class CounterSpec : FunSpec({
    suspend fun logIn(server: TelnetServer, user: String, password: String = "counter"): TelnetTestClient {
        val client = TelnetTestClient.connect("127.0.0.1", server.port)
        client.awaitText("Connection counter.")
        client.awaitPrompt("Username: ")
        client.sendLine(user)
        client.awaitPrompt("Password: ")
        client.sendLine(password)
        return client
    }

    test("counts connections across sessions, for the whole server and for each user") {
        val counter = ConnectionCounter()
        val server = counter.server("127.0.0.1", 0).start()
        try {
            logIn(server, "ann").use { ann ->
                ann.awaitText("This is connection 1 to this server, and your connection 1.")
                ann.awaitPrompt("counter> ")
                // Open at the same time as ann's first session.
                logIn(server, "bob").use { bob ->
                    bob.awaitText("This is connection 2 to this server, and your connection 1.")
                    bob.awaitPrompt("counter> ")
                }
                ann.sendLine("bye")
            }
            logIn(server, "ann").use { ann ->
                ann.awaitText("This is connection 3 to this server, and your connection 2.")
                ann.awaitPrompt("counter> ")
                ann.sendLine("count")
                ann.awaitText("All users: 3\r\n  ann: 2\r\n  bob: 1\r\n")
                ann.awaitPrompt("counter> ")
            }
            // A rejected login is no connection of anyone's.
            logIn(server, "eve", password = "guess").use { eve ->
                eve.awaitText("Login incorrect.")
                eve.awaitPrompt("Username: ")
            }
            counter.totalConnections shouldBe 3
            counter.connectionsOf("ann") shouldBe 2
            counter.connectionsOf("bob") shouldBe 1
            counter.connectionsOf("eve") shouldBe 0
        } finally {
            server.stop()
        }
    }

    test("the counts belong to the counter: they survive a server restart") {
        val counter = ConnectionCounter()
        val first = counter.server("127.0.0.1", 0).start()
        try {
            logIn(first, "ann").use { it.awaitText("connection 1 to this server, and your connection 1.") }
        } finally {
            first.stop()
        }
        val second = counter.server("127.0.0.1", 0).start()
        try {
            logIn(second, "ann").use { ann ->
                ann.awaitText("This is connection 2 to this server, and your connection 2.")
                ann.awaitPrompt("counter> ")
            }
            // A separate counter starts from zero.
            val other = ConnectionCounter().server("127.0.0.1", 0).start()
            try {
                logIn(other, "ann").use { it.awaitText("This is connection 1 to this server, and your connection 1.") }
            } finally {
                other.stop()
            }
        } finally {
            second.stop()
        }
    }
})
