package dev.telnetkit.samples

import dev.telnetkit.samples.readme.ReadmeJava
import dev.telnetkit.samples.readme.readmeKotlinServer
import dev.telnetkit.samples.readme.ReadmeAccounts
import dev.telnetkit.samples.readme.readmeSshServer
import dev.telnetkit.samples.readme.readmeTlsServer
import dev.telnetkit.samples.readme.zmpServer
import dev.telnetkit.samples.readme.operatedServer
import io.kotest.matchers.string.shouldContain as shouldContainText
import io.kotest.matchers.string.shouldNotContain as shouldNotContainText
import kotlinx.coroutines.delay
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.net.http.WebSocket
import java.nio.ByteBuffer
import java.nio.file.Path
import java.util.concurrent.CompletionStage
import java.util.concurrent.TimeUnit
import dev.telnetkit.testkit.InteropClients
import io.kotest.core.test.Enabled
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TestCertificates
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import java.io.File
import java.nio.file.Files

/** README.md's code blocks are the marked regions of compiled sample sources, and they run. */
class ReadmeSnippetsSpec : FunSpec({
    val root = generateSequence(File("").absoluteFile) { it.parentFile }.first { File(it, "README.md").isFile && File(it, "samples").isDirectory }
    val readme = File(root, "README.md").readText()

    fun blocks(language: String): List<String> =
        Regex("```$language\\n(.*?)```", RegexOption.DOT_MATCHES_ALL).findAll(readme).map { it.groupValues[1].trimEnd() }.toList()

    fun region(file: String, name: String): String {
        val text = File(root, file).readLines()
        val start = text.indexOfFirst { it.trim() == "// README:start $name" }
        val end = text.indexOfFirst { it.trim() == "// README:end $name" }
        check(start >= 0 && end > start) { "$file has no README region '$name'" }
        return text.subList(start + 1, end).joinToString("\n").trimIndent().trimEnd()
    }

    test("the README's Kotlin block is the compiled Kotlin sample region") {
        blocks("kotlin") shouldContain region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeKotlin.kt", "kotlin")
    }

    test("the README's Java block is the compiled Java sample region") {
        blocks("java") shouldContain region("samples/src/main/java/dev/telnetkit/samples/readme/ReadmeJava.java", "java")
    }

    test("every Kotlin and Java block of the README is one of the compiled regions") {
        val known = setOf(
            region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeKotlin.kt", "kotlin"),
            region("samples/src/main/java/dev/telnetkit/samples/readme/ReadmeJava.java", "java"),
            region("samples/src/test/kotlin/dev/telnetkit/samples/readme/GreetingSpec.kt", "memory"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeTls.kt", "tls"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeSsh.kt", "ssh"),
            region("samples/src/test/kotlin/dev/telnetkit/samples/ServerExtensionSpec.kt", "kotest"),
            region("samples/src/test/java/dev/telnetkit/samples/JavaServerExtensionTest.java", "junit"),
            region("samples/outside-project/src/main/kotlin/app/Main.kt", "kotlin-main"),
            region("samples/outside-project/src/main/java/app/JavaMain.java", "java-main"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/Bbs.kt", "bbs-server"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/Bbs.kt", "bbs-menu"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeOption.kt", "option"),
            region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeOperations.kt", "operations"),
        )
        (blocks("kotlin") + blocks("java")).filterNot { it in known } shouldBe emptyList()
    }

    test("the README's Kotlin server runs: login, echo and the greeting") {
        val server = readmeKotlinServer(0).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                client.awaitText("You have connected to the telnet server.")
                client.awaitPrompt("Username: ")
                client.sendLine("ann")
                client.awaitPrompt("Password: ")
                client.sendLine("secret")
                client.awaitText("Hello, ann on a 80x24 xterm-256color.")
                client.awaitPrompt("Telnet Server> ")
                client.sendLine("repeat one  two")
                client.awaitText("one two\r\n")
            }
        } finally {
            server.stop()
        }
    }

    test("the README's TLS block is the compiled TLS region, and its server serves TLS and plain Telnet on one port") {
        blocks("kotlin") shouldContain region("samples/src/main/kotlin/dev/telnetkit/samples/readme/ReadmeTls.kt", "tls")
        val certs = TestCertificates.shared()
        val directory = Files.createTempDirectory("telnetkit-readme-tls")
        try {
            Files.copy(certs.server.certificatePem, directory.resolve("fullchain.pem"))
            Files.copy(certs.server.privateKeyPem, directory.resolve("privkey.pem"))
            val server = readmeTlsServer(0, directory).start()
            try {
                // A warm TLS stack first: a cold one can send its ClientHello after the 0.3 s detection wait.
                certs.clientContext().createSSLEngine("localhost", 992).apply { useClientMode = true; beginHandshake() }
                    .wrap(java.nio.ByteBuffer.allocate(0), java.nio.ByteBuffer.allocate(64 * 1024))
                TelnetTestClient.connectTls("localhost", server.port, certs.clientContext()).use { secure ->
                    secure.awaitPrompt("> ")
                    secure.sendLine("status")
                    secure.awaitText("all well, over tls\r\n")
                }
                TelnetTestClient.connect("127.0.0.1", server.port).use { plain ->
                    plain.awaitPrompt("> ")
                    plain.sendLine("status")
                    plain.awaitText("all well, over nio\r\n")
                }
            } finally {
                server.stop()
            }
        } finally {
            directory.toFile().deleteRecursively()
        }
    }

    test("the README's Java server runs: echo answers") {
        val server = ReadmeJava.create(0).start()
        try {
            TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                client.awaitPrompt("Telnet Server> ")
                client.sendLine("copy a b")
                client.awaitText("a b\r\n")
            }
        } finally {
            server.stop()
        }
    }

    test("the README's SSH server runs: the same command over Telnet and, with the right password, over SSH")
        .config(enabledOrReasonIf = { InteropClients.skipReason(listOf(InteropClients.openSsh, InteropClients.sshpass))?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll(listOf(InteropClients.openSsh, InteropClients.sshpass))
            val keys = Files.createTempDirectory("readme-ssh")
            val server = readmeSshServer(0, 0, keys, ReadmeAccounts(mapOf("ann" to "secret"))).start()
            try {
                TelnetTestClient.connect("127.0.0.1", server.port).use { plain ->
                    plain.awaitPrompt("> ")
                    plain.sendLine("status")
                    plain.awaitText("all well, null, over nio\r\n")
                }
                val process = ProcessBuilder(
                    "sshpass", "-p", "secret", "ssh", "-p", server.portOf("ssh").toString(), "-F", "/dev/null",
                    "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                    "-o", "PubkeyAuthentication=no", "ann@127.0.0.1", "status",
                ).redirectErrorStream(true).start()
                val output = process.inputStream.readAllBytes().decodeToString()
                process.waitFor() shouldBe 0
                output shouldBe "all well, ann, over ssh\n"
                Files.exists(keys.resolve("host.key")) shouldBe true
            } finally {
                server.stop()
            }
        }

    test("the README's option runs: the client's DO ZMP enables it and zmp.ping is answered with zmp.time") {
        val server = zmpServer(0).start()
        try {
            java.net.Socket("127.0.0.1", server.port).use { socket ->
                socket.soTimeout = 5000
                val input = socket.getInputStream()
                val out = socket.getOutputStream()
                fun b(vararg v: Int) = ByteArray(v.size) { v[it].toByte() }
                input.readNBytes(3).toList() shouldBe b(255, 253, 24).toList()
                out.write(b(255, 252, 24))
                // The core's offers, then WILL ZMP.
                val offers = input.readNBytes(18)
                offers.copyOfRange(15, 18).toList() shouldBe b(255, 251, 93).toList()
                out.write(b(255, 253, 3, 255, 253, 1, 255, 252, 31, 255, 252, 39, 255, 252, 42, 255, 253, 93))
                out.write(b(255, 250, 93) + "zmp.ping\u0000".toByteArray() + b(255, 240))
                // Other output (the prompt) may come before or after it: look for the reply in the stream.
                val seen = StringBuilder()
                val reply = Regex("\u00ff\u00fa]zmp\\.time\u0000\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\u0000\u00ff\u00f0")
                val buffer = ByteArray(256)
                while (!reply.containsMatchIn(seen)) {
                    val n = input.read(buffer)
                    check(n > 0) { "closed before zmp.time; got: $seen" }
                    seen.append(String(buffer, 0, n, Charsets.ISO_8859_1))
                }
            }
        } finally {
            server.stop()
        }
    }

    test("the README's operated server runs: a browser signed in by cookie, the sysop's who, metrics and recordings without the password") {
        val recordings = Files.createTempDirectory("readme-recordings")
        val server = operatedServer(0, 0, 0, recordings, "admin-secret", ReadmeAccounts(mapOf("ann" to "secret", "root" to "secret")), mapOf("t1" to "ann")).start()
        try {
            val webPort = server.portOf("web")
            val http = HttpClient.newHttpClient()
            fun get(url: String) = http.send(HttpRequest.newBuilder(URI(url)).build(), HttpResponse.BodyHandlers.ofString())
            get("http://127.0.0.1:$webPort/").let { page ->
                page.statusCode() shouldBe 200
                page.body() shouldContainText "xterm"
            }
            // The browser's side, as xterm.js speaks it: typed bytes in binary frames, output back in binary frames.
            val received = StringBuffer()
            val socket = http.newWebSocketBuilder().header("Cookie", "ticket=t1")
                .buildAsync(URI("ws://127.0.0.1:$webPort/ws?cols=100&rows=30"), object : WebSocket.Listener {
                    override fun onBinary(webSocket: WebSocket, data: ByteBuffer, last: Boolean): CompletionStage<*>? {
                        val bytes = ByteArray(data.remaining()).also { data.get(it) }
                        received.append(String(bytes, Charsets.UTF_8))
                        webSocket.request(1)
                        return null
                    }
                }).get(10, TimeUnit.SECONDS)
            suspend fun awaitWeb(text: String) {
                repeat(500) { if (received.contains(text)) return; delay(20) }
                error("the browser session never showed '$text'; it showed: $received")
            }
            awaitWeb("> ")
            socket.sendBinary(ByteBuffer.wrap("status\r".toByteArray()), true).get(5, TimeUnit.SECONDS)
            awaitWeb("all well, ann, over web")
            TelnetTestClient.connect("127.0.0.1", server.port).use { root ->
                root.awaitPrompt("Username: ")
                root.sendLine("root")
                root.awaitPrompt("Password: ")
                root.sendLine("secret")
                root.awaitPrompt("> ")
                root.sendLine("sysop who")
                val who = root.awaitText("2 sessions.")
                who shouldContainText "ann"
                who shouldContainText "web"
            }
            val metrics = get("http://127.0.0.1:${server.portOf("prometheus")}/metrics").body()
            metrics shouldContainText "telnetkit_sessions_opened_total{transport=\"web\"} 1.0"
            metrics shouldContainText "telnetkit_commands_seconds_count{command=\"status\",outcome=\"success\"} 1"
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS)
        } finally {
            server.stop()
        }
        // Both sessions were recorded; the root's password typed at the login is in neither file.
        var casts: List<Path> = emptyList()
        repeat(250) {
            casts = Files.list(recordings).use { files -> files.toList() }.filter { it.toString().endsWith(".cast") }
            if (casts.size == 2 && casts.all { Files.readString(it).contains("\"o\"") }) return@repeat
            delay(20)
        }
        casts.size shouldBe 2
        val all = casts.joinToString("\n") { Files.readString(it) }
        all shouldContainText "all well, ann, over web"
        all shouldContainText "2 sessions."
        all shouldNotContainText "secret"
    }
})
