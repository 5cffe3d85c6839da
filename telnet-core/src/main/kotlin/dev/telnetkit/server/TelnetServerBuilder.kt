package dev.telnetkit.server

import dev.telnetkit.session.SessionObserver
import dev.telnetkit.wire.TelnetOptionFactory

import dev.telnetkit.session.BlockingSessionHandler
import dev.telnetkit.transport.Transport
import dev.telnetkit.session.ErrorFormatter
import dev.telnetkit.session.SessionHandler

import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.shell.AnnotatedCommands
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.BlockingAuthenticator
import dev.telnetkit.shell.BlockingSessionHook
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import java.nio.charset.Charset
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.Executor

/**
 * Declares a [TelnetServer] with its command shell, for Java (Kotlin code reads better with the
 * `telnetServer { }` DSL of telnet-dsl, whose settings have the same names as these methods).
 * Obtained from [TelnetServer.builder].
 *
 * ```java
 * TelnetServer server = TelnetServer.builder()
 *     .port(2323)
 *     .prompt("Telnet Server> ")
 *     .command(Command.named("echo").aliases("copy", "repeat")
 *         .usage("<text to echo>").summary("Echo text back to the console.")
 *         .handler((session, args) -> session.writeResponse(String.join(" ", args))))
 *     .build();
 * server.start();
 * ```
 */
public class TelnetServerBuilder internal constructor() {
    // Every setting starts at the settings classes' own default.
    private var host = SERVER.host
    private var port = SERVER.port
    private var connectMaxWait: Duration = SERVER.connectMaxWait
    private var idleTimeout: Duration = SERVER.idleTimeout
    private var outputBufferLimit = SERVER.outputBufferLimit
    private var maxLineLength = SERVER.maxLineLength
    private var historySize = SERVER.historySize
    private var maxSessions = SERVER.maxSessions
    private var maxSessionsPerAddress = SERVER.maxSessionsPerAddress
    private var eventLoops = SERVER.eventLoops
    private var transport = SERVER.transport
    private var blockingExecutor: Executor? = SERVER.blockingExecutor
    private var tls: TlsSettings? = SERVER.tls
    private val endpoints = ArrayList<ServerEndpoint>()
    private var idleNotice = SERVER.idleNotice
    private var shutdownNotice = SERVER.shutdownNotice
    private var outputStallTimeout: Duration = SERVER.outputStallTimeout
    private var escapeTimeout: Duration = SERVER.escapeTimeout
    private var busyMessage = SERVER.busyMessage
    private var maxStartups = SERVER.maxStartups
    private var maxStartupsPerAddress: Int? = null
    private val telnetOptions = ArrayList<TelnetOptionFactory>()
    private val observers = ArrayList<SessionObserver>()
    private var areYouThereAnswer = SERVER.areYouThereAnswer
    private var maxSubnegotiation = SERVER.protocol.maxSubnegotiation
    private var maxTerminalTypes = SERVER.protocol.maxTerminalTypes
    private var maxEnvironmentVariables = SERVER.protocol.maxEnvironmentVariables
    private var maxNegotiationsPerOption = SERVER.protocol.maxNegotiationsPerOption
    private var maxContinuationLines = SHELL.maxContinuationLines
    private var encoding: Charset = SERVER.protocol.charsets.first()
    private var prompt: PromptProvider = SHELL.prompt
    private var continuationPrompt = SHELL.continuationPrompt
    private var welcome = SHELL.welcome
    private var goodbye = SHELL.goodbye
    private var login: LoginSettings? = null
    private var onStart: SessionHook? = null
    private var onEnd: SessionHook? = null
    private var errorFormatter: ErrorFormatter = SHELL.errorFormatter
    private var ansi = SHELL.ansi
    private var session: SessionHandler? = null
    private val commands = ArrayList<Command>()

    /** The address to bind (default 127.0.0.1). */
    public fun host(host: String): TelnetServerBuilder = apply { this.host = host }

    /** The TCP port (default 2323; 0 picks a free one). */
    public fun port(port: Int): TelnetServerBuilder = apply { this.port = port }

    /** How long to wait for the client's negotiation answers (default 1 s). */
    public fun connectMaxWait(wait: Duration): TelnetServerBuilder = apply { connectMaxWait = wait }

