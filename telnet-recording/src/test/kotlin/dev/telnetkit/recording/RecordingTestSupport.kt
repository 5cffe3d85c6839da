package dev.telnetkit.recording

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.terminal.AnsiStyle
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import java.nio.file.Files
import java.nio.file.Path
import kotlin.io.path.listDirectoryEntries
import kotlin.io.path.name
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

internal const val USER = "alice"
internal const val SECRET = "pw-Zq81x-secret"

/** What the colours command prints: Unicode beyond Latin-1 and the BMP, in red. */
internal const val COLOURED = "héllo wörld ✓ 🎉"

/**
 * A started DSL server with a shell login ([USER] / [SECRET], any user with [anyUser]) and commands:
 * `colours` (coloured Unicode), `flood N` (N lines of 60 characters); [extra] adds more.
 */
internal suspend fun recordedServer(anyUser: Boolean = false, extra: TelnetServerScope.() -> Unit): TelnetServer = telnetServer {
    host = "127.0.0.1"
    port = 0
    connectMaxWait = 5.seconds
    login(failureDelay = 0.seconds) { user, password -> (anyUser || user == USER) && password == SECRET }
    command("colours") { run { writeLine(styled(COLOURED, AnsiStyle.RED, AnsiStyle.BOLD)) } }
    command("flood") {
        run { args -> repeat(args.firstOrNull()?.toInt() ?: 10) { writeLine("line $it " + "x".repeat(50)) } }
    }
    extra()
}.start()

/** A client logged in as [user] at the shell's prompt. */
internal suspend fun logIn(server: TelnetServer, user: String = USER, profile: TerminalProfile = TerminalProfile.XTERM): TelnetTestClient {
    val client = TelnetTestClient.connect("127.0.0.1", server.port, profile)
    client.awaitPrompt("Username: ")
    client.sendLine(user)
    client.awaitPrompt("Password: ")
    client.sendLine(SECRET)
    client.awaitPrompt("> ")
    return client
}

/** Waits until [recorder] records nothing, then closes it: every file is complete afterwards. */
internal suspend fun finish(recorder: AsciicastRecorder) {
    withTimeoutOrNull(10.seconds) { while (recorder.activeRecordings.isNotEmpty()) delay(10.milliseconds) }
        ?: throw AssertionError("recordings still active: ${recorder.activeRecordings.map { it.session.id }}")
    recorder.close()
}

/** The `.cast` files of [directory], by name. */
internal fun casts(directory: Path): List<Path> = directory.listDirectoryEntries("*.cast").sortedBy { it.name }

/** A parsed asciicast file: its header and its events. */
internal class Cast(val path: Path) {
    val raw: ByteArray = Files.readAllBytes(path)
    private val lines = String(raw, Charsets.UTF_8).split("\n").filter { it.isNotEmpty() }
    val header: JsonObject = Json.parseToJsonElement(lines.first()).jsonObject
    val events: List<JsonArray> = lines.drop(1).map { Json.parseToJsonElement(it).jsonArray }

    fun of(type: String): List<String> = events.filter { it[1].jsonPrimitive.content == type }.map { it[2].jsonPrimitive.content }
    val output: String get() = of("o").joinToString("")
    val input: String get() = of("i").joinToString("")
}
