package dev.telnetkit.web

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.future.await
import kotlinx.coroutines.withTimeout
import java.net.URI
import java.net.http.HttpClient
import java.net.http.WebSocket
import java.net.http.WebSocketHandshakeException
import java.nio.ByteBuffer
import java.util.concurrent.CompletableFuture
import java.util.concurrent.CompletionException
import java.util.concurrent.CompletionStage
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/** A test server: Telnet on a free port and a web endpoint on another, with a few commands. */
internal suspend fun webTestServer(extra: TelnetServerScope.() -> Unit = {}, web: WebScope.() -> Unit = {}): TelnetServer = telnetServer {
    port = 0
    host = "127.0.0.1"
    maxSessionsPerAddress = 2000
    maxStartupsPerAddress = 2000
    web {
        port = 0
        web()
    }
    command("echo") { run { args -> writeLine("said: " + args.joinToString(" ")) } }
    command("size") { run { writeLine("size ${width}x$height") } }
    command("colors") {
        run {
            writeLine("\u001b[31mred\u001b[0m \u001b[32mgreen\u001b[0m \u001b[1;34mblue\u001b[0m plain")
        }
    }
    command("flood") { run { while (true) writeLine("x".repeat(1000)) } }
    command("wait") { run { writeLine("waiting"); awaitCancellation() } }
    command("whoami") { run { writeLine("user=${username ?: "-"}") } }
    extra()
}.start()

/** What a [TestWebSocket] failed to open with: the HTTP status, or -1. */
internal class RefusedException(val status: Int, cause: Throwable?) : Exception("refused with $status", cause)

/** A WebSocket client on the JDK's HttpClient, collecting the server's output as text. */
internal class TestWebSocket private constructor(private val autoRead: Boolean) : WebSocket.Listener {
    private val received = StringBuilder()
    private val lock = Any()
    val closed = CompletableFuture<Int>()
    lateinit var socket: WebSocket
        private set

    val text: String get() = synchronized(lock) { received.toString() }

    /** The output so far without escape sequences and carriage returns. */
    val plain: String get() = text.replace(Regex("\u001b\\[[0-9;?]*[A-Za-z]"), "").replace("\r", "")

    override fun onOpen(webSocket: WebSocket) {
        if (autoRead) webSocket.request(1)
    }

    override fun onBinary(webSocket: WebSocket, data: ByteBuffer, last: Boolean): CompletionStage<*>? {
        val bytes = ByteArray(data.remaining())
        data.get(bytes)
        synchronized(lock) { received.append(String(bytes, Charsets.UTF_8)) }
        webSocket.request(1)
        return null
    }

    override fun onText(webSocket: WebSocket, data: CharSequence, last: Boolean): CompletionStage<*>? {
        webSocket.request(1)
        return null
    }

    override fun onClose(webSocket: WebSocket, statusCode: Int, reason: String?): CompletionStage<*>? {
        closed.complete(statusCode)
        return null
    }

    override fun onError(webSocket: WebSocket?, error: Throwable) {
        closed.complete(-1)
    }

    suspend fun type(text: String) {
        socket.sendBinary(ByteBuffer.wrap(text.toByteArray(Charsets.UTF_8)), true).await()
    }

    suspend fun control(json: String) {
        socket.sendText(json, true).await()
    }

    suspend fun awaitPlain(timeout: Duration = 10.seconds, predicate: (String) -> Boolean) {
        try {
            withTimeout(timeout) { while (!predicate(plain)) delay(20) }
        } catch (e: Exception) {
            throw AssertionError("waited $timeout; the output was:\n$plain", e)
        }
    }

    suspend fun awaitContains(part: String, timeout: Duration = 10.seconds) = awaitPlain(timeout) { part in it }

    fun close() {
        runCatching { socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, java.util.concurrent.TimeUnit.SECONDS) }
        socket.abort()
    }

    companion object {
        val http: HttpClient = HttpClient.newHttpClient()

        /** Opens `ws://127.0.0.1:[port][path]`; with [origin] sent as the Origin header. */
        suspend fun open(
            port: Int,
            path: String = "/ws?cols=100&rows=30",
            origin: String? = null,
            headers: Map<String, String> = emptyMap(),
            autoRead: Boolean = true,
        ): TestWebSocket {
            val listener = TestWebSocket(autoRead)
            val builder = http.newWebSocketBuilder()
            if (origin != null) builder.header("Origin", origin)
            headers.forEach { (name, value) -> builder.header(name, value) }
            try {
                listener.socket = builder.buildAsync(URI("ws://127.0.0.1:$port$path"), listener).await()
            } catch (e: Exception) {
                val cause = if (e is CompletionException) e.cause else e
                if (cause is WebSocketHandshakeException) throw RefusedException(cause.response.statusCode(), cause)
                throw RefusedException(-1, e)
            }
            return listener
        }
    }
}

/** Polls [condition] until true, or fails after [timeout] with [message]. */
internal suspend fun eventually(timeout: Duration = 10.seconds, message: () -> String = { "condition" }, condition: () -> Boolean) {
    try {
        withTimeout(timeout) { while (!condition()) delay(20) }
    } catch (e: Exception) {
        throw AssertionError("not true within $timeout: ${message()}", e)
    }
}
