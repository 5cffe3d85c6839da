package dev.telnetkit.samples

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.TelnetSession
import dev.telnetkit.terminal.Completer
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.cancelChildren
import kotlin.time.Duration

/** The demo's prompt, as in the telnetsrv documentation's test server. */
const val DEMO_PROMPT: String = "Telnet Server> "

/** The demo's welcome line. */
const val DEMO_WELCOME: String = "You have connected to the telnet server."

/**
 * The demo server: the reference behaviour of DESIGN.md on a plain line loop (the full command
 * shell with quoting, aliases in help and hidden commands arrives with the shell).
 */
fun demoServer(host: String, port: Int, idleTimeout: Duration? = null): TelnetServer = telnetServer {
    this.host = host
    this.port = port
    if (idleTimeout != null) this.idleTimeout = idleTimeout
    session { runDemo() }
}

private val commands = listOf(
    "echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)",
    "timer <seconds> <message> - Show a message after a number of seconds.",
    "info - Show what the server knows about this terminal.",
    "help - Show this list. (alias: ?)",
    "bye - Leave the server. (aliases: exit, quit)",
)

/** Tab completes the first word from the visible command names. */
private val commandNames = Completer { request ->
    if (request.previousWords.isNotEmpty()) emptyList()
    else listOf("echo", "copy", "repeat", "timer", "info", "help", "bye", "exit", "quit").filter { it.startsWith(request.word) }
}

private suspend fun TelnetSession.runDemo() = coroutineScope {
    writeLine(DEMO_WELCOME)
    while (true) {
        val line = readLine(DEMO_PROMPT, completer = commandNames) ?: break
        val words = line.trim().split(Regex("\\s+")).filter { it.isNotEmpty() }
        if (words.isEmpty()) continue
        val args = words.drop(1)
        when (words[0].lowercase()) {
            "echo", "copy", "repeat" -> writeLine(args.joinToString(" "))
            "timer" -> {
                val seconds = args.firstOrNull()?.toIntOrNull()
                if (seconds == null || seconds !in 0..86_400 || args.size < 2) {
                    writeLine("Usage: timer <seconds> <message>")
                } else {
                    val message = args.drop(1).joinToString(" ")
                    writeLine("Waiting $seconds seconds...")
                    launch {
                        delay(seconds * 1000L)
                        writeMessage(message)
                    }
                }
            }
            "info" -> {
                writeLine("Terminal type: $terminalType")
                writeLine("Size: ${width}x$height")
                writeLine("Encoding: ${encoding.name()}")
                writeLine("Remote address: $remoteAddress")
                writeLine("Mode: ${if (serverEchoes) "character" else "line"}")
            }
            "term" -> writeLine("$terminalType ${terminalTypes.joinToString(",")}")
            "help", "?" -> commands.forEach { writeLine(it) }
            "bye", "exit", "quit" -> { writeLine("Goodbye."); break }
            else -> writeLine("Unknown command '${words[0]}'. Type 'help' for a list.")
        }
    }
    coroutineContext.cancelChildren()
}
