package dev.telnetkit.ktor

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.transport.Transport
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.types.shouldBeInstanceOf
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration

/** The ktor transport as a user meets it: found by name, bound, serving, and gone after stop. */
class KtorTransportSpec : FunSpec({
    val hello = SessionHandler { session -> session.writeLine("hello over ${session.transport}") }

    suspend fun firstLine(port: Int): String = withContext(Dispatchers.IO) {
        Socket().use { socket ->
            socket.soTimeout = 10_000
            socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
            val input = socket.getInputStream()
            val line = StringBuilder()
            while (!line.endsWith("\r\n")) {
                val b = input.read()
                if (b < 0) break
                // Skip the Telnet negotiation bytes the server opens with.
                if (b >= 0x80) continue
                line.append(b.toChar())
            }
            line.toString().filter { it.code >= 0x20 || it == '\r' || it == '\n' }.trim()
        }
    }

    test("Transport.named finds the ktor transport through its provider; an unknown name lists the available ones") {
        Transport.named("ktor").shouldBeInstanceOf<KtorTransport>()
        Transport.named("KTOR").name shouldBe "ktor"
        val e = shouldThrow<IllegalArgumentException> { Transport.named("carrier-pigeon") }
        e.message shouldContain "nio"
        e.message shouldContain "ktor"
    }

    test("a server on the ktor transport binds a free port, serves a session, and frees the port when it stops") {
        val settings = ServerSettings(port = 0, transport = KtorTransport(), connectMaxWait = Duration.ofMillis(200))
        val server = TelnetServer(settings, hello).start()
        val port = server.port
        firstLine(port) shouldContain "hello over ktor"
        server.stop(Duration.ZERO)
        // The same port again: a restart after stop must not find it taken.
        val again = TelnetServer(settings.withPort(port), hello).start()
        try {
            again.port shouldBe port
            firstLine(port) shouldContain "hello over ktor"
        } finally {
            again.stop(Duration.ZERO)
        }
    }

    test("a port already taken fails the start with the bind error, and leaves nothing running") {
        java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()).use { taken ->
            val server = TelnetServer(ServerSettings(port = taken.localPort, transport = KtorTransport()), hello)
            shouldThrow<Exception> { server.start() }
            server.awaitTermination()
        }
    }
})