    /** Close sessions idle this long (default 5 minutes; zero turns it off). */
    public fun idleTimeout(timeout: Duration): TelnetServerBuilder = apply { idleTimeout = timeout }

    /** The line shown before an idle session is closed. */
    public fun idleNotice(text: String): TelnetServerBuilder = apply { idleNotice = text }

    /** The line shown to every session when the server stops. */
    public fun shutdownNotice(text: String): TelnetServerBuilder = apply { shutdownNotice = text }

    /** How long a writer waits for a client that reads nothing before it is cut off (default 60 s). */
    public fun outputStallTimeout(timeout: Duration): TelnetServerBuilder = apply { outputStallTimeout = timeout }

    /** How long a lone ESC waits for the rest of an escape sequence (default 150 ms). */
    public fun escapeTimeout(timeout: Duration): TelnetServerBuilder = apply { escapeTimeout = timeout }

    /** The line a connection over a session limit sees before it is closed. */
    public fun busyMessage(text: String): TelnetServerBuilder = apply { busyMessage = text }

    /** The line written when the client sends `IAC AYT` (default `[Yes]`). */
    public fun areYouThereAnswer(text: String): TelnetServerBuilder = apply { areYouThereAnswer = text }

    /** The largest subnegotiation accepted from a client, in bytes (default 16 KiB). */
    public fun maxSubnegotiation(bytes: Int): TelnetServerBuilder = apply { maxSubnegotiation = bytes }

    /** How many TTYPE replies to ask for before giving up on the terminal type cycle (default 8). */
    public fun maxTerminalTypes(count: Int): TelnetServerBuilder = apply { maxTerminalTypes = count }

    /** How many NEW-ENVIRON variables to keep from a client (default 64). */
    public fun maxEnvironmentVariables(count: Int): TelnetServerBuilder = apply { maxEnvironmentVariables = count }

    /** WILL/WONT/DO/DONT messages accepted per option from one client (default 50). */
    public fun maxNegotiationsPerOption(count: Int): TelnetServerBuilder = apply { maxNegotiationsPerOption = count }

    /** The most lines one command may span with continuation lines (default 64). */
    public fun maxContinuationLines(lines: Int): TelnetServerBuilder = apply { maxContinuationLines = lines }

    /** Unread output per session before a client that does not read is cut off (default 1 MiB). */
    public fun outputBufferLimit(bytes: Int): TelnetServerBuilder = apply { outputBufferLimit = bytes }

    /** The longest input line (default 4096). */
    public fun maxLineLength(length: Int): TelnetServerBuilder = apply { maxLineLength = length }

    /** Sessions open at once (default 10,000); over it a connection is told the server is busy. */
    public fun maxSessions(count: Int): TelnetServerBuilder = apply { maxSessions = count }

    /** Sessions open at once from one remote address (default 100). */
    public fun maxSessionsPerAddress(count: Int): TelnetServerBuilder = apply { maxSessionsPerAddress = count }

    /**
     * Connections still opening (TLS, negotiation) at once, counted apart from sessions (default
     * 1,000); at the limit further connections wait to be accepted. See [ServerSettings.maxStartups].
     */
    public fun maxStartups(count: Int): TelnetServerBuilder = apply { maxStartups = count }

    /**
     * Connections still opening at once from one remote address (default: the same as
     * [maxSessionsPerAddress]); over it, one waits a second for a slot, then is refused as busy.
     */
    public fun maxStartupsPerAddress(count: Int): TelnetServerBuilder = apply { maxStartupsPerAddress = count }

    /**
     * Adds a Telnet option of the application's (GMCP, compression, one of its own): [factory]
     * makes its handler for each Telnet session. See [ServerSettings.telnetOptions] and
     * [dev.telnetkit.wire.TelnetOptionHandler].
     */
    public fun telnetOption(factory: TelnetOptionFactory): TelnetServerBuilder = apply { telnetOptions += factory }

    /**
     * Adds an [observer] of every session's start and end, commands, failed logins and cut-offs
     * (metrics, audit, recording). See [ServerSettings.observers].
     */
    public fun observer(observer: SessionObserver): TelnetServerBuilder = apply { observers += observer }

    /**
     * Threads that run the sockets and the sessions (default: one per processor). Commands made
     * with `CommandHandler.blocking` (all Java handlers) run elsewhere and may block.
     */
    public fun eventLoops(count: Int): TelnetServerBuilder = apply { eventLoops = count }

