package dev.telnetkit.web

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.TerminalSize
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.net.InetSocketAddress
import java.net.Socket
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.ByteBuffer
import java.security.MessageDigest
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** The WebSocket transport with the JDK's client, no browser: sessions, limits, hostile clients, the assets. */
class WebTransportSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)
    lateinit var server: TelnetServer
    var port = 0

    beforeSpec {
        server = webTestServer()
        port = server.portOf("web")
    }
    afterSpec { server.stop() }

    suspend fun withSocket(origin: String? = null, block: suspend (TestWebSocket) -> Unit) {
        val socket = TestWebSocket.open(port, origin = origin)
        try {
            block(socket)
        } finally {
            socket.close()
        }
    }

    test("the prompt arrives, typed characters echo, and a command answers") {
        withSocket { ws ->
            ws.awaitContains(">")
            ws.type("echo hello")
            ws.awaitContains("echo hello")
            ws.type("\r")
            ws.awaitContains("said: hello")
        }
    }

    test("the session is a web session of an xterm-256color terminal, sized by the URL, resized by a control message") {
        withSocket { ws ->
            ws.awaitContains(">")
            val session = server.sessions.single { it.transport == "web" }
            session.terminalType shouldBe "xterm-256color"
            session.size shouldBe TerminalSize(100, 30)
            ws.control("""{"type":"resize","cols":132,"rows":43}""")
            eventually { session.size == TerminalSize(132, 43) }
            ws.type("size\r")
            ws.awaitContains("size 132x43")
        }
    }

    test("bad control messages are ignored and the session goes on") {
        withSocket { ws ->
            ws.awaitContains(">")
            val session = server.sessions.single { it.transport == "web" }
            for (bad in listOf("not json", "{", """{"type":"resize","cols":0,"rows":5}""", """{"type":"resize","cols":99999999,"rows":5}""",
                """{"type":"nope"}""", """{"type":"resize","cols":"80","rows":24}""", "{" + "x".repeat(5000) + "}", "")) {
                ws.control(bad)
            }
            ws.type("echo still here\r")
            ws.awaitContains("said: still here")
            session.size shouldBe TerminalSize(100, 30)
        }
    }

    test("a cross-origin page is refused with 403; the same origin and no Origin header are let in") {
        val refused = shouldThrow<RefusedException> { TestWebSocket.open(port, origin = "http://evil.example:$port") }
        refused.status shouldBe 403
        shouldThrow<RefusedException> { TestWebSocket.open(port, origin = "http://127.0.0.1:${port + 1}") }.status shouldBe 403
        for (path in listOf("/ws/", "/WS", "/ws?x=1", "/other")) {
            shouldThrow<RefusedException> { TestWebSocket.open(port, path = path, origin = "http://evil.example") }.status shouldBe 403
        }
        withSocket(origin = "http://127.0.0.1:$port") { it.awaitContains(">") }
        withSocket(origin = null) { it.awaitContains(">") }
    }

    test("an oversized frame closes that socket with 1009; the server serves the next one") {
        withSocket { ws ->
            ws.awaitContains(">")
            ws.socket.sendBinary(ByteBuffer.allocate(1 shl 20), true)
            withTimeout(10.seconds) { ws.closed.await() } shouldBe 1009
        }
        eventually { server.sessions.none { it.transport == "web" } }
        withSocket { ws ->
            ws.type("echo after\r")
            ws.awaitContains("said: after")
        }
    }

    test("1,000 WebSocket connect-and-close leave no session or thread behind, and the server answers after") {
        suspend fun connectAndClose(count: Int) {
            val perBatch = 50
            repeat(count / perBatch) {
                coroutineScope {
                    (1..perBatch).map { async { TestWebSocket.open(port).close() } }.awaitAll()
                }
            }
            eventually(30.seconds, { "sessions left: ${server.sessions.size}" }) { server.sessions.isEmpty() }
        }
        // A first round warms the pools (Ktor's, the coroutines', the JDK client's) up to their size.
        connectAndClose(200)
        val threadsBefore = threadNames()
        connectAndClose(1000)
        withSocket { ws ->
            ws.awaitContains(">")
            ws.type("echo alive\r")
            ws.awaitContains("said: alive")
        }
        eventually(30.seconds) { server.sessions.isEmpty() }
        server.sessions.shouldBeEmpty()
        val threadsAfter = threadNames()
        println("web: ${threadsBefore.size} threads after 200 sockets, ${threadsAfter.size} after 1,000 more")
        // The JDK client's own threads aside, what may grow is the coroutines' elastic I/O pool
        // (at most 64 threads, idle ones retire after a minute): nothing per socket.
        val server = { names: List<String> -> names.count { !it.startsWith("HttpClient") } }
        withClue("threads after: ${threadsAfter.groupingBy { it.replace(Regex("\\d+"), "#") }.eachCount()}") {
            server(threadsAfter) shouldBeLessThanOrEqual server(threadsBefore) + 64 + Runtime.getRuntime().availableProcessors()
        }
    }

    test("a browser that reads nothing is cut off by the server's output limits, as over Telnet") {
        val stalled = webTestServer(extra = {
            outputBufferLimit = 64 * 1024
            outputStallTimeout = 500.milliseconds
        })
        // A raw socket that does the WebSocket handshake, types a command, and never reads again
        // (the JDK's client may read ahead of its listener's demand).
        val socket = Socket()
        try {
            socket.receiveBufferSize = 4096
            socket.connect(InetSocketAddress("127.0.0.1", stalled.portOf("web")))
            val out = socket.getOutputStream()
            out.write(
                ("GET /ws HTTP/1.1\r\nHost: 127.0.0.1:${stalled.portOf("web")}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").toByteArray(),
            )
            val answer = ByteArray(12)
            socket.getInputStream().readNBytes(answer, 0, answer.size)
            String(answer) shouldBe "HTTP/1.1 101"
            eventually { stalled.sessions.size == 1 }
            out.write(maskedBinaryFrame("flood\r".toByteArray()))
            out.flush()
            eventually(30.seconds, { "the flooded session is still open" }) { stalled.sessions.isEmpty() }
        } finally {
            socket.close()
            stalled.stop()
        }
    }

    test("a client flooding input while the session reads none is held back by TCP, not queued in memory") {
        withSocket { ws ->
            ws.awaitContains(">")
            ws.type("wait\r")
            ws.awaitContains("waiting")
            val frame = ByteArray(60 * 1024) { 'a'.code.toByte() }
            var sent = 0L
            // Up to 256 MiB offered; the sends stop completing once the server stops taking frames.
            withTimeoutOrNull(5.seconds) {
                while (sent < 256L shl 20) {
                    ws.socket.sendBinary(ByteBuffer.wrap(frame), true).await()
                    sent += frame.size
                }
            }
            println("web: a flooding client got ${sent shr 20} MiB in before the server stopped taking frames")
            sent shouldBeLessThan (64L shl 20)
        }
    }

    test("the page, its assets with their types and caching, and the vendored files match SHA256SUMS") {
        val http = HttpClient.newHttpClient()
        fun get(path: String): HttpResponse<ByteArray> =
            http.send(HttpRequest.newBuilder(URI("http://127.0.0.1:$port$path")).build(), HttpResponse.BodyHandlers.ofByteArray())

        val page = get("/")
        page.statusCode() shouldBe 200
        page.headers().firstValue("Content-Type").get() shouldContain "text/html"
        page.headers().firstValue("Content-Security-Policy").get() shouldContain "script-src 'self'"
        String(page.body()) shouldContain "<title>TelnetKit</title>"

        val sums = String(get("/assets/SHA256SUMS").body()).lines().filter { it.isNotBlank() }
        sums.size shouldBe 5
        for (line in sums) {
            val (sum, name) = line.split(Regex("\\s+"), limit = 2)
            val response = get("/assets/$name")
            response.statusCode() shouldBe 200
            response.headers().firstValue("Cache-Control").get() shouldContain "max-age"
            val digest = MessageDigest.getInstance("SHA-256").digest(response.body()).joinToString("") { "%02x".format(it) }
            digest shouldBe sum
        }
        get("/assets/xterm.js").headers().firstValue("Content-Type").get() shouldContain "javascript"
        get("/assets/xterm.css").headers().firstValue("Content-Type").get() shouldContain "text/css"
        get("/assets/app.js").statusCode() shouldBe 200
        get("/assets/../../etc/passwd").statusCode() shouldBe 404
        get("/assets/nothing.js").statusCode() shouldBe 404
    }

    test("the authenticator: a user name skips the shell's login, a refusal is 401 before the upgrade, anonymous gets the login") {
        val guarded = webTestServer(extra = {
            login { user, password -> user == "carol" && password == "secret" }
        }) {
            authenticate { request ->
                when (request.cookie("token") ?: request.query("token")) {
                    "good" -> WebLogin.user("alice")
                    "none" -> WebLogin.anonymous()
                    else -> WebLogin.refuse(401)
                }
            }
        }
        try {
            val webPort = guarded.portOf("web")
            shouldThrow<RefusedException> { TestWebSocket.open(webPort) }.status shouldBe 401
            shouldThrow<RefusedException> { TestWebSocket.open(webPort, path = "/ws?token=bad") }.status shouldBe 401

            val known = TestWebSocket.open(webPort, headers = mapOf("Cookie" to "token=good"))
            try {
                known.awaitContains(">")
                known.plain.contains("Username") shouldBe false
                known.type("whoami\r")
                known.awaitContains("user=alice")
            } finally {
                known.close()
            }

            val anonymous = TestWebSocket.open(webPort, path = "/ws?token=none")
            try {
                anonymous.awaitContains("Username: ")
                anonymous.type("carol\r")
                anonymous.awaitContains("Password: ")
                anonymous.type("secret\r")
                anonymous.awaitContains(">")
                anonymous.type("whoami\r")
                anonymous.awaitContains("user=carol")
            } finally {
                anonymous.close()
            }
        } finally {
            guarded.stop()
        }
    }

    test("under a path: the page redirects to its slash form, and the assets and the WebSocket are below it") {
        val under = webTestServer { path = "/term" }
        try {
            val webPort = under.portOf("web")
            val http = HttpClient.newHttpClient()
            fun get(path: String) = http.send(HttpRequest.newBuilder(URI("http://127.0.0.1:$webPort$path")).build(), HttpResponse.BodyHandlers.ofString())
            val redirect = get("/term")
            redirect.statusCode() shouldBe 302
            redirect.headers().firstValue("Location").get() shouldBe "/term/"
            get("/term/").statusCode() shouldBe 200
            get("/term/assets/app.js").statusCode() shouldBe 200
            get("/").statusCode() shouldBe 404
            val ws = TestWebSocket.open(webPort, path = "/term/ws")
            try {
                ws.type("echo under\r")
                ws.awaitContains("said: under")
            } finally {
                ws.close()
            }
        } finally {
            under.stop()
        }
    }

    test("a name the server does not go by (DNS rebinding) is refused with 403 for the page, the socket and the admin page; allowedHosts lets one in") {
        /** The status line of a request for [path] naming [host], over a raw socket (the JDK client will not set Host). */
        fun statusOf(webPort: Int, path: String, host: String, upgrade: Boolean): String = Socket("127.0.0.1", webPort).use { socket ->
            socket.soTimeout = 10_000
            val upgradeHeaders = if (!upgrade) "" else
                "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            val request = "GET $path HTTP/1.1\r\nHost: $host\r\nOrigin: http://$host\r\n${upgradeHeaders}\r\n"
            socket.getOutputStream().write(request.toByteArray())
            socket.getInputStream().bufferedReader().readLine()
        }
        statusOf(port, "/ws", "evil.example:$port", upgrade = true) shouldContain " 403 "
        statusOf(port, "/", "evil.example:$port", upgrade = false) shouldContain " 403 "
        statusOf(port, "/", "localhost:$port", upgrade = false) shouldContain " 200 "
        statusOf(port, "/ws", "127.0.0.1:$port", upgrade = true) shouldContain " 101 "
        statusOf(port, "/ws", "[::1]:$port", upgrade = true) shouldContain " 101 "
        val named = webTestServer { allowedHosts = listOf("shell.example") }
        try {
            val webPort = named.portOf("web")
            statusOf(webPort, "/ws", "shell.example:$webPort", upgrade = true) shouldContain " 101 "
            statusOf(webPort, "/ws", "SHELL.example.:$webPort", upgrade = true) shouldContain " 101 "
            statusOf(webPort, "/ws", "other.example:$webPort", upgrade = true) shouldContain " 403 "
        } finally {
            named.stop()
        }
    }

    test("Transport.named finds the web transport") {
        dev.telnetkit.transport.Transport.named("web").name shouldBe "web"
        server.portOf("web").shouldNotBeNull()
    }
})

private fun threadNames(): List<String> = Thread.getAllStackTraces().keys.filter { it.isAlive }.map { it.name }

/** A client's binary frame (FIN, opcode 2) with [payload] (under 126 bytes), masked as RFC 6455 requires. */
private fun maskedBinaryFrame(payload: ByteArray): ByteArray {
    require(payload.size < 126)
    val mask = byteArrayOf(1, 2, 3, 4)
    return byteArrayOf(0x82.toByte(), (0x80 or payload.size).toByte()) + mask +
        ByteArray(payload.size) { (payload[it].toInt() xor mask[it % 4].toInt()).toByte() }
}
