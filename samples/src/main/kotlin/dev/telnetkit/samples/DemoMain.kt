package dev.telnetkit.samples

import ch.qos.logback.classic.Level
import ch.qos.logback.classic.LoggerContext
import ch.qos.logback.classic.encoder.PatternLayoutEncoder
import ch.qos.logback.core.FileAppender
import dev.telnetkit.pty.OsShellSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.transport.Transport
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsMode
import dev.telnetkit.transport.tls.TlsSettings
import io.github.oshai.kotlinlogging.KotlinLoggingConfiguration
import kotlinx.coroutines.runBlocking
import org.slf4j.LoggerFactory
import java.io.IOException
import java.nio.charset.Charset
import java.nio.file.AccessDeniedException
import java.nio.file.FileSystemException
import java.nio.file.Files
import java.nio.file.InvalidPathException
import java.nio.file.NoSuchFileException
import java.nio.file.Path
import java.nio.file.StandardOpenOption
import java.time.Duration
import kotlin.system.exitProcess

private const val USAGE = """Usage: java -jar telnetkit-samples.jar [options]

Starts a TelnetKit sample server (the demo unless --sample says otherwise).

  --sample NAME           demo (default), java, chat, counter, bbs or mud
  --host HOST             address to listen on (default 127.0.0.1; Telnet is clear text)
  --port PORT             TCP port, 0 for any free one (default 2323)
  --login                 ask for a user name and password (demo: any non-empty pair;
                          java: the password is the name reversed; counter always logs in)
  --encoding NAME         preferred charset offered to clients (default UTF-8)
  --idle-timeout SECONDS  close idle sessions after this long, 0 for never (default 300)
  --connect-maxwait SECS  wait this long for a client's negotiation answers (default 1)
  --transport NAME        nio (default: TelnetKit's own event loop) or ktor (ktor-network)
  --tls-cert FILE         serve TLS with this PEM certificate chain (leaf first), with --tls-key;
                          plain Telnet clients are still served on the same port (told apart by
                          their first byte; a client that waits for the server to speak first is
                          taken for plain Telnet after 0.3 s). nio transport only
  --tls-key FILE          the PEM private key of --tls-cert
  --tls-only              refuse plain Telnet clients: TLS only (needs --tls-cert and --tls-key)
  --ssh-port PORT         also serve SSH on PORT, 0 for any free one (demo and chat: any user
                          with any non-empty password; java: the password is the name reversed;
                          not for counter)
  --ssh-host-key FILE     the SSH host key, made there on the first start and kept (default
                          host.key in the working directory)
  --web-port PORT         also serve the browser terminal (xterm.js over a WebSocket) on PORT:
                          open http://HOST:PORT/ in a browser; 0 for any free one
  --admin-password TEXT   with --web-port: the admin page at /admin (user admin, this
                          password); demo: also the `sysop` commands for user admin, who must
                          log in with it (Telnet --login, SSH, the browser). The environment
                          variable TELNETKIT_ADMIN_PASSWORD does the same, unseen by ps
  --metrics-port PORT     serve Prometheus metrics at http://HOST:PORT/metrics
  --record DIR            record every session to DIR as asciinema files (asciicast v2;
                          never a password); play one with `asciinema play FILE`
  --record-input          with --record: record what users type too (never hidden input)
  --bbs-data DIR          bbs: where the board keeps its accounts (bbs.sqlite) and its file
                          area (files/) (default bbs-data in the working directory)
  --os-shell COMMAND      bbs: let the sysop run COMMAND (such as /bin/bash) in a pseudo-terminal
                          from the menu; off unless given. As root it needs --os-shell-user
  --os-shell-user USER    bbs: run the OS shell as USER (never root unless USER is root)
  --log-level LEVEL       TRACE, DEBUG, INFO, WARN, ERROR or OFF (default INFO)
  --log-file FILE         also write the log to FILE
  --max-sessions N        demo: sessions open at once (default 20000, this machine's file limit)
  --max-sessions-per-address N
                          demo: sessions open at once from one address (default 100)
  --bench-broadcast       demo: add the hidden command `broadcast <text>`, which sends the text
                          to every session (for telnet-bench; off by default)
  --help                  show this help

SIGTERM or Ctrl-C stops the server gracefully: users are told and their sessions end cleanly."""

