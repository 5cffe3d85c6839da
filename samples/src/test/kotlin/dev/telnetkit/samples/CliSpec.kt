package dev.telnetkit.samples

import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TestCertificates
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.net.ServerSocket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * Whether a SIGINT sent to a child process reaches it: a process started with SIGINT ignored (a
 * background job of a non-interactive shell) passes that on, and the JVM then leaves the signal
 * ignored, so the test could only time out. Read from this process's own signal mask.
 */
private fun sigintUsable(): Enabled {
    val ignored = runCatching {
        File("/proc/self/status").readLines().first { it.startsWith("SigIgn:") }.substringAfter(':').trim().toLong(16)
    }.getOrNull() ?: return Enabled.disabled("cannot read /proc/self/status to see whether SIGINT is ignored")
    return if (ignored and (1L shl 1) != 0L) Enabled.disabled("SIGINT is ignored in this process, so a child would ignore it too") else Enabled.enabled
}

/** The samples' command line, run as a real process: `java … dev.telnetkit.samples.DemoMainKt`. */
class CliSpec : FunSpec({
    /** A running `DemoMainKt`, its standard output and error going to files read as they grow. */
    class Cli(vararg args: String) : AutoCloseable {
        private val outFile: File = File.createTempFile("telnetkit-cli", ".out").apply { deleteOnExit() }
        private val errFile: File = File.createTempFile("telnetkit-cli", ".err").apply { deleteOnExit() }
        val process: Process = ProcessBuilder(
            listOf(File(System.getProperty("java.home"), "bin/java").path, "-cp", System.getProperty("java.class.path"), "dev.telnetkit.samples.DemoMainKt") +
                args,
        ).redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
            .redirectOutput(outFile)
            .redirectError(errFile)
            .start()

        val stdout: String get() = outFile.readText()
        val stderr: String get() = errFile.readText()

        /** Waits for the process to end; its exit code, or null if it did not end within [timeout]. */
        suspend fun awaitExit(timeout: Duration): Int? = withContext(Dispatchers.IO) {
            if (process.waitFor(timeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)) {
                process.exitValue()
            } else {
                null
            }
        }

        /** Waits until [pattern] matches a line of standard output. */
        suspend fun awaitStdout(pattern: Regex, timeout: Duration): MatchResult =
            withTimeoutOrNull(timeout) {
                while (true) {
                    pattern.find(stdout)?.let { return@withTimeoutOrNull it }
                    check(process.isAlive) { "the process ended with ${process.exitValue()}; stdout: $stdout; stderr: $stderr" }
                    delay(50)
                }
                @Suppress("UNREACHABLE_CODE") null
            } ?: throw AssertionError("no /${pattern.pattern}/ on stdout within $timeout; stdout: $stdout; stderr: $stderr")

        override fun close() {
            if (process.isAlive) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
            outFile.delete()
            errFile.delete()
        }
    }

    suspend fun exitOf(vararg args: String): Triple<Int?, String, String> = Cli(*args).use { cli ->
        Triple(cli.awaitExit(60.seconds), cli.stdout, cli.stderr)
    }

    test("argument errors print a clear message on stderr and exit with 2") {
        val certs = TestCertificates.shared()
        val cert = certs.server.certificatePem.toString()
        val key = certs.server.privateKeyPem.toString()
        val cases = listOf(
            listOf("--port", "70000") to "--port must be a number from 0 to 65535, got '70000'",
            listOf("--port") to "--port needs a value",
            listOf("--port", "--login") to "--port needs a value",
            listOf("--bogus") to "unknown option '--bogus'",
            listOf("--sample", "tetris") to "--sample must be one of demo, java, chat, counter, bbs, mud, got 'tetris'",
            listOf("--encoding", "UTF-16") to "--encoding must be an ASCII-compatible charset",
            listOf("--idle-timeout", "-5") to "--idle-timeout must be a number of seconds",
            listOf("--log-level", "LOUD") to "--log-level must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got 'LOUD'",
            listOf("--tls-cert", "/nonexistent/cert.pem", "--tls-key", key) to "--tls-cert: no such file '/nonexistent/cert.pem'",
            listOf("--tls-cert", cert, "--tls-key", "/nonexistent/key.pem") to "--tls-key: no such file '/nonexistent/key.pem'",
            listOf("--tls-cert", cert) to "--tls-cert needs --tls-key FILE (its private key, PEM)",
            listOf("--tls-key", key) to "--tls-key needs --tls-cert FILE (the certificate chain, PEM)",
            listOf("--tls-only") to "--tls-only needs --tls-cert FILE and --tls-key FILE",
            listOf("--ssh-port", "70000") to "--ssh-port must be a number from 0 to 65535, got '70000'",
            listOf("--ssh-port") to "--ssh-port needs a value",
            listOf("--port", "2400", "--ssh-port", "2400") to "--ssh-port must differ from --port",
            listOf("--web-port", "70000") to "--web-port must be a number from 0 to 65535, got '70000'",
            listOf("--port", "2400", "--metrics-port", "2400") to "--port, --ssh-port, --web-port and --metrics-port must differ",
            listOf("--record-input") to "--record-input needs --record DIR",
            listOf("--sample", "java", "--web-port", "8080") to "--web-port, --metrics-port and --record are for the Kotlin samples",
            listOf("--transport", "ktor", "--tls-cert", cert, "--tls-key", key) to "--tls-cert needs the nio transport; --transport ktor cannot serve TLS",
            // Files that exist but do not fit: read at start-up, named in the message.
            listOf("--tls-cert", key, "--tls-key", key) to "",
            listOf("--tls-cert", cert, "--tls-key", certs.client.privateKeyPem.toString()) to "",
        )
        for ((args, message) in cases) {
            val (code, stdout, stderr) = exitOf(*args.toTypedArray())
            withClue("$args: $stderr") {
                code shouldBe 2
                stderr shouldStartWith "telnetkit-samples: $message"
                if (message.isEmpty()) {
                    println("${args.joinToString(" ")}: $stderr")
                    (stderr.contains(args[1]) || stderr.contains(args[3])).shouldBeTrue()
                } else {
                    stderr shouldContain "Try --help."
                }
                stdout shouldNotContain "listening"
                stderr shouldNotContain "Exception"
            }
        }
    }

    test("--help prints the usage on stdout and exits with 0") {
        for (flag in listOf("--help", "-h")) {
            val (code, stdout, stderr) = exitOf("--port", "0", flag)
            code shouldBe 0
            stdout shouldStartWith "Usage: java -jar telnetkit-samples.jar [options]"
            for (option in listOf("--sample NAME", "--host HOST", "--port PORT", "--login", "--encoding NAME", "--idle-timeout", "--connect-maxwait", "--log-level", "--log-file", "--tls-cert FILE", "--tls-key FILE", "--tls-only", "--ssh-port PORT", "--ssh-host-key FILE", "--help")) {
                stdout shouldContain option
            }
            stdout shouldContain "SIGTERM"
            stdout shouldNotContain "listening"
            stderr shouldNotContain "Exception"
        }
    }

    test("--tls-cert and --tls-key serve TLS and plain Telnet on one port; --tls-only refuses plain clients with a log line") {
        val certs = TestCertificates.shared()
        val files = arrayOf("--tls-cert", certs.server.certificatePem.toString(), "--tls-key", certs.server.privateKeyPem.toString())
        // This JVM's first TLS handshake loads the TLS stack, which could delay the ClientHello past
        // the auto-detecting port's 0.3 s (it would then be served as plain Telnet): warm it up.
        certs.clientContext().createSSLEngine("localhost", 992).apply { useClientMode = true; beginHandshake() }
            .wrap(java.nio.ByteBuffer.allocate(0), java.nio.ByteBuffer.allocate(64 * 1024))
        Cli("--port", "0", "--connect-maxwait", "0.5", *files).use { cli ->
            val port = cli.awaitStdout(Regex("""listening on 127\.0\.0\.1:(\d+) \(nio, TLS and plain Telnet\)"""), 60.seconds).groupValues[1].toInt()
            cli.stdout shouldContain "openssl s_client -connect 127.0.0.1:$port"
            TelnetTestClient.connectTls("localhost", port, certs.clientContext()).use { secure ->
                TelnetTestClient.connect("127.0.0.1", port).use { plain ->
                    for ((client, word) in listOf(secure to "secure", plain to "plain")) {
                        client.awaitPrompt(DEMO_PROMPT)
                        client.sendLine("echo $word")
                        client.awaitText("$word\r\n")
                    }
                }
            }
        }
        Cli("--port", "0", "--connect-maxwait", "0.5", "--tls-only", *files).use { cli ->
            val port = cli.awaitStdout(Regex("""listening on 127\.0\.0\.1:(\d+) \(nio, TLS only\)"""), 60.seconds).groupValues[1].toInt()
            TelnetTestClient.connectTls("localhost", port, certs.clientContext()).use { secure ->
                secure.awaitPrompt(DEMO_PROMPT)
                secure.sendLine("echo only TLS")
                secure.awaitText("only TLS\r\n")
            }
            TelnetTestClient.connect("127.0.0.1", port).use { plain ->
                plain.sendLine("echo refused")
                plain.awaitClosed(10.seconds).shouldBeTrue()
                plain.output shouldBe ""
            }
            val refusal = withTimeoutOrNull(10.seconds) {
                while ("closed before its session: not a TLS client" !in cli.stderr) delay(50)
                true
            }
            withClue(cli.stderr) { refusal shouldBe true }
            cli.stderr shouldContain "WARN  d.t.s.TelnetServer - connection from 127.0.0.1:"
            cli.stderr shouldNotContain "Exception"
        }
    }

    test("--ssh-port serves the demo over SSH too: the line it prints works, with any non-empty password")
        .config(enabledOrReasonIf = { InteropClients.skipReason(listOf(InteropClients.openSsh, InteropClients.sshpass))?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll(listOf(InteropClients.openSsh, InteropClients.sshpass))
            val key = File.createTempFile("demo-host", ".key").apply { delete() }
            Cli("--port", "0", "--ssh-port", "0", "--ssh-host-key", key.path).use { cli ->
                val line = cli.awaitStdout(Regex("SSH on 127\\.0\\.0\\.1:(\\d+) - connect with: ssh -p (\\d+) guest@127\\.0\\.0\\.1"), 60.seconds)
                val port = line.groupValues[1]
                val process = ProcessBuilder(
                    "sshpass", "-p", "any", "ssh", "-p", port, "-F", "/dev/null", "-o", "StrictHostKeyChecking=no",
                    "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "PubkeyAuthentication=no",
                    "guest@127.0.0.1", "echo", "over", "ssh",
                ).redirectErrorStream(true).start()
                val output = withContext(Dispatchers.IO) { process.inputStream.readAllBytes().decodeToString() }
                withContext(Dispatchers.IO) { process.waitFor() } shouldBe 0
                output shouldBe "over ssh\n"
                key.exists().shouldBeTrue()
            }
            key.delete()
        }

    test("a port that is taken gives a message and exit code 1") {
        ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress()).use { taken ->
            val (code, stdout, stderr) = exitOf("--port", taken.localPort.toString())
            code shouldBe 1
            stderr shouldContain "telnetkit-samples: cannot listen on 127.0.0.1:${taken.localPort}"
            stdout shouldNotContain "listening"
        }
    }

    test("--log-file writes the log to that file as well") {
        val log = File.createTempFile("telnetkit-cli", ".log").apply { delete(); deleteOnExit() }
        try {
            Cli("--port", "0", "--connect-maxwait", "0.5", "--log-file", log.path).use { cli ->
                val port = cli.awaitStdout(Regex("""listening on 127\.0\.0\.1:(\d+)"""), 60.seconds).groupValues[1].toInt()
                TelnetTestClient.connect("127.0.0.1", port).use { client ->
                    client.awaitPrompt(DEMO_PROMPT)
                    client.sendLine("bye")
                    client.awaitClosed(10.seconds).shouldBeTrue()
                }
                cli.process.destroy()
                withTimeout(30.seconds) { cli.awaitExit(30.seconds) } shouldBe 0
                val text = log.readText()
                text shouldContain "INFO  d.t.s.TelnetServer - listening on 127.0.0.1:$port"
                Regex("""session \d+ opened from 127\.0\.0\.1:\d+""").containsMatchIn(text).shouldBeTrue()
                text shouldContain "d.t.samples.Demo - session 1 ended for guest"
                text shouldContain "INFO  d.t.s.TelnetServer - stopped"
            }
        } finally {
            log.delete()
        }
    }

    test("a --log-file that cannot be written gives a clear message and exit code 2") {
        // A path under a regular file: no directory can be made there, whoever runs the test.
        val notADirectory = File.createTempFile("telnetkit-cli", ".file").apply { deleteOnExit() }
        try {
            val path = File(notADirectory, "server.log").path
            val (code, stdout, stderr) = exitOf("--port", "0", "--log-file", path)
            code shouldBe 2
            stderr shouldStartWith "telnetkit-samples: --log-file: cannot write to '$path' (Not a directory)"
            stdout shouldNotContain "listening"
            stderr shouldNotContain "Exception"
        } finally {
            notADirectory.delete()
        }
    }

    test("SIGINT, as Ctrl-C sends it, stops the server gracefully like SIGTERM")
        .config(enabledOrReasonIf = { sigintUsable() }) {
            Cli("--port", "0", "--connect-maxwait", "0.5").use { cli ->
                val port = cli.awaitStdout(Regex("""listening on 127\.0\.0\.1:(\d+)"""), 60.seconds).groupValues[1].toInt()
                TelnetTestClient.connect("127.0.0.1", port).use { client ->
                    client.awaitPrompt(DEMO_PROMPT)
                    client.sendLine("echo before the signal")
                    client.awaitText("before the signal\r\n")
                    client.awaitPrompt(DEMO_PROMPT)

                    val kill = ProcessBuilder("kill", "-INT", cli.process.pid().toString()).inheritIO().start()
                    kill.waitFor(10, TimeUnit.SECONDS).shouldBeTrue()
                    kill.exitValue() shouldBe 0

                    client.awaitText("The server is shutting down.", 15.seconds)
                    client.awaitClosed(15.seconds).shouldBeTrue()
                }
                withTimeout(30.seconds) { cli.awaitExit(30.seconds) } shouldBe 0
                // onSessionEnd ran (the demo logs it) and the server stopped cleanly.
                cli.stderr shouldContain "d.t.samples.Demo - session 1 ended for guest"
                cli.stderr shouldContain "INFO  d.t.s.TelnetServer - stopped"
                cli.stderr shouldNotContain "Exception"
            }
        }

    test("SIGTERM stops the server gracefully: clients are told, sessions end, the process exits 0") {
        Cli("--port", "0", "--login", "--connect-maxwait", "0.5", "--log-level", "INFO").use { cli ->
            val port = cli.awaitStdout(Regex("""listening on 127\.0\.0\.1:(\d+)"""), 60.seconds).groupValues[1].toInt()
            val ann = TelnetTestClient.connect("127.0.0.1", port)
            val guest = TelnetTestClient.connect("127.0.0.1", port)
            try {
                ann.awaitText(DEMO_WELCOME)
                ann.awaitPrompt("Username: ")
                ann.sendLine("ann")
                ann.awaitPrompt("Password: ")
                ann.sendLine("secret")
                ann.awaitPrompt(DEMO_PROMPT)
                ann.sendLine("echo still alive")
                ann.awaitText("still alive\r\n")
                ann.awaitPrompt(DEMO_PROMPT)
                // A second user is still at the login prompt when the signal comes.
                guest.awaitPrompt("Username: ")

                cli.process.destroy() // SIGTERM on Linux

                ann.awaitText("The server is shutting down.", 15.seconds)
                guest.awaitText("The server is shutting down.", 15.seconds)
                ann.awaitClosed(15.seconds).shouldBeTrue()
                guest.awaitClosed(15.seconds).shouldBeTrue()
                withTimeout(30.seconds) { cli.awaitExit(30.seconds) } shouldBe 0
                // onSessionEnd ran for the logged-in session (the demo logs it), and the server stopped.
                val ended = Regex("""INFO  d\.t\.samples\.Demo - session (\d+) ended for (\S+)""").findAll(cli.stderr).map { it.groupValues[2] }.toList()
                ended shouldBe listOf("ann")
                cli.stderr shouldContain "INFO  d.t.s.TelnetServer - stopped"
                // Both connections were closed by the server before it stopped.
                Regex("""session \d+ from 127\.0\.0\.1:\d+ closed after""").findAll(cli.stderr).count() shouldBe 2
                cli.stderr shouldNotContain "Exception"
            } finally {
                ann.close()
                guest.close()
            }
        }
    }

    test("--web-port, --admin-password, --metrics-port and --record: the page, the admin page, the metrics and a recording") {
        val recordings = Files.createTempDirectory("cli-recordings")
        Cli("--port", "0", "--web-port", "0", "--admin-password", "pw", "--metrics-port", "0", "--record", recordings.toString()).use { cli ->
            val telnetPort = cli.awaitStdout(Regex("listening on 127\\.0\\.0\\.1:(\\d+)"), 60.seconds).groupValues[1].toInt()
            val web = cli.awaitStdout(Regex("Browser terminal on (http://127\\.0\\.0\\.1:\\d+)/"), 10.seconds).groupValues[1]
            cli.awaitStdout(Regex("Admin page on $web/admin - user admin"), 10.seconds)
            val metrics = cli.awaitStdout(Regex("Metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)"), 10.seconds).groupValues[1]
            cli.awaitStdout(Regex("Recording sessions to .*cli-recordings"), 10.seconds)
            val http = HttpClient.newHttpClient()
            fun get(url: String) = http.send(HttpRequest.newBuilder(URI(url)).build(), HttpResponse.BodyHandlers.ofString())
            get("$web/").statusCode() shouldBe 200
            get("$web/admin").body() shouldContain "password"
            TelnetTestClient.connect("127.0.0.1", telnetPort).use { client ->
                client.awaitPrompt("> ")
                client.sendLine("echo recorded")
                client.awaitText("recorded")
            }
            var scraped = ""
            for (attempt in 1..100) {
                scraped = get(metrics).body()
                if (scraped.contains("telnetkit_sessions_closed_total{transport=\"telnet\"} 1.0")) break
                delay(50)
            }
            scraped shouldContain "telnetkit_sessions_closed_total{transport=\"telnet\"} 1.0"
            var casts = emptyList<java.nio.file.Path>()
            for (attempt in 1..100) {
                casts = Files.list(recordings).use { it.toList() }
                if (casts.isNotEmpty() && Files.readString(casts[0]).contains("recorded")) break
                delay(50)
            }
            casts.size shouldBe 1
            Files.readString(casts[0]) shouldContain "recorded"
        }
    }
})
