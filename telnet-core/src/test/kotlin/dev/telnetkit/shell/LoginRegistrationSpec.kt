package dev.telnetkit.shell

import dev.telnetkit.server.TelnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldNotContain
import java.io.Closeable
import java.net.Socket
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread

/** A bare socket reading what the server sends (Telnet commands and all) as Latin-1 text. */
private class RawClient(port: Int) : Closeable {
    private val socket = Socket("127.0.0.1", port)
    private val text = StringBuffer()
    private var consumed = 0
    private val reader = thread(isDaemon = true, name = "raw-client-reader") {
        val buffer = ByteArray(4096)
        val input = socket.getInputStream()
        try {
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                text.append(String(buffer, 0, n, Charsets.ISO_8859_1))
            }
        } catch (_: Exception) {
            // The socket was closed by the test.
        }
    }

    /** Waits until [expected] arrives after what earlier waits consumed; returns the text up to and including it. */
    fun await(expected: String, timeoutMillis: Long = 10_000): String {
        val deadline = System.nanoTime() + timeoutMillis * 1_000_000
        while (System.nanoTime() < deadline) {
            val at = text.indexOf(expected, consumed)
            if (at >= 0) {
                val seen = text.substring(consumed, at + expected.length)
                consumed = at + expected.length
                return seen
            }
            Thread.sleep(10)
        }
        error("timed out waiting for \"$expected\"; received after the last wait: \"${text.substring(consumed)}\"")
    }

    fun sendLine(line: String) {
        socket.getOutputStream().apply { write("$line\r\n".toByteArray()); flush() }
    }

    override fun close() {
        socket.close()
        reader.join(5_000)
    }
}

class LoginRegistrationSpec : FunSpec({
    fun server(login: LoginSettings): TelnetServer = TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(50))
        .prompt("in> ").login(login)
        .command(Command.named("whoami").handler { session, _ -> session.writeResponseBlocking("user=${session.username}") })
        .build().startBlocking()

    val passwords = Authenticator { _, user, password -> user == "ann" && password == "nna" }

    test("the keyword at the user name prompt runs the registration instead of asking a password, and its answer logs the user in") {
        val registration = Registration { session ->
            val name = session.readLine("Name wanted: ", history = false)
            session.writeLine("Welcome, $name.")
            name
        }
        server(LoginSettings(passwords, failureDelay = Duration.ZERO, registration = registration)).use { server ->
            RawClient(server.port).use { client ->
                client.await("Username: ")
                client.sendLine("NEW")
                client.await("Name wanted: ") shouldNotContain "Password: "
                client.sendLine("zed")
                client.await("Welcome, zed.")
                client.await("in> ")
                client.sendLine("whoami")
                client.await("user=zed")
            }
        }
    }

    test("a registration answering null, or failing, goes back to the user name prompt; a normal login still works") {
        val calls = AtomicInteger()
        val registration = Registration { _ ->
            if (calls.incrementAndGet() == 1) null else throw IllegalStateException("the database is away")
        }
        server(LoginSettings(passwords, maxAttempts = 3, failureDelay = Duration.ZERO, registration = registration)).use { server ->
            RawClient(server.port).use { client ->
                client.await("Username: ")
                client.sendLine("new")
                client.await("Username: ")
                client.sendLine("new")
                client.await("Registration failed.") shouldNotContain "the database is away"
                client.await("Username: ")
                client.sendLine("ann")
                client.await("Password: ")
                client.sendLine("nna")
                client.await("in> ")
                client.sendLine("whoami")
                client.await("user=ann")
                calls.get() shouldBe 2
            }
        }
    }

    test("without a registration the keyword is an ordinary user name") {
        server(LoginSettings(passwords, failureDelay = Duration.ZERO)).use { server ->
            RawClient(server.port).use { client ->
                client.await("Username: ")
                client.sendLine("new")
                client.await("Password: ")
                client.sendLine("x")
                client.await("Login incorrect.")
            }
        }
    }

    test("a registration needs the user name prompt, and a keyword") {
        val registration = Registration { null }
        runCatching { LoginSettings(passwords, askUsername = false, registration = registration) }
            .exceptionOrNull()?.message shouldBe "login registration needs askUsername: the keyword is typed at the user name prompt"
        runCatching { LoginSettings.builder { _, _, _ -> false }.registration(registration).registrationKeyword(" ").build() }
            .exceptionOrNull()?.message shouldBe "login registrationKeyword must not be blank"
    }
})