/** Command-line options of the samples. */
data class DemoOptions(
    val host: String = "127.0.0.1",
    val port: Int = 2323,
    val login: Boolean = false,
    val sample: String = "demo",
    val encoding: Charset = Charsets.UTF_8,
    val idleTimeout: Duration = Duration.ofMinutes(5),
    val connectMaxWait: Duration = Duration.ofSeconds(1),
    val logLevel: String = "INFO",
    val logFile: String? = null,
    val maxSessions: Int? = null,
    val maxSessionsPerAddress: Int? = null,
    val benchBroadcast: Boolean = false,
    val transport: Transport = Transport.nio(),
    /** TLS on the port (`--tls-cert`, `--tls-key`, `--tls-only`), or null for plain Telnet. */
    val tls: TlsSettings? = null,
    /** SSH beside Telnet on this port (`--ssh-port`), or null for none. */
    val sshPort: Int? = null,
    /** The SSH host key file (`--ssh-host-key`). */
    val sshHostKey: Path = Path.of("host.key"),
    /** The browser terminal's port (`--web-port`), or null for none. */
    val webPort: Int? = null,
    /** The admin page's and the sysop's password (`--admin-password`), or null: no admin. */
    val adminPassword: String? = null,
    /** The Prometheus endpoint's port (`--metrics-port`), or null: off. */
    val metricsPort: Int? = null,
    /** Where sessions are recorded (`--record`), or null: not recorded. */
    val recordDirectory: Path? = null,
    /** Whether recordings include typed input (`--record-input`). */
    val recordInput: Boolean = false,
    /** The BBS sample's data folder (`--bbs-data`). */
    val bbsData: Path = Path.of("bbs-data"),
    /** The BBS sample's OS shell program (`--os-shell`), or null: off. */
    val osShell: String? = null,
    /** Who the BBS sample's OS shell runs as (`--os-shell-user`). */
    val osShellUser: String? = null,
)

private val SAMPLES = listOf("demo", "java", "chat", "counter", "bbs", "mud")
private val LEVELS = listOf("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF")

