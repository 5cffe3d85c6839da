package dev.telnetkit.bench

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.mud.CompressionSettings
import dev.telnetkit.mud.Mccp2
import dev.telnetkit.mud.Mccp3
import kotlinx.coroutines.runBlocking
import kotlin.system.exitProcess
import kotlin.time.Duration

/**
 * The server under test of `telnet-bench mccp`: the bench prompt, `echo` and `look` (about 2 KB of
 * room text that differs from call to call, as a MUD's rooms do), with MCCP2 offered (`--mccp on`),
 * MCCP2 and MCCP3 (`--mccp both`) or neither (`--mccp off`). No idle timeout; session limits raised.
 *
 * `java -cp telnet-bench.jar dev.telnetkit.bench.MccpBenchServerKt --port P --mccp off|on|both [--idle-finish MS]`
 * (`--idle-finish`: [CompressionSettings.idleFinishAfter], in milliseconds; 0, the default, never).
 */
fun main(args: Array<String>) {
    var port = 0
    var mode = "on"
    var idleFinishMillis = 0L
    var i = 0
    fun value(): String = args.getOrNull(++i) ?: run { System.err.println("${args[i - 1]} needs a value"); exitProcess(2) }
    while (i < args.size) {
        when (args[i]) {
            "--port" -> port = value().toInt()
            "--idle-finish" -> idleFinishMillis = value().toLong()
            "--mccp" -> mode = value().also { require(it in setOf("off", "on", "both")) { "--mccp takes off, on or both" } }
            else -> { System.err.println("unknown option '${args[i]}'"); exitProcess(2) }
        }
        i++
    }
    val settings = CompressionSettings(maxCompressedSessions = MCCP_MAX_SESSIONS, idleFinishAfter = java.time.Duration.ofMillis(idleFinishMillis))
    val server = telnetServer {
        host = "127.0.0.1"
        this.port = port
        idleTimeout = Duration.ZERO
        maxSessions = MCCP_MAX_SESSIONS
        maxSessionsPerAddress = MCCP_MAX_SESSIONS
        prompt = BENCH_PROMPT
        ansi = false
        welcome = "You have connected to the telnet server."
        if (mode != "off") telnetOption(Mccp2.factory(settings))
        if (mode == "both") telnetOption(Mccp3.factory(settings))
        command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
        command("look") { run { write(RoomText.next()) } }
    }
    runBlocking {
        server.start()
        server.awaitTermination()
    }
}

/** Room text of about 2 KB, different on each call (names, numbers and word order vary), as a MUD's rooms are. */
object RoomText {
    private val words = (
        "stone pillar banner torch shadow hall corridor tapestry dust ancient oak iron gate silver lantern " +
            "whisper draught cold warm narrow wide crumbling polished marble granite hearth ember smoke rafter " +
            "beam window shutter rain wind north south east west stair cellar tower guard merchant crowd"
        ).split(' ')
    private val counter = java.util.concurrent.atomic.AtomicLong()

    /** The next room's text, lines ending in `\n`. */
    fun next(): String {
        var seed = counter.incrementAndGet() * 0x9E3779B97F4A7C15uL.toLong()
        fun rnd(n: Int): Int { seed = seed * 6364136223846793005L + 1442695040888963407L; return ((seed ushr 33) % n).toInt() }
        val text = StringBuilder(2200)
        text.append("The Room of ").append(words[rnd(words.size)].replaceFirstChar { it.uppercase() }).append(' ').append(rnd(10_000)).append('\n')
        while (text.length < 1900) {
            val line = StringBuilder()
            while (line.length < 70) line.append(words[rnd(words.size)]).append(' ')
            text.append(line.trimEnd()).append(".\n")
        }
        text.append("Exits: ").append(listOf("north", "south", "east", "west").shuffled(java.util.Random(seed)).take(1 + rnd(4)).joinToString(", ")).append(".\n")
        return text.toString()
    }
}

private const val MCCP_MAX_SESSIONS = 20_000