    /**
     * How clients reach the sessions: `Transport.nio()` (the default), `new KtorTransport()` from
     * `telnet-ktor`, `new InMemoryTransport()` from the testkit, or `Transport.named("ktor")`.
     */
    public fun transport(transport: Transport): TelnetServerBuilder = apply { this.transport = transport }

    /**
     * Where blocking code runs: the handlers, hooks, login check, completers, prompt and error
     * formatter given to this builder (default: one the server makes and shuts down when it
     * stops, virtual threads on Java 21 and later). Yours is never shut down by the server; it
     * should have a thread for every session that may block at once. See
     * [ServerSettings.blockingExecutor].
     */
    public fun blockingExecutor(executor: Executor): TelnetServerBuilder = apply { blockingExecutor = executor }

    /**
     * Serves TLS on the port as [tls] says (TLS only, or TLS and plain Telnet side by side); null
     * (the default) for plain Telnet. Needs the NIO transport (the default). The files are read
     * when the server starts, and a mistake in them fails the start, naming the file.
     *
     * ```java
     * .tls(TlsSettings.builder(TlsIdentity.pem(Path.of("cert.pem"), Path.of("key.pem")))
     *     .mode(TlsMode.AUTO_DETECT).build())
     * ```
     */
    public fun tls(tls: TlsSettings?): TelnetServerBuilder = apply { this.tls = tls }

    /**
     * Serves TLS with the PEM files [certificate] (the chain, leaf first) and [key] (its private key),
     * in [mode] (default TLS only), every other TLS setting at its default; see [TlsSettings].
     */
    @JvmOverloads
    public fun tls(certificate: Path, key: Path, mode: TlsMode = TlsMode.TLS_ONLY): TelnetServerBuilder =
        tls(TlsSettings(TlsIdentity.pem(certificate, key), mode = mode))

    /**
     * Listens on [endpoint] too, beside the main port: SSH (`SshSettings` from `telnet-ssh`), or
     * another transport on another port ([ServerEndpoint.of]). Call once for each.
     *
     * ```java
     * .endpoint(SshSettings.builder().port(2222).hostKey(Path.of("host.key")).password(check).build())
     * ```
     */
    public fun endpoint(endpoint: ServerEndpoint): TelnetServerBuilder = apply { endpoints.add(endpoint) }

    /** Lines of history per session (default 500). */
    public fun historySize(size: Int): TelnetServerBuilder = apply { historySize = size }

    /** The preferred charset (default UTF-8). */
    public fun encoding(charset: Charset): TelnetServerBuilder = apply { encoding = charset }

    /** A fixed prompt. */
    public fun prompt(prompt: String): TelnetServerBuilder = apply { this.prompt = PromptProvider { prompt } }

    /**
     * A prompt computed per session each time it is shown. It may block: it runs as a
     * [PromptProvider.blocking] one, never on an event-loop thread.
     */
    public fun prompt(prompt: PromptProvider): TelnetServerBuilder = apply { this.prompt = PromptProvider.blocking(prompt) }

    /** The prompt of continued lines (default `... `). */
    public fun continuationPrompt(prompt: String): TelnetServerBuilder = apply { continuationPrompt = prompt }

    /** Shown first, before the login. */
    public fun welcome(text: String): TelnetServerBuilder = apply { welcome = text }

    /** Shown when the user leaves with `bye` or Ctrl-D (default `Goodbye.`). */
    public fun goodbye(text: String): TelnetServerBuilder = apply { goodbye = text }

    /** Adds a command. */
    public fun command(command: Command): TelnetServerBuilder = apply { commands.add(command) }

    /** Adds a command from its builder. */
    public fun command(command: Command.Builder): TelnetServerBuilder = command(command.build())

    /** Adds commands built elsewhere, in order; for annotated handler objects see [annotatedCommands]. */
    public fun commands(commands: List<Command>): TelnetServerBuilder = apply { this.commands.addAll(commands) }

    /**
     * Adds a command for every public method marked with [dev.telnetkit.annotations.Command] on
     * each of [handlers] (see [AnnotatedCommands.from]); a mistake in the annotations throws at
     * once, naming the method.
     */
    public fun annotatedCommands(vararg handlers: Any): TelnetServerBuilder = apply {
        handlers.forEach { commands.addAll(AnnotatedCommands.from(it)) }
    }

