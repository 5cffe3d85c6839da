package dev.telnetkit.samples

import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.ssh.SshKeyboardInteractiveCheck
import dev.telnetkit.ssh.SshPasswordCheck
import dev.telnetkit.ssh.SshSettings
import kotlinx.coroutines.delay
import org.slf4j.LoggerFactory
import java.nio.file.Path
import java.time.Duration

private val demoLog = LoggerFactory.getLogger("dev.telnetkit.samples.Demo")

/** The demo's prompt, as in the telnetsrv documentation's test server. */
const val DEMO_PROMPT: String = "Telnet Server> "

/** The demo's welcome line. */
const val DEMO_WELCOME: String = "You have connected to the telnet server."

/** The demo's commands: the reference behaviour of DESIGN.md. */
val demoCommands: List<Command> = listOf(
    Command(
        name = "echo",
        aliases = listOf("copy", "repeat"),
        usage = "<text to echo>",
        summary = "Echo text back to the console.",
        description = "Writes its parameters back, separated by single spaces.\n" +
            "Quote a parameter to keep its spaces as they are: echo \"a   b\".",
        handler = CommandHandler { call -> call.writeResponse(call.args.joinToString(" ")) },
    ),
    Command(
        name = "timer",
        usage = "<seconds> <message>",
        summary = "Show a message after a number of seconds.",
        description = "Waits the given number of seconds (0 to 86400), then shows the message,\n" +
            "even while you are typing: your line is kept as it was.",
        handler = CommandHandler { call ->
            val seconds = call.args.firstOrNull()?.toIntOrNull()
            if (seconds == null || seconds !in 0..86_400 || call.args.size < 2) throw CommandException("Usage: timer <seconds> <message>")
            val message = call.args.drop(1).joinToString(" ")
            call.writeResponse("Waiting $seconds seconds...")
            call.session.launch {
                delay(seconds * 1000L)
                call.session.writeMessage(message)
            }
        },
    ),
    Command(
        name = "info",
        summary = "Show what the server knows about this session.",
        handler = CommandHandler { call ->
            val s = call.session
            call.writeResponse("User: ${s.username ?: "(not logged in)"}")
            call.writeResponse("Terminal type: ${s.terminalType}")
            call.writeResponse("Width: ${s.width}")
            call.writeResponse("Height: ${s.height}")
            call.writeResponse("Encoding: ${s.encoding.name()}")
            call.writeResponse("Mode: ${if (s.serverEchoes) "character" else "line"}")
            call.writeResponse("History: ${s.history.size} lines")
        },
    ),
    Command(
        name = "history",
        summary = "List the lines you entered.",
        handler = CommandHandler { call ->
            call.session.history.entries.forEachIndexed { i, line -> call.writeResponse("%4d  %s".format(i + 1, line)) }
        },
    ),
    Command(
        name = "term",
        hidden = true,
        summary = "Show every terminal type name the client gave.",
        handler = CommandHandler { call ->
            call.writeResponse(call.session.terminalTypes.ifEmpty { listOf(call.session.terminalType) }.joinToString(", "))
        },
    ),
)

/** The demo login: any non-empty name with any non-empty password. The samples show real checks. */
val demoLogin: LoginSettings = LoginSettings(
    authenticator = Authenticator { _, user, password -> user.isNotBlank() && password.isNotEmpty() },
)

/**
 * SSH for the demo on [port]: as its Telnet `--login`, any user with any non-empty password, by
 * password or keyboard-interactive (OpenSSH tries the latter first). The samples show real checks.
 */
fun demoSsh(port: Int, hostKey: Path): SshSettings = SshSettings(
    port = port,
    hostKey = hostKey,
    password = SshPasswordCheck { user, password -> user.isNotBlank() && password.isNotEmpty() },
    keyboardInteractive = SshKeyboardInteractiveCheck { user, answers -> user.isNotBlank() && answers.single().isNotEmpty() },
)

/** The demo shell; [extraCommands] come after the demo's own. */
fun demoShell(login: Boolean = false, extraCommands: List<Command> = emptyList()): CommandShell = CommandShell(
    ShellSettings(
        commands = demoCommands + extraCommands,
        prompt = PromptProvider { DEMO_PROMPT },
        welcome = DEMO_WELCOME,
        login = if (login) demoLogin else null,
        // Logged so an operator (and CliSpec) can see that sessions end cleanly, on SIGTERM too.
        onSessionEnd = SessionHook { s ->
            demoLog.info("session {} ended for {} after {} s", s.id, s.username ?: "guest", s.duration.seconds)
        },
    ),
)

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
    val settings = ServerSettings(
        host = options.host,
        port = options.port,
        idleTimeout = options.idleTimeout,
        connectMaxWait = options.connectMaxWait,
        protocol = ProtocolSettings(charsets = ProtocolSettings.charsetsPreferring(options.encoding)),
        maxSessions = options.maxSessions ?: DEMO_MAX_SESSIONS,
        maxSessionsPerAddress = options.maxSessionsPerAddress ?: ServerSettings().maxSessionsPerAddress,
        transport = options.transport,
        tls = options.tls,
        endpoints = listOfNotNull(options.sshPort?.let { demoSsh(it, options.sshHostKey) }),
    )
    lateinit var server: TelnetServer
    val broadcast = Command(
        name = "broadcast",
        hidden = true,
        usage = "<text>",
        summary = "Send the text to every session (telnet-bench).",
        handler = CommandHandler { call -> server.broadcast(call.args.joinToString(" ")) },
    )
    server = TelnetServer(settings, demoShell(options.login, if (options.benchBroadcast) listOf(broadcast) else emptyList()))
    return server
}
