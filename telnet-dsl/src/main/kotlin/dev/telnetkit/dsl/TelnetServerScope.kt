package dev.telnetkit.dsl

import dev.telnetkit.session.SessionObserver
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.transport.Transport
import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.session.Session
import dev.telnetkit.session.ErrorFormatter
import dev.telnetkit.session.SessionHandler

import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.AnnotatedCommands
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.Registration
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import java.nio.charset.Charset
import java.nio.file.Path
import java.util.concurrent.Executor
import kotlin.time.Duration
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * Declares a [TelnetServer]; see [telnetServer]. Every property starts at the library default,
 * and building checks them all with messages that name the setting. Each setting has the same
 * name as on Java's [dev.telnetkit.server.TelnetServerBuilder].
 */
@TelnetDsl
public class TelnetServerScope
/**
 * A scope configured by a host rather than by [telnetServer]: the `telnetkit` program
 * (telnet-script) evaluates a script with this as its receiver, then calls [buildServer].
 * Applications use [telnetServer].
 */
@EngineApi public constructor() {
    /** The address to bind; loopback by default because Telnet is clear text. */
    public var host: String = SERVER.host

    /** The TCP port; 0 picks a free one. */
    public var port: Int = SERVER.port

    /** How long to wait for a client's negotiation answers before starting the session anyway. */
    public var connectMaxWait: Duration = SERVER.connectMaxWait.toKotlinDuration()

    /** Close a session after this long without input; [Duration.ZERO] turns it off. */
    public var idleTimeout: Duration = SERVER.idleTimeout.toKotlinDuration()

    /** The line shown before an idle session is closed. */
    public var idleNotice: String = SERVER.idleNotice

    /** The line shown to every session when the server stops. */
    public var shutdownNotice: String = SERVER.shutdownNotice

    /** The session's preferred charset, offered first with CHARSET; UTF-8 by default. */
    public var encoding: Charset = SERVER.protocol.charsets.first()

    /** Unread output per session, in bytes, before a client that does not read is cut off. */
    public var outputBufferLimit: Int = SERVER.outputBufferLimit

    /** How long a writer waits for a client that reads nothing before it is cut off. */
    public var outputStallTimeout: Duration = SERVER.outputStallTimeout.toKotlinDuration()

    /** The longest input line accepted. */
    public var maxLineLength: Int = SERVER.maxLineLength

    /** The largest subnegotiation accepted from a client, in bytes. */
    public var maxSubnegotiation: Int = SERVER.protocol.maxSubnegotiation

    /** How many TTYPE replies to ask for before giving up on the terminal type cycle. */
    public var maxTerminalTypes: Int = SERVER.protocol.maxTerminalTypes

    /** How many NEW-ENVIRON variables to keep from a client. */
    public var maxEnvironmentVariables: Int = SERVER.protocol.maxEnvironmentVariables

    /** WILL/WONT/DO/DONT messages accepted per option from one client; beyond it they are ignored. */
    public var maxNegotiationsPerOption: Int = SERVER.protocol.maxNegotiationsPerOption

    /** The line written when the client sends `IAC AYT` (Are You There). */
    public var areYouThereAnswer: String = SERVER.areYouThereAnswer

    /** Lines kept in each session's history. */
    public var historySize: Int = SERVER.historySize

    /** How long a lone ESC waits for the rest of an escape sequence. */
    public var escapeTimeout: Duration = SERVER.escapeTimeout.toKotlinDuration()

    /** Sessions open at once; a connection over it is shown [busyMessage] and closed. */
    public var maxSessions: Int = SERVER.maxSessions

    /** Sessions open at once from one remote address; over it, the same. */
    public var maxSessionsPerAddress: Int = SERVER.maxSessionsPerAddress

    /** The line a connection over a session limit sees before it is closed. */
    public var busyMessage: String = SERVER.busyMessage

    /**
     * Connections still opening (TLS, negotiation) at once, counted apart from sessions; at the
     * limit further connections wait to be accepted. See [ServerSettings.maxStartups].
     */
    public var maxStartups: Int = SERVER.maxStartups

    /**
     * Connections still opening at once from one remote address; over it, one waits a second for a
     * slot, then is refused as busy. Null (the default): the same as [maxSessionsPerAddress].
     */
    public var maxStartupsPerAddress: Int? = null

    /**
     * Threads that run the sockets and the sessions' coroutines (one per processor by default).
     * Kotlin handlers, [prompt], [errorFormat] and completers run on them and must not block:
     * blocking work belongs in `CommandHandler.blocking` (`CommandBuilder.completeBlocking` for
     * completion), which runs on [blockingExecutor].
     */
    public var eventLoops: Int = SERVER.eventLoops

    /**
     * How clients reach the sessions: `Transport.nio()` (the default), `KtorTransport()` from
     * `telnet-ktor`, `InMemoryTransport()` from the testkit, or `Transport.named("ktor")`.
     */
    public var transport: Transport = SERVER.transport

    /**
     * Where blocking code runs (`CommandHandler.blocking`, `SessionHandler.blocking`, blocking hooks,
     * completers, prompts and error formatters); null, the default, has the server make one and
     * shut it down when it stops (virtual threads on Java 21 and later). One given here is never
     * shut down by the server; see [ServerSettings.blockingExecutor].
     */
    public var blockingExecutor: Executor? = SERVER.blockingExecutor

    /**
     * TLS on the port: null (the default) for plain Telnet; see [TlsSettings], and [tls] with two
     * PEM files for the common case. Needs the NIO transport (the default); the files are read when
     * the server starts, and a mistake in them fails the start, naming the file.
     */
    public var tls: TlsSettings? = SERVER.tls

    /** The prompt; see also [prompt] with a function of the session. */
    public var prompt: String = "> "

    /** The prompt for a line continued by a backslash or an open quote. */
    public var continuationPrompt: String = SHELL.continuationPrompt

    /** Shown first, before the login; empty for none. */
    public var welcome: String = SHELL.welcome

    /** Shown when the user leaves with `bye` or Ctrl-D; empty for none. */
    public var goodbye: String = SHELL.goodbye

    /** False turns ANSI styles off for every session. */
    public var ansi: Boolean = SHELL.ansi

    /** The most lines one command may span. */
    public var maxContinuationLines: Int = SHELL.maxContinuationLines

    private var promptProvider: PromptProvider? = null
    private var handler: SessionHandler? = null
    private var loginSettings: LoginSettings? = null
    private var startHook: SessionHook? = null
    private var endHook: SessionHook? = null
    private var errorFormatter: ErrorFormatter = ErrorFormatter.PLAIN
    private val commands = ArrayList<Command>()
    private val endpoints = ArrayList<ServerEndpoint>()
    private val telnetOptions = ArrayList<TelnetOptionFactory>()
    private val observers = ArrayList<SessionObserver>()

    /**
     * The prompt as a function of the session, computed each time it is shown, on the session's
     * event loop: it must be quick and must not block.
     */
    public fun prompt(block: (Session) -> String) {
        promptProvider = PromptProvider { block(it) }
    }

    /**
     * Serves TLS with the PEM files [certificate] (the chain, leaf first) and [key] (its private key):
     * TLS only by default, or TLS and plain Telnet on one port with [TlsMode.AUTO_DETECT]. Every other
     * TLS setting is at its default; set [tls] to a [TlsSettings] for client certificates and the rest.
     *
     * ```kotlin
     * tls(certificate = Path.of("fullchain.pem"), key = Path.of("privkey.pem"), mode = TlsMode.AUTO_DETECT)
     * ```
     */
    public fun tls(certificate: Path, key: Path, mode: TlsMode = TlsMode.TLS_ONLY) {
        tls = TlsSettings(TlsIdentity.pem(certificate, key), mode = mode)
    }

    /**
     * Adds a Telnet option of the application's (GMCP, compression, one of its own): [factory]
     * makes its handler for each Telnet session. See `ServerSettings.telnetOptions` and
     * `TelnetOptionHandler`.
     */
    public fun telnetOption(factory: TelnetOptionFactory) {
        telnetOptions += factory
    }

    /**
     * Adds an [observer] of every session's start and end, commands, failed logins and cut-offs
     * (metrics, audit, recording). See `ServerSettings.observers`.
     */
    public fun observer(observer: SessionObserver) {
        observers += observer
    }

    /**
     * Listens on [endpoint] too, beside the main port: another transport on another port
     * ([ServerEndpoint.of]). SSH has its own block, `ssh { }`, from `telnet-ssh`.
     */
    public fun endpoint(endpoint: ServerEndpoint) {
        endpoints.add(endpoint)
    }

    /** Declares a command; see [CommandBuilder]. */
    public fun command(name: String, aliases: List<String> = emptyList(), configure: CommandBuilder.() -> Unit) {
        commands.add(CommandBuilder(name, aliases).apply(configure).build())
    }

    /** Adds commands built elsewhere, in order; for annotated handler objects see [annotatedCommands]. */
    public fun commands(commands: List<Command>) {
        this.commands.addAll(commands)
    }

    /**
     * Adds a command for every public method marked with [dev.telnetkit.annotations.Command] on
     * each of [handlers] (see [AnnotatedCommands.from]); a mistake in the annotations throws at
     * once, naming the method.
     */
    public fun annotatedCommands(vararg handlers: Any) {
        handlers.forEach { commands.addAll(AnnotatedCommands.from(it)) }
    }

    /**
     * Asks for a user name and a password before the shell starts; [check] decides (false or an
     * exception rejects, and the user is never told which part was wrong).
     *
     * @param askUsername show [usernamePrompt]; the answer becomes the session's `username`.
     * @param askPassword show [passwordPrompt], read with echo off and never kept in history.
     * @param maxAttempts failed attempts before the connection is closed.
     * @param failureDelay the wait after the first failure; it grows by this much with each one.
     * @param timeout the whole login must finish within this.
     * @param lockoutThreshold failed logins from one address, within [lockoutWindow], that lock
     *   the address out for [lockoutDuration].
     * @param registration signs up a new user who types [registrationKeyword] as the user name.
     * @param registrationKeyword the user name that starts [registration].
     */
    public fun login(
        askUsername: Boolean = LOGIN.askUsername,
        askPassword: Boolean = LOGIN.askPassword,
        maxAttempts: Int = LOGIN.maxAttempts,
        failureDelay: Duration = LOGIN.failureDelay.toKotlinDuration(),
        timeout: Duration = LOGIN.timeout.toKotlinDuration(),
        usernamePrompt: String = LOGIN.usernamePrompt,
        passwordPrompt: String = LOGIN.passwordPrompt,
        lockoutThreshold: Int = LOGIN.lockoutThreshold,
        lockoutWindow: Duration = LOGIN.lockoutWindow.toKotlinDuration(),
        lockoutDuration: Duration = LOGIN.lockoutDuration.toKotlinDuration(),
        registration: Registration? = LOGIN.registration,
        registrationKeyword: String = LOGIN.registrationKeyword,
        check: suspend Session.(username: String, password: String) -> Boolean,
    ) {
        loginSettings = LoginSettings(
            authenticator = Authenticator { session, user, password -> session.check(user, password) },
            askUsername = askUsername, askPassword = askPassword, maxAttempts = maxAttempts,
            failureDelay = failureDelay.toJavaDuration(), timeout = timeout.toJavaDuration(),
            usernamePrompt = usernamePrompt, passwordPrompt = passwordPrompt,
            lockoutThreshold = lockoutThreshold, lockoutWindow = lockoutWindow.toJavaDuration(),
            lockoutDuration = lockoutDuration.toJavaDuration(),
            registration = registration, registrationKeyword = registrationKeyword,
        )
    }

    /**
     * Logs users in with [settings] made elsewhere, for add-ons that bring their own login
     * (telnet-accounts' `login(accounts)`, which signs new users up too); same as the Java
     * builder's `login(LoginSettings)`.
     */
    public fun login(settings: LoginSettings) {
        loginSettings = settings
    }

    /** Runs after the welcome text and the login, with the session as receiver. */
    public fun onSessionStart(block: suspend Session.() -> Unit) {
        startHook = SessionHook { it.block() }
    }

    /** Runs exactly once when a started session ends, however it ended. */
    public fun onSessionEnd(block: suspend Session.() -> Unit) {
        endHook = SessionHook { it.block() }
    }

    /**
     * How `writeError` shows an error, for example `errorFormatter { text -> styled(text, AnsiStyle.RED) }`.
     * It runs where `writeError` is called (the event loop, for a Kotlin handler): it must be quick and
     * must not block.
     */
    public fun errorFormatter(block: Session.(text: String) -> String) {
        errorFormatter = ErrorFormatter { session, text -> session.block(text) }
    }

    /**
     * Replaces the command shell with your own session handler, for servers that are not command
     * shells (games, menus). Commands, login and hooks are then not used.
     */
    public fun session(block: suspend Session.() -> Unit) {
        handler = SessionHandler { it.block() }
    }

    /** The command shell the last [buildServer] made; null before it, or when [session] replaces the shell. */
    @EngineApi
    public var commandShell: CommandShell? = null
        private set

    /** The commands declared so far, in order (for a host that swaps them into a running [commandShell]). */
    @EngineApi
    public val declaredCommands: List<Command> get() = commands.toList()

    /** Builds the server this scope declares, exactly as [telnetServer] does; for hosts (see the constructor). */
    @EngineApi
    public fun buildServer(): TelnetServer = build()

    @OptIn(EngineApi::class)
    internal fun build(): TelnetServer {
        val custom = handler
        require(custom == null || (commands.isEmpty() && loginSettings == null)) {
            "telnetServer { }: session { } replaces the command shell; declare commands and login, or session { }, not both"
        }
        require(custom != null || commands.isNotEmpty()) {
            "telnetServer { }: declare at least one command, or what a session does with session { … }"
        }
        val charsets = ProtocolSettings.charsetsPreferring(encoding)
        val settings = ServerSettings(
            host = host,
            port = port,
            connectMaxWait = connectMaxWait.toJavaDuration(),
            idleTimeout = idleTimeout.toJavaDuration(),
            idleNotice = idleNotice,
            shutdownNotice = shutdownNotice,
            outputBufferLimit = outputBufferLimit,
            outputStallTimeout = outputStallTimeout.toJavaDuration(),
            maxLineLength = maxLineLength,
            areYouThereAnswer = areYouThereAnswer,
            protocol = ProtocolSettings(
                charsets = charsets,
                maxSubnegotiation = maxSubnegotiation,
                maxTerminalTypes = maxTerminalTypes,
                maxEnvironmentVariables = maxEnvironmentVariables,
                maxNegotiationsPerOption = maxNegotiationsPerOption,
            ),
            historySize = historySize,
            escapeTimeout = escapeTimeout.toJavaDuration(),
            maxSessions = maxSessions,
            maxSessionsPerAddress = maxSessionsPerAddress,
            busyMessage = busyMessage,
            eventLoops = eventLoops,
            transport = transport,
            blockingExecutor = blockingExecutor,
            tls = tls,
            endpoints = endpoints.toList(),
            maxStartups = maxStartups,
            maxStartupsPerAddress = maxStartupsPerAddress ?: maxSessionsPerAddress,
            telnetOptions = telnetOptions.toList(),
            observers = observers.toList(),
        )
        val sessionHandler = custom ?: CommandShell(
            ShellSettings(
                commands = commands.toList(),
                prompt = promptProvider ?: prompt.let { p -> PromptProvider { p } },
                continuationPrompt = continuationPrompt,
                welcome = welcome,
                goodbye = goodbye,
                login = loginSettings,
                onSessionStart = startHook,
                onSessionEnd = endHook,
                errorFormatter = errorFormatter,
                ansi = ansi,
                maxContinuationLines = maxContinuationLines,
            ),
        )
        commandShell = sessionHandler as? CommandShell
        return TelnetServer(settings, sessionHandler)
    }

    private companion object {
        // The library's defaults, which every property and login parameter starts at.
        val SERVER = ServerSettings()
        val SHELL = ShellSettings(emptyList())
        val LOGIN = LoginSettings(Authenticator { _, _, _ -> false })
    }
}

/**
 * Declares a Telnet server with its command shell. Nothing is bound until [TelnetServer.start].
 *
 * ```kotlin
 * val server = telnetServer {
 *     port = 2323
 *     prompt = "Telnet Server> "
 *     welcome = "You have connected to the telnet server."
 *     command("echo", aliases = listOf("copy", "repeat")) {
 *         usage = "<text to echo>"
 *         summary = "Echo text back to the console."
 *         run { args -> writeResponse(args.joinToString(" ")) }
 *     }
 * }
 * server.start()
 * ```
 *
 * @throws IllegalArgumentException naming the setting or command, if one is wrong.
 */
@OptIn(EngineApi::class)
public fun telnetServer(configure: TelnetServerScope.() -> Unit): TelnetServer =
    TelnetServerScope().apply(configure).build()

/** Stops gracefully within [grace]; see [TelnetServer.stop]. */
public suspend fun TelnetServer.stop(grace: Duration): Unit = stop(grace.toJavaDuration())
