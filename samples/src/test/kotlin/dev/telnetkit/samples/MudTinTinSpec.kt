package dev.telnetkit.samples

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InteropClients
import dev.telnetkit.testkit.TmuxTerminal
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.nio.file.Files
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The `mud` sample against a real MUD client: TinTin++ in a tmux pane. TinTin++ answers WILL GMCP,
 * MSDP and MSSP only when a script asks it to, so the script below says DO to each, introduces
 * itself over GMCP (Core.Hello, Core.Supports.Set), REPORTs HEALTH over MSDP, and writes what
 * arrives (GMCP values, MSDP values, MSSP variables, each IAC EOR) to a file the test reads. MCCP2
 * and MCCP3 it agrees to by itself; `#info mccp` shows both streams at work, and everything
 * TinTin++ sends after MCCP3 started (the script's GMCP and MSDP messages, the commands typed)
 * reaches the server compressed. Skipped unless tt++ and tmux are installed (fails instead with
 * TELNETKIT_REQUIRE_INTEROP=1).
 */
class MudTinTinSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)
    val programs = listOf(InteropClients.tintin, InteropClients.tmux)
    val skip = InteropClients.skipReason(programs)

    test("TinTin++: MCCP2 and MCCP3 on and the text reads right; GMCP and MSDP values arrive in its variables; MSSP answers; prompts end with EOR")
        .config(enabledOrReasonIf = { skip?.let { Enabled.disabled(it) } ?: Enabled.enabled }) {
            InteropClients.requireAll(programs)
            val dir = Files.createTempDirectory("telnetkit-tintin").toFile()
            val observed = File(dir, "observed.txt")
            val world = MudWorld(tick = Duration.ofMillis(300))
            val server: TelnetServer = world.server(DemoOptions(host = "127.0.0.1", port = 0)).start()
            var terminal: TmuxTerminal? = null
            try {
                val script = File(dir, "mud.tin")
                script.writeText(tinScript(observed.path, server.port))
                val t = TmuxTerminal.start(
                    listOf(InteropClients.tintin.require(), "-G", script.path), 120, 40,
                    mapOf("TERM" to "xterm-256color"), InteropClients.tmux.require(),
                ).also { terminal = it }

                // The welcome, the room and the prompt, read through MCCP2.
                t.awaitText("The Great Hall", 20.seconds)
                t.awaitText("A long hall of grey stone.")
                t.awaitScreen { it.contains("HP:") }

                // GMCP: Room.Info and Char.Vitals land in TinTin++'s variables.
                awaitLine(observed) { it.contains("GMCP room=The Great Hall") }
                t.sendText("#showme ROOM-IS=[\$room[name]] EXIT-N=[\$room[exits][north]]")
                t.sendKeys("Enter")
                t.awaitText("ROOM-IS=[The Great Hall] EXIT-N=[2]")
                awaitLine(observed) { it.startsWith("GMCP hp=") }

                // MSDP: HEALTH was REPORTed (sent compressed, over MCCP3) and changes over time.
                val healths = awaitLines(observed, 20.seconds) { lines ->
                    lines.filter { it.startsWith("MSDP HEALTH=") }.distinct().size >= 3
                }.filter { it.startsWith("MSDP HEALTH=") }.distinct()
                healths.size shouldBeGreaterThanOrEqual 3

                // MSSP answered the script's DO MSSP.
                val mssp = awaitLines(observed) { lines -> lines.any { it == "MSSP NAME=TelnetKit MUD" } && lines.any { it.startsWith("MSSP PLAYERS=") } }
                mssp shouldContain "MSSP NAME=TelnetKit MUD"
                // TinTin++ asked during its opening, before its own session started: no one was playing yet.
                mssp shouldContain "MSSP PLAYERS=0"

                // Prompts end with IAC EOR.
                awaitLines(observed) { lines -> lines.count { it == "EOR" } >= 1 }

                // A command typed in TinTin++ (compressed by MCCP3) walks north: text and GMCP follow.
                t.sendText("north")
                t.sendKeys("Enter")
                t.awaitText("The Walled Garden")
                t.awaitText("Roses climb the old walls")
                awaitLine(observed) { it.contains("GMCP room=The Walled Garden") }
                val eors = awaitLines(observed) { lines -> lines.count { it == "EOR" } >= 2 }
                eors.count { it == "EOR" } shouldBeGreaterThanOrEqual 2

                // Both compressed streams are in use, as TinTin++ itself reports.
                t.sendText("#info mccp")
                t.sendKeys("Enter")
                val info = t.awaitScreen { it.contains("MCCP2: TOTAL IN") && it.contains("MCCP3: TOTAL IN") }
                info shouldContain "#INFO MCCP2"
                info shouldContain "#INFO MCCP3"

                t.sendText("#end")
                t.sendKeys("Enter")
            } finally {
                terminal?.close()
                withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
                dir.deleteRecursively()
            }
        }
})

/** The TinTin++ script: agrees to GMCP, MSDP and MSSP, introduces itself, and logs what arrives to [observed]. */
private fun tinScript(observed: String, port: Int): String = """
    #config {mccp} on
    #event {IAC WILL GMCP} {#send {\xFF\xFD\xC9\};#send {\xFF\xFA\xC9Core.Hello {"client":"TinTin++","version":"2"}\xFF\xF0\};#send {\xFF\xFA\xC9Core.Supports.Set ["Room 1","Char 1"]\xFF\xF0\}}
    #event {IAC WILL MSDP} {#send {\xFF\xFD\x45\};#send {\xFF\xFA\x45\x01REPORT\x02HEALTH\xFF\xF0\}}
    #event {IAC WILL MSSP} {#send {\xFF\xFD\x46\}}
    #event {IAC SB GMCP Room.Info IAC SE} {#variable room {%0};#line log {$observed} {GMCP room=${'$'}room[name]}}
    #event {IAC SB GMCP Char.Vitals IAC SE} {#variable vitals {%0};#line log {$observed} {GMCP hp=${'$'}vitals[hp]}}
    #event {IAC SB MSDP HEALTH} {#variable health {%1};#line log {$observed} {MSDP HEALTH=%1}}
    #event {IAC SB MSSP} {#line log {$observed} {MSSP %0=%1}}
    #event {IAC EOR} {#line log {$observed} {EOR}}
    #session mud 127.0.0.1 $port
""".trimIndent() + "\n"

/** Waits until [file]'s lines satisfy [condition]; returns them. */
private suspend fun awaitLines(file: File, timeout: kotlin.time.Duration = 10.seconds, condition: (List<String>) -> Boolean): List<String> {
    var lines = emptyList<String>()
    val met = withTimeoutOrNull(timeout) {
        while (true) {
            lines = if (file.exists()) file.readLines() else emptyList()
            if (condition(lines)) return@withTimeoutOrNull true
            delay(50.milliseconds)
        }
        @Suppress("UNREACHABLE_CODE") false
    }
    if (met != true) throw AssertionError("not within $timeout in ${file.name}; it holds:\n${lines.joinToString("\n")}")
    return lines
}

/** Waits until one of [file]'s lines satisfies [line]. */
private suspend fun awaitLine(file: File, line: (String) -> Boolean): List<String> = awaitLines(file) { lines -> lines.any(line) }
