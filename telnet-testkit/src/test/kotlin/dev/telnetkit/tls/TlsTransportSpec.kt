package dev.telnetkit.tls

import ch.qos.logback.classic.Level
import dev.telnetkit.hardening.captureServerLog
import dev.telnetkit.hardening.queuedOutputBytes
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.bytes
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.testkit.TerminalProfile
import dev.telnetkit.testkit.TestCertificates
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.tls.ClientAuth
import dev.telnetkit.transport.tls.TlsConfigurationException
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactlyInAnyOrder
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.comparables.shouldBeGreaterThanOrEqualTo
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import java.io.IOException
import java.net.SocketTimeoutException
import java.nio.file.Path
import java.time.Duration
import javax.net.ssl.SSLException
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

private const val MiB = 1 shl 20

/** Heap in use after a full collection, in bytes. */
private fun usedHeapAfterGc(): Long {
    repeat(2) { System.gc() }
    return java.lang.management.ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
}

/** Telnet negotiation a plain client may open with: IAC WILL TTYPE, IAC DO SGA. */
private val TELNET_OPENING = bytes(255, 251, 24, 255, 253, 3)

/**
 * TLS on the NIO transport, over real sockets: the handshake before the session, auto-detection of
 * plain Telnet, refusals with one clear log line, client certificates, and the output bound.
 */
class TlsTransportSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = tlsFixture()
    val log = captureServerLog()

    /** The WARN-or-louder lines about connections refused before their session, from [remote] if given. */
    fun refusals(): List<String> = log.messages(Level.INFO).filter { "closed before its session" in it }

    /** No stack trace anywhere in the server's log, no ERROR and no uncaught exception. */
    fun assertNoStackTraces() {
        withClue("log events with a stack trace") {
            log.events.filter { it.loggerName.startsWith("dev.telnetkit") && it.throwableProxy != null }.map { it.formattedMessage }.shouldBeEmpty()
        }
        withClue("ERROR events and uncaught exceptions") { log.failures().shouldBeEmpty() }
    }

    test("a JDK SSLSocket client trusting the test CA gets the shell over TLS: login, a command, a broadcast, and the session's transport is tls") {
        val server = fixture.start(handler = tlsShell(fixture.started, login = true))
        val client = fixture.connectTls(server)
        client.awaitText("Welcome over TLS.")
        client.awaitPrompt("Username: ")
        client.sendLine("ann")
        client.awaitPrompt("Password: ")
        client.sendLine("secret")
        client.awaitPrompt(TLS_PROMPT)
        client.sendLine("echo over  TLS")
        client.awaitText("over TLS\r\n")
        client.awaitPrompt(TLS_PROMPT)
        client.sendLine("whoami")
        client.awaitText("transport=tls user=ann cert=none\r\n")
        client.awaitPrompt(TLS_PROMPT)
        server.broadcast("hello everyone") shouldBe 1
        client.awaitText("hello everyone")
        val session = server.sessions.single()
        session.transport shouldBe "tls"
        session.peerCertificates.shouldBeEmpty()
        withClue("the client negotiated Telnet inside TLS: NAWS reached the server") { session.width shouldBe TerminalProfile.XTERM.width }
        client.sendLine("bye")
        client.awaitClosed(10.seconds).shouldBeTrue()
        awaitCondition("the session ended") { server.sessions.isEmpty() }
        assertNoStackTraces()
    }

    test("AUTO_DETECT: a plain Telnet client and a TLS client on the same port both get their shell, each on its own transport") {
        val server = fixture.start(tlsServerSettings(testTls(TlsMode.AUTO_DETECT)))
        val plain = fixture.connectPlain(server)
        val secure = fixture.connectTls(server)
        for (client in listOf(plain, secure)) {
            client.awaitPrompt(TLS_PROMPT)
            client.sendLine("whoami")
        }
        plain.awaitText("transport=nio user=null cert=none\r\n")
        secure.awaitText("transport=tls user=null cert=none\r\n")
        server.sessions.map { it.transport } shouldContainExactlyInAnyOrder listOf("nio", "tls")
        withClue("both negotiated Telnet: character mode") { server.sessions.all { it.serverEchoes }.shouldBeTrue() }
        assertNoStackTraces()
    }

    test("AUTO_DETECT: a silent plain client (netcat-like, it speaks only after the server) gets its prompt once detectWait has passed") {
        val detectWait = Duration.ofMillis(800)
        val server = fixture.start(tlsServerSettings(testTls(TlsMode.AUTO_DETECT, detectWait = detectWait), connectMaxWait = Duration.ofMillis(300)))
        val mark = TimeSource.Monotonic.markNow()
        val silent = fixture.raw(server)
        val first = silent.readExactly(1, 10.seconds)
        val firstAfter = mark.elapsedNow()
        withClue("the server's first byte (the Telnet negotiation) came after detectWait, not before") {
            firstAfter shouldBeGreaterThanOrEqualTo (detectWait.toMillis() - 50).milliseconds
        }
        first[0] shouldBe 255.toByte() // IAC: Telnet, not a TLS alert
        silent.readUntil(TLS_PROMPT, 10.seconds)
        silent.send("echo said late\r\n")
        silent.readUntil("said late\r\n$TLS_PROMPT", 5.seconds)
        server.sessions.single().transport shouldBe "nio"
        fixture.started shouldHaveSize 1
        assertNoStackTraces()
    }

    test("AUTO_DETECT: the first bytes of a plain client that speaks at once are handed to its session, none lost to the detection") {
        val server = fixture.start(tlsServerSettings(testTls(TlsMode.AUTO_DETECT, detectWait = Duration.ofSeconds(5)), connectMaxWait = Duration.ofMillis(300)))
        val mark = TimeSource.Monotonic.markNow()
        val client = fixture.raw(server)
        // A line typed before the server said anything, in the same packet as nothing else: the detection reads it.
        client.send("echo typed ahead\r\n")
        client.readUntil("typed ahead\r\n$TLS_PROMPT", 10.seconds)
        withClue("served without waiting for detectWait (5 s)") { mark.elapsedNow() shouldBeLessThan 4.seconds }
        server.sessions.single().transport shouldBe "nio"
        assertNoStackTraces()
    }

    test("TLS_ONLY: a plain Telnet client is refused with one log line naming it and what it sent; no session handler runs") {
        val server = fixture.start()
        val plain = fixture.raw(server)
        plain.send(TELNET_OPENING)
        plain.awaitEof(10.seconds).shouldBeTrue()
        val remote = "127.0.0.1:${plain.socket.localPort}"
        awaitCondition("the refusal was logged") { refusals().isNotEmpty() }
        val line = refusals().single()
        line shouldStartWith "connection from $remote closed before its session: not a TLS client (first bytes ff fb 18 ff fd 03: Telnet negotiation, a plain Telnet client)"
        log.events.single { it.formattedMessage == line }.level shouldBe Level.WARN
        withClue("nothing at all was sent to the plain client (no TLS alert, no Telnet)") { plain.bytesSoFar.size shouldBe 0 }
        fixture.started.shouldBeEmpty()
        server.sessions.shouldBeEmpty()
        assertNoStackTraces()
    }

    test("TLS_ONLY: a silent plain client is closed after handshakeTimeout with a log line that says what probably happened") {
        val server = fixture.start(tlsServerSettings(testTls(handshakeTimeout = Duration.ofMillis(700))))
        val mark = TimeSource.Monotonic.markNow()
        val silent = fixture.raw(server)
        silent.awaitEof(10.seconds).shouldBeTrue()
        mark.elapsedNow() shouldBeGreaterThanOrEqualTo 650.milliseconds
        awaitCondition("the refusal was logged") { refusals().isNotEmpty() }
        refusals().single() shouldContain "no TLS handshake within 700ms (handshakeTimeout): the client sent nothing (a plain Telnet client waiting for the server to speak first?)"
        fixture.started.shouldBeEmpty()
        assertNoStackTraces()
    }

    test("a client that sends half a ClientHello and stalls is closed after handshakeTimeout with a log line and no session; meanwhile the loop serves others") {
        // One loop: the stalled handshake must not hold it.
        val server = fixture.start(tlsServerSettings(testTls(handshakeTimeout = Duration.ofSeconds(2)), eventLoops = 1))
        val hello = clientHello()
        val staller = fixture.raw(server)
        val mark = TimeSource.Monotonic.markNow()
        staller.send(hello.copyOf(hello.size / 2))
        delay(200)
        val other = fixture.connectTls(server)
        other.awaitPrompt(TLS_PROMPT)
        other.sendLine("echo served meanwhile")
        other.awaitText("served meanwhile\r\n")
        withClue("the other client was served while the staller stalled") { mark.elapsedNow() shouldBeLessThan 2.seconds }
        staller.awaitEof(10.seconds).shouldBeTrue()
        val closedAfter = mark.elapsedNow()
        closedAfter shouldBeGreaterThanOrEqualTo 1900.milliseconds
        closedAfter shouldBeLessThan 6.seconds
        awaitCondition("the refusal was logged") { refusals().isNotEmpty() }
        refusals().single() shouldBe "connection from 127.0.0.1:${staller.socket.localPort} closed before its session: " +
            "the client did not finish the TLS handshake within 2s (handshakeTimeout): it stalled"
        fixture.started shouldHaveSize 1 // the other client's
        assertNoStackTraces()
    }

    for ((what, bytes) in listOf(
        "garbage after 0x16" to bytes(0x16, 0xFF, 0xFE, 0x00, 0x41, 0x42, 0x43),
        "a TLS record header followed by garbage" to (bytes(0x16, 0x03, 0x01, 0x00, 0x40) + Random(7).nextBytes(0x40)),
        "a record type no TLS client sends first" to bytes(0x16, 0x03, 0x03, 0x00, 0x05, 0x17, 0x03, 0x03, 0x00, 0x01),
    )) {
        for (mode in TlsMode.entries) {
            test("$mode: $what is refused with a log line and no session") {
                val server = fixture.start(tlsServerSettings(testTls(mode)))
                val client = fixture.raw(server)
                client.send(bytes)
                client.awaitEof(10.seconds).shouldBeTrue()
                awaitCondition("the refusal was logged") { refusals().isNotEmpty() }
                val line = refusals().single()
                println("$mode, $what: $line")
                line shouldContain "connection from 127.0.0.1:${client.socket.localPort} closed before its session: "
                (line.contains("not a TLS client") || line.contains("TLS handshake failed") || line.contains("not a TLS record")).shouldBeTrue()
                fixture.started.shouldBeEmpty()
                assertNoStackTraces()
            }
        }
    }

    test("client certificates REQUIRED: a trusted certificate is served and shown to the handler; no certificate or an untrusted one is refused with a log line") {
        val certs = TestCertificates.shared()
        val server = fixture.start(tlsServerSettings(testTls(clientAuth = ClientAuth.REQUIRED)))
        val trusted = fixture.connectTls(server, certs.client)
        trusted.awaitPrompt(TLS_PROMPT)
        trusted.sendLine("whoami")
        trusted.awaitText("transport=tls user=null cert=CN=test client\r\n")
        server.sessions.single().peerCertificates.first() shouldBe certs.client.certificate

        suspend fun refused(identity: dev.telnetkit.testkit.TestIdentity?, reason: String, presentAnyway: Boolean = false) {
            val before = refusals().size
            // TLS 1.3: the client may finish its side before the server has checked its certificate,
            // so the refusal shows either as a failed handshake or as a connection closed at once.
            val client = try {
                // A JDK client offers only a certificate the server's CA list names; a hostile client offers any.
                if (presentAnyway) fixture.connectTls(server, presentingAnyway(identity!!)) else fixture.connectTls(server, identity)
            } catch (e: IOException) {
                null
            }
            if (client != null) {
                client.awaitClosed(10.seconds).shouldBeTrue()
                client.output shouldBe ""
            }
            awaitCondition("the refusal was logged") { refusals().size == before + 1 }
            refusals().last() shouldContain reason
        }
        refused(null, "TLS handshake failed: the client sent no certificate, and this server requires one")
        refused(certs.untrustedClient, "TLS handshake failed: the client's certificate is not trusted", presentAnyway = true)
        fixture.started shouldHaveSize 1
        assertNoStackTraces()
    }

    test("client certificates WANTED: a client without one is served, with no peer certificate") {
        val server = fixture.start(tlsServerSettings(testTls(clientAuth = ClientAuth.WANTED)))
        val anonymous = fixture.connectTls(server)
        anonymous.awaitPrompt(TLS_PROMPT)
        anonymous.sendLine("whoami")
        anonymous.awaitText("transport=tls user=null cert=none\r\n")
        val known = fixture.connectTls(server, TestCertificates.shared().client)
        known.awaitPrompt(TLS_PROMPT)
        known.sendLine("whoami")
        known.awaitText("cert=CN=test client\r\n")
    }

    test("a TLS client that stops reading is cut off after outputStallTimeout, and the heap stays bounded meanwhile") {
        val limit = 64 * 1024
        val flooders = 6
        val line = "x".repeat(1000)
        val server = fixture.start(
            tlsServerSettings(outputBufferLimit = limit, outputStallTimeout = Duration.ofSeconds(3), connectMaxWait = Duration.ofMillis(200)),
            SessionHandler { session ->
                fixture.started.add(session.id)
                while (true) session.writeLine(line) // suspends while the client does not read
            },
        )
        val heapBefore = usedHeapAfterGc()
        val sockets = List(flooders) { fixture.sslSocket(server, receiveBuffer = 4096) }
        awaitCondition("every flooder's session started", 10.seconds) { fixture.started.size == flooders }
        awaitCondition("every flooder's output queue is full", 10.seconds) { server.sessions.all { queuedOutputBytes(it) >= limit - 2 * line.length } }
        val mark = TimeSource.Monotonic.markNow()
        val grown = usedHeapAfterGc() - heapBefore
        println("$flooders TLS clients not reading: heap grew ${grown / 1024} KiB")
        withClue("heap growth with $flooders stalled TLS sessions") { grown shouldBeLessThan 16L * MiB }
        server.sessions.forEach { queuedOutputBytes(it) shouldBeLessThanOrEqualTo limit.toLong() }
        awaitCondition("the stalled sessions are cut off", 15.seconds) { server.sessions.isEmpty() }
        val cutOffAfter = mark.elapsedNow()
        withClue("cut off after the stall timeout (3 s), not long after") { cutOffAfter shouldBeLessThan 8.seconds }
        log.messages(Level.WARN).filter { "cut off: client read nothing for 3000 ms" in it } shouldHaveSize flooders
        // What the clients got before the cut-off is intact TLS: they read it, then see the end.
        for (socket in sockets) {
            withContext(Dispatchers.IO) {
                socket.soTimeout = 10_000
                val buffer = ByteArray(64 * 1024)
                var total = 0L
                try {
                    while (true) {
                        val n = socket.inputStream.read(buffer)
                        if (n < 0) break
                        total += n
                    }
                } catch (e: SocketTimeoutException) {
                    throw AssertionError("the connection was not closed after the cut-off ($total bytes read)")
                } catch (e: IOException) {
                    // reset after the cut-off: closed as well
                }
                withClue("the records sent before the cut-off were read intact") { total shouldBeGreaterThanOrEqualTo line.length.toLong() }
            }
        }
        assertNoStackTraces()
    }

    test("bye over TLS ends with close_notify: the client reads the goodbye, then the TLS end of stream (not a bare TCP end)") {
        val server = fixture.start()
        val client = fixture.engineClient(server)
        val text = StringBuilder()
        withContext(Dispatchers.IO) {
            // Answer nothing: after connectMaxWait the shell starts in line mode.
            while (!text.endsWith(TLS_PROMPT)) text.append(String(checkNotNull(client.read()) { "closed before the prompt: $text" }, Charsets.ISO_8859_1))
            client.write("bye\r\n".toByteArray())
            while (true) text.append(String(client.read() ?: break, Charsets.ISO_8859_1))
        }
        text.toString() shouldContain "Goodbye."
        assertNoStackTraces()
    }

    test("application data that arrives with the end of the handshake (a client that talks at once) reaches the session first") {
        val server = fixture.start(tlsServerSettings(connectMaxWait = Duration.ofMillis(300)))
        val client = fixture.engineClient(server, thenSend = "echo early bird\r\n".toByteArray())
        val text = StringBuilder()
        withContext(Dispatchers.IO) {
            while ("early bird\r\n" !in text) text.append(String(checkNotNull(client.read()) { "closed: $text" }, Charsets.ISO_8859_1))
        }
        withClue("the typed-ahead line was the session's first input") { text.indexOf("early bird\r\n") shouldBeGreaterThan text.indexOf(TLS_PROMPT) }
        assertNoStackTraces()
    }

    test("start() fails clearly when the TLS files are wrong or the transport cannot serve TLS; nothing stays bound") {
        val missing = Path.of("/nonexistent/telnetkit/cert.pem")
        val badFiles = TlsSettings(TlsIdentity.pem(missing, missing))
        val error = shouldThrow<TlsConfigurationException> { TelnetServer(tlsServerSettings(badFiles)) { }.start() }
        error.message shouldContain "/nonexistent/telnetkit/cert.pem"
        val ktor = shouldThrow<IllegalArgumentException> {
            TelnetServer(tlsServerSettings().withTransport(Transport.named("ktor"))) { }.start()
        }
        ktor.message shouldBe "TLS (ServerSettings.tls) is served by the NIO transport only, not by 'ktor': use Transport.nio(), or terminate TLS in front of the server"
    }

    test("withPort and withTransport keep the TLS settings") {
        val tls = testTls()
        val settings = ServerSettings(tls = tls)
        settings.withPort(0).tls shouldBe tls
        settings.withTransport(Transport.nio()).tls shouldBe tls
        ServerSettings().tls shouldBe null
    }
})
