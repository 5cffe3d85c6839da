package dev.telnetkit.samples

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.SysopCommands
import java.security.MessageDigest
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.CommandException
import dev.telnetkit.ssh.ssh
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import java.nio.file.Path
import java.time.Duration

private val demoLog = LoggerFactory.getLogger("dev.telnetkit.samples.Demo")

/** The demo's prompt, as in the telnetsrv documentation's test server. */
const val DEMO_PROMPT: String = "Telnet Server> "

/** The demo's welcome line. */
const val DEMO_WELCOME: String = "You have connected to the telnet server."

/**
 * The demo's commands, the reference behaviour of DESIGN.md, declared with the DSL as we recommend
 * declaring commands: `echo` (`copy`, `repeat`), `timer`, `info`, `history` and the hidden `term`.
 */
fun TelnetServerScope.demoCommands() {
    command("echo", aliases = listOf("copy", "repeat")) {
        usage = "<text to echo>"
        summary = "Echo text back to the console."
        description = "Writes its parameters back, separated by single spaces.\n" +
            "Quote a parameter to keep its spaces as they are: echo \"a   b\"."
        run { args -> writeResponse(args.joinToString(" ")) }
    }
    command("timer") {
        usage = "<seconds> <message>"
        summary = "Show a message after a number of seconds."
        description = "Waits the given number of seconds (0 to 86400), then shows the message,\n" +
            "even while you are typing: your line is kept as it was."
        run { args ->
            val seconds = args.firstOrNull()?.toIntOrNull()
            if (seconds == null || seconds !in 0..86_400 || args.size < 2) throw CommandException("Usage: timer <seconds> <message>")
            val message = args.drop(1).joinToString(" ")
            writeResponse("Waiting $seconds seconds...")
            // A child of the session: it ends with the session if that ends first.
            launch {
                delay(seconds * 1000L)
                writeMessage(message)
            }
        }
    }
    command("info") {
        summary = "Show what the server knows about this session."
        run {
            writeResponse("User: ${username ?: "(not logged in)"}")
            writeResponse("Terminal type: $terminalType")
            writeResponse("Width: $width")
            writeResponse("Height: $height")
            writeResponse("Encoding: ${encoding.name()}")
            writeResponse("Mode: ${if (serverEchoes) "character" else "line"}")
            writeResponse("History: ${history.size} lines")
        }
    }
    command("history") {
        summary = "List the lines you entered."
        run { history.entries.forEachIndexed { i, line -> writeResponse("%4d  %s".format(i + 1, line)) } }
    }
    command("term") {
        hidden = true
        summary = "Show every terminal type name the client gave."
        run { writeResponse(terminalTypes.ifEmpty { listOf(terminalType) }.joinToString(", ")) }
    }
}

/**
 * SSH for the demo on [port]: as its Telnet `--login`, any user with any non-empty password, by
 * password or keyboard-interactive (OpenSSH tries the latter first). The samples show real checks.
 */
fun TelnetServerScope.demoSsh(port: Int, hostKey: Path, adminPassword: String? = null) {
    ssh {
        this.port = port
        this.hostKey = hostKey
        password { user, password -> demoLogin(user, password, adminPassword) }
        keyboardInteractive { user, answers -> demoLogin(user, answers.single(), adminPassword) }
    }
}

/**
 * The demo's login check: any non-empty name with any non-empty password, except the sysop
 * ([ADMIN_USER]), who needs [adminPassword] (and cannot log in without one).
 */
internal fun demoLogin(user: String, password: String, adminPassword: String?): Boolean = when {
    user == ADMIN_USER -> adminPassword != null && MessageDigest.isEqual(password.toByteArray(), adminPassword.toByteArray())
    else -> user.isNotBlank() && password.isNotEmpty()
}

/** The demo server on [host]:[port]. */
fun demoServer(host: String, port: Int, login: Boolean = false, idleTimeout: Duration? = null): TelnetServer =
    demoServer(DemoOptions(host = host, port = port, login = login, idleTimeout = idleTimeout ?: DemoOptions().idleTimeout))

/**
 * Sessions the demo holds at once unless told otherwise: as many as a process may open files on
 * the machines it is measured on (the library's own default is 10,000).
 */
const val DEMO_MAX_SESSIONS: Int = 20_000

/**
 * The demo server with every setting of the command line. With `--bench-broadcast` it also has the
 * hidden `broadcast <text>` command that telnet-bench's fan-out scenario uses.
 */
fun demoServer(options: DemoOptions): TelnetServer {
    lateinit var server: TelnetServer
    server = telnetServer {
        listenAs(options)
        maxSessions = options.maxSessions ?: DEMO_MAX_SESSIONS
        options.maxSessionsPerAddress?.let { maxSessionsPerAddress = it }
        options.sshPort?.let { demoSsh(it, options.sshHostKey, options.adminPassword) }
        prompt = DEMO_PROMPT
        welcome = DEMO_WELCOME
        // The demo login: any non-empty name with any non-empty password. The samples show real checks.
        if (options.login) login { user, password -> demoLogin(user, password, options.adminPassword) }
        // The sysop's commands (who, kick, send, wall, stats), for the admin logged in with its password.
        if (options.adminPassword != null) commands(listOf(SysopCommands.command { it.username == ADMIN_USER }))
        // Logged so an operator (and CliSpec) can see that sessions end cleanly, on SIGTERM too.
        onSessionEnd { demoLog.info("session {} ended for {} after {} s", id, username ?: "guest", duration.seconds) }
        demoCommands()
        if (options.benchBroadcast) {
            command("broadcast") {
                hidden = true
                usage = "<text>"
                summary = "Send the text to every session (telnet-bench)."
                run { args -> server.broadcast(args.joinToString(" ")) }
            }
        }
    }
    return server
}
