package dev.telnetkit.interop

import dev.telnetkit.server.DEMO_LIKE_PROMPT
import dev.telnetkit.server.DEMO_LIKE_WELCOME
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.demoLikeShell
import dev.telnetkit.session.Session
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TestCertificates
import dev.telnetkit.testkit.TmuxTerminal
import dev.telnetkit.tls.testTls
import dev.telnetkit.tls.tlsServerSettings
import dev.telnetkit.transport.tls.TlsMode
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

private val PROMPT_SHOWN = DEMO_LIKE_PROMPT.trimEnd()

/**
 * TLS with real clients: `openssl s_client` fed lines on its standard input, Debian's `telnet-ssl`
 * in a tmux pane, and, on an auto-detecting port, the plain clients (inetutils `telnet`, OpenBSD
 * `nc`) beside them. Each is skipped with a message when the program is missing, unless
 * TELNETKIT_REQUIRE_INTEROP=1 (then it fails). TLS is served by the NIO transport only, so the
 * build does not run this spec again over ktor.
 */
class TlsInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)
    val certs = TestCertificates.shared()

    fun interopTest(name: String, programs: List<InteropClients.Program>, body: suspend () -> Unit) {
        val skip = InteropClients.skipReason(programs)
        test(name).config(enabledOrReasonIf = { skip?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll(programs)
            body()
        }
    }

    /** A demo-like server speaking TLS in [mode]; [block] gets it and the first session. */
    suspend fun withServer(mode: TlsMode, block: suspend (TelnetServer, CompletableDeferred<Session>) -> Unit) {
        val seen = CompletableDeferred<Session>()
        val shell = demoLikeShell()
        val server = TelnetServer(tlsServerSettings(testTls(mode), connectMaxWait = Duration.ofSeconds(2))) { s ->
            seen.complete(s)
            shell.handle(s)
        }.start()
        try {
            block(server, seen)
        } finally {
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }

    /** A program started with pipes: what it prints is collected, lines go to its standard input. */
    class Piped(command: List<String>) : AutoCloseable {
        val process: Process = ProcessBuilder(command).redirectErrorStream(true).start()
        private val received = ByteArrayOutputStream()

        init {
            Thread {
                val buffer = ByteArray(4096)
                while (true) {
                    val n = runCatching { process.inputStream.read(buffer) }.getOrDefault(-1)
                    if (n < 0) break
                    synchronized(received) { received.write(buffer, 0, n) }
                }
            }.apply { isDaemon = true; start() }
        }

        fun text(): String = synchronized(received) { received.toString(Charsets.ISO_8859_1) }

        fun type(line: String) {
            process.outputStream.apply { write("$line\n".toByteArray()); flush() }
        }

        /** Waits until [needle] has been printed [count] times. */
        suspend fun awaitText(needle: String, count: Int = 1) {
            val ok = withTimeoutOrNull(15.seconds) {
                while (text().windowed(needle.length).count { it == needle } < count) delay(20.milliseconds)
                true
            }
            withClue("waiting for $count x '$needle' in what the program printed: ${text()}") { ok shouldBe true }
        }

        override fun close() {
            process.destroyForcibly()
        }
    }

    interopTest("openssl s_client, fed lines on stdin, gets the prompt and answers over TLS (TLS-only port)", listOf(InteropClients.openssl)) {
        withServer(TlsMode.TLS_ONLY) { server, seen ->
            val command = listOf(
                InteropClients.openssl.require(), "s_client", "-connect", "127.0.0.1:${server.port}", "-quiet",
                "-CAfile", certs.caPem.toString(), "-verify_return_error",
            )
            Piped(command).use { client ->
                client.awaitText(DEMO_LIKE_WELCOME)
                client.awaitText("$PROMPT_SHOWN ")
                val session = withTimeout(5.seconds) { seen.await() }
                session.transport shouldBe "tls"
                client.type("echo hello over openssl")
                client.awaitText("hello over openssl\r\n")
                client.awaitText("$PROMPT_SHOWN ", count = 2)
                client.type("bye")
                client.awaitText("Goodbye.")
                withClue("s_client ends when the server closes TLS") { withTimeoutOrNull(10.seconds) { while (client.process.isAlive) delay(20) } shouldBe Unit }
            }
        }
    }

    interopTest(
        "telnet-ssl -z ssl in tmux gets the shell over TLS, types a command and sees the answer (TLS-only port)",
        listOf(InteropClients.telnetSsl, InteropClients.tmux),
    ) {
        withServer(TlsMode.TLS_ONLY) { server, seen ->
            // -z secure: without it telnet-ssl speaks plain Telnet to localhost; cacert: it trusts the test CA.
            val command = listOf(
                InteropClients.telnetSsl.require(), "-z", "ssl", "-z", "secure", "-z", "cacert=${certs.caPem}", "127.0.0.1", server.port.toString(),
            )
            TmuxTerminal.start(command, 90, 25).use { terminal ->
                terminal.awaitText(PROMPT_SHOWN)
                val session = withTimeout(20.seconds) { seen.await() }
                session.transport shouldBe "tls"
                withClue("telnet-ssl negotiated Telnet inside TLS: its terminal type and the pane's size") {
                    session.terminalType shouldBe "xterm-256color"
                    session.width shouldBe 90
                }
                terminal.sendText("echo typed in telnet-ssl")
                terminal.sendKeys("Enter")
                terminal.awaitScreen { it.lines().any { line -> line.trimEnd() == "typed in telnet-ssl" } }
                terminal.sendText("bye")
                terminal.sendKeys("Enter")
                terminal.awaitText("Goodbye.")
            }
        }
    }

    interopTest(
        "AUTO_DETECT: inetutils telnet (plain) and telnet-ssl (TLS) get the same shell on one port",
        listOf(InteropClients.inetutilsTelnet, InteropClients.telnetSsl, InteropClients.tmux),
    ) {
        withServer(TlsMode.AUTO_DETECT) { server, _ ->
            val plain = listOf(InteropClients.inetutilsTelnet.require(), "127.0.0.1", server.port.toString())
            val secure = listOf(
                InteropClients.telnetSsl.require(), "-z", "ssl", "-z", "secure", "-z", "cacert=${certs.caPem}", "127.0.0.1", server.port.toString(),
            )
            TmuxTerminal.start(plain, 90, 25).use { plainTerminal ->
                TmuxTerminal.start(secure, 90, 25).use { secureTerminal ->
                    for (terminal in listOf(plainTerminal, secureTerminal)) terminal.awaitText(PROMPT_SHOWN)
                    for ((terminal, word) in listOf(plainTerminal to "plain", secureTerminal to "secure")) {
                        terminal.sendText("echo from $word")
                        terminal.sendKeys("Enter")
                        terminal.awaitScreen { it.lines().any { line -> line.trimEnd() == "from $word" } }
                    }
                    server.sessions.map { it.transport }.sorted() shouldBe listOf("nio", "tls")
                    withClue("both in character mode") { server.sessions.all { it.serverEchoes } shouldBe true }
                }
            }
        }
    }

    interopTest("AUTO_DETECT: OpenBSD nc, which never speaks first, gets its prompt after detectWait and is answered", listOf(InteropClients.netcat)) {
        withServer(TlsMode.AUTO_DETECT) { server, seen ->
            Piped(listOf(InteropClients.netcat.require(), "127.0.0.1", server.port.toString())).use { client ->
                client.awaitText("$PROMPT_SHOWN ")
                withTimeout(5.seconds) { seen.await() }.transport shouldBe "nio"
                client.type("echo netcat here")
                client.awaitText("netcat here\r\n")
                client.text() shouldContain DEMO_LIKE_WELCOME
            }
        }
    }
})