/** Parses [args]; null for `--help`; throws [IllegalArgumentException] with a message for the user. */
fun parseDemoOptions(args: Array<String>): DemoOptions? {
    var options = DemoOptions()
    var tlsCert: Path? = null
    var tlsKey: Path? = null
    var tlsOnly = false
    var i = 0
    fun value(name: String): String = args.getOrNull(++i)?.takeUnless { it.startsWith("--") }
        ?: throw IllegalArgumentException("$name needs a value")
    fun seconds(name: String, max: Double): Duration {
        val text = value(name)
        val n = text.toDoubleOrNull()
        require(n != null && n >= 0 && n <= max && n.isFinite()) { "$name must be a number of seconds from 0 to ${max.toLong()}, got '$text'" }
        return Duration.ofMillis((n * 1000).toLong())
    }
    fun count(name: String): Int {
        val text = value(name)
        val n = text.toIntOrNull()
        require(n != null && n in 1..1_000_000) { "$name must be a number from 1 to 1000000, got '$text'" }
        return n
    }
    fun port(name: String): Int {
        val text = value(name)
        val port = text.toIntOrNull()
        require(port != null && port in 0..65535) { "$name must be a number from 0 to 65535, got '$text'" }
        return port
    }
    fun path(name: String): Path {
        val text = value(name)
        return try {
            Path.of(text)
        } catch (e: InvalidPathException) {
            throw IllegalArgumentException("$name: '$text' is not a valid path")
        }
    }
    fun file(name: String): Path {
        val path = path(name)
        val text = path.toString()
        require(Files.exists(path)) { "$name: no such file '$text'" }
        require(Files.isRegularFile(path) && Files.isReadable(path)) { "$name: cannot read '$text'" }
        return path
    }
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
            "--sample" -> {
                val name = value(arg).lowercase()
                require(name in SAMPLES) { "--sample must be one of ${SAMPLES.joinToString(", ")}, got '$name'" }
                options = options.copy(sample = name)
            }
            "--encoding" -> {
                val name = value(arg)
                val charset = runCatching { Charset.forName(name) }.getOrNull()
                require(charset != null && "A\r\n".toByteArray(charset).contentEquals(byteArrayOf(65, 13, 10))) {
                    "--encoding must be an ASCII-compatible charset known to Java (UTF-8, ISO-8859-1, ...), got '$name'"
                }
                options = options.copy(encoding = charset)
            }
            "--idle-timeout" -> options = options.copy(idleTimeout = seconds(arg, 7.0 * 24 * 3600))
            "--connect-maxwait" -> options = options.copy(connectMaxWait = seconds(arg, 60.0))
            "--log-level" -> {
                val level = value(arg).uppercase()
                require(level in LEVELS) { "--log-level must be one of ${LEVELS.joinToString(", ")}, got '$level'" }
                options = options.copy(logLevel = level)
            }
            "--log-file" -> options = options.copy(logFile = value(arg))
            "--max-sessions" -> options = options.copy(maxSessions = count(arg))
            "--max-sessions-per-address" -> options = options.copy(maxSessionsPerAddress = count(arg))
            "--bench-broadcast" -> options = options.copy(benchBroadcast = true)
            "--transport" -> {
                val name = value(arg)
                val transport = try {
                    Transport.named(name)
                } catch (e: IllegalArgumentException) {
                    throw IllegalArgumentException("--transport: ${e.message}")
                }
                options = options.copy(transport = transport)
            }
            "--tls-cert" -> tlsCert = file(arg)
            "--tls-key" -> tlsKey = file(arg)
            "--tls-only" -> tlsOnly = true
            "--ssh-port" -> {
                val text = value(arg)
                val port = text.toIntOrNull()
                require(port != null && port in 0..65535) { "--ssh-port must be a number from 0 to 65535, got '$text'" }
                options = options.copy(sshPort = port)
            }
            "--ssh-host-key" -> options = options.copy(sshHostKey = path(arg))
            "--bbs-data" -> options = options.copy(bbsData = path(arg))
            "--web-port" -> options = options.copy(webPort = port(arg))
            "--metrics-port" -> options = options.copy(metricsPort = port(arg))
            "--admin-password" -> options = options.copy(adminPassword = value(arg).also { require(it.isNotEmpty()) { "--admin-password must not be empty" } })
            "--record" -> options = options.copy(recordDirectory = path(arg))
            "--record-input" -> options = options.copy(recordInput = true)
            "--os-shell" -> options = options.copy(osShell = value(arg).also { require(it.isNotBlank()) { "--os-shell needs a program" } })
            "--os-shell-user" -> options = options.copy(osShellUser = value(arg))
            else -> throw IllegalArgumentException("unknown option '$arg'")
        }
        i++
    }
    require(options.sshPort == null || options.sshPort != options.port || options.port == 0) { "--ssh-port must differ from --port" }
    val ports = listOfNotNull(options.port, options.sshPort, options.webPort, options.metricsPort).filter { it != 0 }
    require(ports.size == ports.toSet().size) { "--port, --ssh-port, --web-port and --metrics-port must differ" }
    if (options.adminPassword == null) System.getenv("TELNETKIT_ADMIN_PASSWORD")?.takeIf { it.isNotEmpty() }?.let { options = options.copy(adminPassword = it) }
    require(!options.recordInput || options.recordDirectory != null) { "--record-input needs --record DIR" }
    require(options.sample != "java" || (options.webPort == null && options.metricsPort == null && options.recordDirectory == null)) {
        "--web-port, --metrics-port and --record are for the Kotlin samples; the java sample shows the plain builder"
    }
    if (tlsCert == null && tlsKey == null) {
        require(!tlsOnly) { "--tls-only needs --tls-cert FILE and --tls-key FILE" }
        return options
    }
    require(tlsCert != null) { "--tls-key needs --tls-cert FILE (the certificate chain, PEM)" }
    require(tlsKey != null) { "--tls-cert needs --tls-key FILE (its private key, PEM)" }
    require(options.transport == Transport.nio()) {
        "--tls-cert needs the nio transport; --transport ${options.transport.name} cannot serve TLS"
    }
    val mode = if (tlsOnly) TlsMode.TLS_ONLY else TlsMode.AUTO_DETECT
    return options.copy(tls = TlsSettings(TlsIdentity.pem(tlsCert, tlsKey), mode = mode))
}

/** The server [options] ask for, not started. */
fun sampleServer(options: DemoOptions): TelnetServer = when (options.sample) {
    "java" -> JavaSample.create(options.host, options.port, options.login, options.idleTimeout, options.connectMaxWait, options.encoding, options.transport, options.tls, options.sshPort, options.sshHostKey)
    "chat" -> ChatRoom().server(options)
    "counter" -> ConnectionCounter().server(options)
    "mud" -> MudWorld().server(options)
    "bbs" -> Bbs(
        options.bbsData,
        options.osShell?.let { program ->
            // The OS shell module refuses root unless runAs names another user.
            OsShellSettings(command = program.split(' ').filter { it.isNotEmpty() }, runAs = options.osShellUser)
        },
    ).server(options)
    else -> demoServer(options)
}