    /** Asks for a user name and password; [authenticator] decides (it may block). */
    public fun login(authenticator: BlockingAuthenticator): TelnetServerBuilder = login(LoginSettings(Authenticator.blocking(authenticator)))

    /**
     * Login with every setting given (attempts, delays, timeout, prompts, lockout); from Java, build
     * them with [LoginSettings.builder].
     */
    public fun login(settings: LoginSettings): TelnetServerBuilder = apply { login = settings }

    /** Login with the settings of [settings], built now. */
    public fun login(settings: LoginSettings.Builder): TelnetServerBuilder = login(settings.build())

    /** Runs after the welcome text and the login; it may block. */
    public fun onSessionStart(hook: BlockingSessionHook): TelnetServerBuilder = apply { onStart = SessionHook.blocking(hook) }

    /** Runs exactly once when a started session ends; it may block. */
    public fun onSessionEnd(hook: BlockingSessionHook): TelnetServerBuilder = apply { onEnd = SessionHook.blocking(hook) }

    /**
     * How `writeError` shows errors. It may block: it runs as an [ErrorFormatter.blocking] one,
     * never on an event-loop thread.
     */
    public fun errorFormatter(formatter: ErrorFormatter): TelnetServerBuilder = apply { errorFormatter = ErrorFormatter.blocking(formatter) }

    /** False turns ANSI styles off for every session. */
    public fun ansi(enabled: Boolean): TelnetServerBuilder = apply { ansi = enabled }

    /**
     * Replaces the command shell with your own session handler, for servers that are not command
     * shells (games, menus); it may block. Commands, login and hooks are then not used.
     *
     * ```java
     * TelnetServer.builder().port(2323).session(session -> {
     *     String line;
     *     while ((line = session.readLine("> ")) != null) session.writeLine("you said: " + line);
     * }).build();
     * ```
     */
    public fun session(handler: BlockingSessionHandler): TelnetServerBuilder = apply { session = SessionHandler.blocking(handler) }

    /** The server; throws [IllegalArgumentException] naming the setting or command that is wrong. */
    public fun build(): TelnetServer {
        val custom = session
        require(custom == null || (commands.isEmpty() && login == null)) {
            "TelnetServer.builder(): session(handler) replaces the command shell; add commands and login, or session(handler), not both"
        }
        require(custom != null || commands.isNotEmpty()) {
            "TelnetServer.builder(): add at least one command, or what a session does with session(handler)"
        }
        val settings = ServerSettings(
            host = host, port = port, connectMaxWait = connectMaxWait, idleTimeout = idleTimeout,
            idleNotice = idleNotice, shutdownNotice = shutdownNotice, outputBufferLimit = outputBufferLimit,
            outputStallTimeout = outputStallTimeout, maxLineLength = maxLineLength, areYouThereAnswer = areYouThereAnswer,
            historySize = historySize, escapeTimeout = escapeTimeout, maxSessions = maxSessions,
            maxSessionsPerAddress = maxSessionsPerAddress, busyMessage = busyMessage, eventLoops = eventLoops,
            transport = transport,
            blockingExecutor = blockingExecutor,
            tls = tls,
            endpoints = endpoints.toList(),
            maxStartups = maxStartups, maxStartupsPerAddress = maxStartupsPerAddress ?: maxSessionsPerAddress,
            telnetOptions = telnetOptions.toList(),
            observers = observers.toList(),
            protocol = ProtocolSettings(
                charsets = ProtocolSettings.charsetsPreferring(encoding), maxSubnegotiation = maxSubnegotiation,
                maxTerminalTypes = maxTerminalTypes, maxEnvironmentVariables = maxEnvironmentVariables,
                maxNegotiationsPerOption = maxNegotiationsPerOption,
            ),
        )
        val handler = custom ?: CommandShell(
            ShellSettings(
                commands = commands.toList(), prompt = prompt, continuationPrompt = continuationPrompt,
                welcome = welcome, goodbye = goodbye, login = login, onSessionStart = onStart, onSessionEnd = onEnd,
                errorFormatter = errorFormatter, ansi = ansi, maxContinuationLines = maxContinuationLines,
            ),
        )
        return TelnetServer(settings, handler)
    }


    private companion object {
        val SERVER = ServerSettings()
        val SHELL = ShellSettings(emptyList())
    }
}
