package dev.telnetkit.mud

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.Session
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.telnetOption
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.seconds

/** About 2 KB of room text, as a MUD would send on `look`. */
val ROOM_TEXT: String = buildString {
    append("The Great Hall\n")
    repeat(20) { i -> append("Tall pillars of grey stone line the hall, and banner $i hangs from the rafters.\n") }
    append("Exits: north, south, east, west.\n")
}

/**
 * A small MUD-like server for the MCCP specs, in ISO-8859-1 (so `ÿ` is the byte 255, doubled on the
 * wire) with no ANSI: `say <text>` answers the text, `room` prints [ROOM_TEXT], `nozip` and `zip`
 * call [Mccp2.stop] and [Mccp2.start]. [sessions] maps a session's id to it, for the specs to look
 * at its handlers.
 */
class MccpServer(vararg factories: TelnetOptionFactory) : AutoCloseable {
    val sessions: ConcurrentHashMap<Long, Session> = ConcurrentHashMap()
    val server: TelnetServer = telnetServer {
        host = "127.0.0.1"
        port = 0
        ansi = false
        welcome = "Welcome to the test MUD.\n"
        encoding = Charsets.ISO_8859_1
        connectMaxWait = 3.seconds
        for (f in factories) telnetOption(f)
        onSessionStart { sessions[id] = this }
        command("say") { run { args -> writeLine(args.joinToString(" ")) } }
        command("room") { run { write(ROOM_TEXT) } }
        command("nozip") { run { writeLine("stop: ${telnetOption<Mccp2>()?.stop()}") } }
        command("zip") { run { writeLine("start: ${telnetOption<Mccp2>()?.start()}") } }
    }

    suspend fun start(): MccpServer = apply { server.start() }

    val port: Int get() = server.port

    /** Waits until the server has no session left. */
    suspend fun awaitNoSessions(): Boolean = withTimeoutOrNull(10.seconds) { while (server.sessions.isNotEmpty()) delay(10) } != null

    override fun close() {
        server.stopBlocking(Duration.ZERO)
    }
}

/**
 * Compares [actual] with `src/test/resources/golden/[name].txt` (its `#` header lines aside); with
 * `-Dtelnetkit.golden.update=true`, writes it there instead, keeping the header.
 */
fun compareGolden(name: String, header: String, actual: String) {
    val file = File("src/test/resources/golden/$name.txt")
    val body = actual.trimEnd() + "\n"
    if (System.getProperty("telnetkit.golden.update") == "true") {
        file.parentFile.mkdirs()
        file.writeText(header.lines().joinToString("") { "# $it\n" } + "\n" + body)
        return
    }
    val expected = checkNotNull(MccpClient::class.java.getResource("/golden/$name.txt")) { "no golden/$name.txt: run with -Dtelnetkit.golden.update=true" }
        .readText().lines().dropWhile { it.startsWith("#") || it.isBlank() }.joinToString("\n").trimEnd() + "\n"
    body shouldBe expected
}
