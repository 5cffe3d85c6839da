package dev.telnetkit.samples

import kotlinx.coroutines.runBlocking
import java.time.Duration
import kotlin.system.exitProcess

private const val USAGE = """Usage: java -jar telnetkit-samples.jar [--host HOST] [--port PORT] [--login]

Starts the TelnetKit demo server.

  --host HOST   address to listen on (default 127.0.0.1; Telnet is clear text)
  --port PORT   TCP port, 0 for any free one (default 2323)
  --login       ask for a user name and password (any non-empty pair is accepted)
  --help        show this help"""

/** Command-line options of the demo. */
data class DemoOptions(val host: String = "127.0.0.1", val port: Int = 2323, val login: Boolean = false)

/** Parses [args]; throws [IllegalArgumentException] with a message for the user on bad input. */
fun parseDemoOptions(args: Array<String>): DemoOptions? {
    var options = DemoOptions()
    var i = 0
    fun value(name: String): String = args.getOrNull(++i) ?: throw IllegalArgumentException("$name needs a value")
    while (i < args.size) {
        when (val arg = args[i]) {
            "--help", "-h" -> return null
            "--login" -> options = options.copy(login = true)
            "--host" -> options = options.copy(host = value(arg).also { require(it.isNotBlank()) { "--host must not be empty" } })
            "--port" -> {
                val text = value(arg)
                val port = text.toIntOrNull()
                require(port != null && port in 0..65535) { "--port must be a number from 0 to 65535, got '$text'" }
                options = options.copy(port = port)
            }
            else -> throw IllegalArgumentException("unknown option '$arg'")
        }
        i++
    }
    return options
}

fun main(args: Array<String>) {
    val options = try {
        parseDemoOptions(args) ?: run { println(USAGE); return }
    } catch (e: IllegalArgumentException) {
        System.err.println("telnetkit-samples: ${e.message}")
        System.err.println("Try --help.")
        exitProcess(2)
    }
    val server = demoServer(options.host, options.port, options.login)
    try {
        runBlocking { server.start() }
    } catch (e: Exception) {
        System.err.println("telnetkit-samples: cannot listen on ${options.host}:${options.port}: ${e.message}")
        exitProcess(1)
    }
    println("TelnetKit demo listening on ${options.host}:${server.port} — connect with: telnet ${options.host} ${server.port}")
    // SIGTERM and Ctrl-C: tell the sessions, let them end, then exit 0.
    Runtime.getRuntime().addShutdownHook(Thread({ runBlocking { server.stop(Duration.ofSeconds(5)) } }, "telnetkit-shutdown"))
    runBlocking { server.awaitTermination() }
}
