package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import kotlin.time.Duration.Companion.seconds

// The Kotlin quick start of README.md. ReadmeSnippetsSpec checks that README.md shows exactly the
// lines between the markers, so the README cannot drift from code that compiles.

/** The README's Kotlin server, on [port]. */
fun readmeKotlinServer(port: Int): TelnetServer {
    // README:start kotlin
    val server = telnetServer {
        this.port = port
        prompt = "Telnet Server> "
        welcome = "You have connected to the telnet server."
        login { user, password -> user.isNotEmpty() && password == "secret" }
        command("echo", aliases = listOf("copy", "repeat")) {
            usage = "<text to echo>"
            summary = "Echo text back to the console."
            run { args -> writeResponse(args.joinToString(" ")) }
        }
        command("timer") {
            usage = "<seconds> <message>"
            summary = "Show a message later, even while you type."
            run { args ->
                val seconds = args.firstOrNull()?.toLongOrNull() ?: return@run writeError("Usage: timer <seconds> <message>")
                launch {
                    kotlinx.coroutines.delay(seconds.seconds)
                    writeMessage(args.drop(1).joinToString(" "))
                }
            }
        }
        onSessionStart { writeLine("Hello, $username on a ${width}x$height $terminalType.") }
    }
    // README:end kotlin
    return server
}