internal fun configureLogging(options: DemoOptions) {
    val context = LoggerFactory.getILoggerFactory() as? LoggerContext ?: return
    val root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
    root.level = Level.toLevel(options.logLevel)
    val file = options.logFile ?: return
    // Opened once here, so that a path that cannot be written gets its reason (a missing directory,
    // no permission) instead of logback's silent refusal.
    val reason = try {
        Files.newOutputStream(Path.of(file), StandardOpenOption.CREATE, StandardOpenOption.APPEND).close()
        null
    } catch (e: NoSuchFileException) {
        "no such directory"
    } catch (e: AccessDeniedException) {
        "permission denied"
    } catch (e: FileSystemException) {
        e.reason ?: e.javaClass.simpleName
    } catch (e: IOException) {
        e.message ?: e.javaClass.simpleName
    } catch (e: InvalidPathException) {
        "not a valid path"
    }
    require(reason == null) { "--log-file: cannot write to '$file' ($reason)" }
    val encoder = PatternLayoutEncoder().apply {
        this.context = context
        pattern = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level %logger{20} - %msg%n"
        start()
    }
    val appender = FileAppender<ch.qos.logback.classic.spi.ILoggingEvent>().apply {
        this.context = context
        name = "FILE"
        this.file = file
        this.encoder = encoder
        start()
    }
    require(appender.isStarted) { "--log-file: cannot write to '$file'" }
    root.addAppender(appender)
}

fun main(args: Array<String>) {
    // The logging facade's own banner would land on stderr before the first real log line.
    KotlinLoggingConfiguration.logStartupMessage = false
    val options = try {
        parseDemoOptions(args) ?: run { println(USAGE); return }
    } catch (e: IllegalArgumentException) {
        System.err.println("telnetkit-samples: ${e.message}")
        System.err.println("Try --help.")
        exitProcess(2)
    }
    try {
        configureLogging(options)
        // The files are read now, so that a key that does not match or a file that is not PEM is a
        // usage error with the file named, like a missing file, before anything listens.
        options.tls?.sslContext()
    } catch (e: IllegalArgumentException) {
        System.err.println("telnetkit-samples: ${e.message}")
        exitProcess(2)
    }
    val server = sampleServer(options)
    try {
        runBlocking { server.start() }
    } catch (e: Exception) {
        System.err.println("telnetkit-samples: cannot listen on ${options.host}:${options.port}: ${e.message}")
        exitProcess(1)
    }
    val address = "${options.host}:${server.port}"
    println(
        when (options.tls?.mode) {
            null -> "TelnetKit ${options.sample} sample listening on $address (${options.transport.name}) - connect with: telnet ${options.host} ${server.port}"
            TlsMode.TLS_ONLY -> "TelnetKit ${options.sample} sample listening on $address (${options.transport.name}, TLS only) - connect with: openssl s_client -connect $address -quiet"
            TlsMode.AUTO_DETECT -> "TelnetKit ${options.sample} sample listening on $address (${options.transport.name}, TLS and plain Telnet) - connect with: telnet ${options.host} ${server.port}, or over TLS: openssl s_client -connect $address -quiet"
        },
    )
    if (options.sshPort != null) {
        val sshPort = server.portOf("ssh")
        println("SSH on ${options.host}:$sshPort - connect with: ssh -p $sshPort guest@${options.host}")
    }
    if (options.webPort != null) {
        val web = "http://${options.host}:${server.portOf("web")}"
        println("Browser terminal on $web/ - open it in a browser")
        if (options.adminPassword != null) println("Admin page on $web/admin - user $ADMIN_USER")
    }
    if (options.metricsPort != null) println("Metrics on http://${options.host}:${server.portOf("prometheus")}/metrics")
    options.recordDirectory?.let { println("Recording sessions to ${it.toAbsolutePath()} - play one with: asciinema play FILE") }
    // SIGTERM and Ctrl-C: tell the sessions, let them end (onSessionEnd runs), then exit 0.
    runBlocking { server.awaitShutdownSignal(Duration.ofSeconds(5)) }
}
