package dev.telnetkit.script

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.CommandShell
import io.github.oshai.kotlinlogging.KotlinLoggingConfiguration
import kotlinx.coroutines.runBlocking
import sun.misc.Signal
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.InvalidPathException
import java.nio.file.Path
import java.security.MessageDigest
import java.time.Duration
import kotlin.system.exitProcess
import dev.telnetkit.samples.main as demoMain

private const val USAGE = """Usage: java -jar telnetkit.jar [demo [demo options] | run [options] FILE.telnet.kts]

  (nothing), demo       start the TelnetKit demo (`demo --help` lists its options)
  run FILE              start the server that the Kotlin script FILE declares

Options of run:
  --watch               recompile FILE when it changes and swap the commands for every
                        session's next prompt (sessions stay connected); a script that no
                        longer compiles keeps the old commands
  --port PORT           listen on PORT instead of the script's port (0: any free one)
  --host HOST           listen on HOST instead of the script's host
  --cache DIR           keep compiled scripts in DIR (default ~/.cache/telnetkit)
  --no-cache            always compile
  --help                show this help

A compile error prints as FILE:LINE:COLUMN: MESSAGE and exits with status 2; a script that fails
when run exits with 1. SIGTERM or Ctrl-C stops the server gracefully."""

/** The options of `telnetkit run`. */
internal data class RunOptions(
    val file: Path,
    val cacheDir: Path?,
    val watch: Boolean = false,
    val port: Int? = null,
    val host: String? = null,
)

/** Parses the arguments after `run`; null for `--help`; [IllegalArgumentException] for a mistake. */
internal fun parseRunOptions(args: List<String>): RunOptions? {
    var file: Path? = null
    var cache: Path? = defaultCacheDir()
    var watch = false
    var port: Int? = null
    var host: String? = null
    var i = 0
    fun value(name: String): String = args.getOrNull(++i) ?: throw IllegalArgumentException("$name needs a value")
    fun path(name: String, text: String): Path = try {
        Path.of(text)
    } catch (e: InvalidPathException) {
        throw IllegalArgumentException("$name: '$text' is not a valid path")
    }
    while (i < args.size) {
        when (val arg = args[i]) {
            "--help", "-h" -> return null
            "--watch" -> watch = true
            "--no-cache" -> cache = null
            "--cache" -> cache = path(arg, value(arg))
            "--host" -> host = value(arg).also { require(it.isNotBlank()) { "--host must not be empty" } }
            "--port" -> {
                val text = value(arg)
                port = text.toIntOrNull()?.takeIf { it in 0..65535 } ?: throw IllegalArgumentException("--port must be a number from 0 to 65535, got '$text'")
            }
            else -> {
                require(!arg.startsWith("--")) { "unknown option '$arg'" }
                require(file == null) { "one script at a time: '$file' and '$arg'" }
                file = path("run", arg)
            }
        }
        i++
    }
    val script = file ?: throw IllegalArgumentException("run needs a script: telnetkit run FILE.telnet.kts")
    require(Files.isRegularFile(script)) { "no such file '$script'" }
    return RunOptions(script, cache, watch, port, host)
}

private fun defaultCacheDir(): Path? {
    val xdg = System.getenv("XDG_CACHE_HOME")?.takeIf { it.isNotBlank() }
    val home = System.getProperty("user.home")?.takeIf { it.isNotBlank() }
    return when {
        xdg != null -> Path.of(xdg, "telnetkit")
        home != null -> Path.of(home, ".cache", "telnetkit")
        else -> null
    }
}

/**
 * A script's server, started; with `--watch`, the thread that reloads its commands. [close]
 * stops watching and stops the server.
 */
internal class RunningScript(
    val options: RunOptions,
    val runner: ScriptRunner,
    val server: TelnetServer,
    private val shell: CommandShell?,
    private val out: PrintStream,
    private val err: PrintStream,
) : AutoCloseable {
    @Volatile private var watching = false
    private var watcher: Thread? = null

    /** Reloads done by `--watch` (successful swaps). */
    @Volatile var reloads: Int = 0
        private set

    internal fun watch(pollMillis: Long = 250) {
        watching = true
        watcher = Thread({
            var last = digest(options.file)
            while (watching) {
                try {
                    Thread.sleep(pollMillis)
                } catch (_: InterruptedException) {
                    break
                }
                val now = digest(options.file) ?: continue
                if (now == last) continue
                last = now
                reload()
            }
        }, "telnetkit-watch").apply {
            isDaemon = true
            start()
        }
    }

    /** Compiles the script again and swaps its commands into the running shell. */
    internal fun reload() {
        val file = options.file
        if (shell == null) {
            err.println("telnetkit: $file changed, but its server has no command shell (session { }): restart to apply")
            return
        }
        val scope = try {
            runner.load(file)
        } catch (e: ScriptFailure) {
            e.messages.forEach(err::println)
            err.println("telnetkit: $file failed (see above); keeping the previous commands")
            return
        } catch (e: Exception) {
            err.println("telnetkit: $file: reload failed ($e); keeping the previous commands")
            return
        }
        if (scope.declaredCommands.isEmpty()) {
            err.println("telnetkit: $file declares no commands now; keeping the previous commands")
            return
        }
        try {
            shell.replaceCommands(scope.declaredCommands)
        } catch (e: IllegalArgumentException) {
            err.println("telnetkit: $file: ${e.message}; keeping the previous commands")
            return
        }
        reloads++
        out.println("telnetkit: reloaded $file (${scope.declaredCommands.size} commands); only commands change without a restart")
        out.flush()
    }

    override fun close() {
        watching = false
        watcher?.interrupt()
        runBlocking { server.stop(Duration.ofSeconds(5)) }
    }

    private fun digest(file: Path): String? = try {
        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)).joinToString("") { "%02x".format(it) }
    } catch (_: java.io.IOException) {
        null // being saved; seen again on the next poll
    }
}

/**
 * Compiles and runs the script of [options], builds its server, starts it and prints where it
 * listens on [out]; throws [ScriptFailure] for a script that does not compile or run.
 */
internal fun startScript(options: RunOptions, out: PrintStream, err: PrintStream, runner: ScriptRunner = ScriptRunner(options.cacheDir)): RunningScript {
    val scope = runner.load(options.file)
    options.port?.let { scope.port = it }
    options.host?.let { scope.host = it }
    val server = try {
        scope.buildServer()
    } catch (e: IllegalArgumentException) {
        throw ScriptFailure(listOf("${options.file}: ${e.message}"), ScriptRunner.EXIT_SCRIPT_FAILED)
    }
    try {
        runBlocking { server.start() }
    } catch (e: Exception) {
        throw ScriptFailure(listOf("telnetkit: cannot listen on ${scope.host}:${scope.port}: ${e.message}"), ScriptRunner.EXIT_SCRIPT_FAILED)
    }
    val running = RunningScript(options, runner, server, scope.commandShell, out, err)
    out.println("telnetkit: ${options.file} listening on ${scope.host}:${server.port} - connect with: telnet ${scope.host} ${server.port}")
    out.flush()
    if (options.watch) running.watch()
    return running
}

/** `telnetkit run ...` until the server stops; the exit status. */
internal fun runCommand(args: List<String>, out: PrintStream, err: PrintStream): Int {
    val options = try {
        parseRunOptions(args) ?: run { out.println(USAGE); return 0 }
    } catch (e: IllegalArgumentException) {
        err.println("telnetkit: ${e.message}")
        err.println("Try --help.")
        return ScriptRunner.EXIT_USAGE
    }
    val running = try {
        startScript(options, out, err)
    } catch (e: ScriptFailure) {
        e.messages.forEach(err::println)
        return e.exitCode
    }
    // SIGTERM and Ctrl-C: tell the sessions, let them end, then exit 0.
    val stop = { _: Signal -> Thread({ running.close() }, "telnetkit-stop").start() }
    Signal.handle(Signal("TERM"), stop)
    Signal.handle(Signal("INT"), stop)
    runBlocking { running.server.awaitTermination() }
    return 0
}

/** The `telnetkit` program: `run` a script, or the demo. */
public object TelnetKitMain {
    /** `java -jar telnetkit.jar [demo ... | run ...]`; see `--help`. */
    @JvmStatic
    public fun main(args: Array<String>) {
        KotlinLoggingConfiguration.logStartupMessage = false
        when (args.firstOrNull()) {
            null, "demo" -> demoMain(args.drop(1).toTypedArray())
            "run" -> exitProcess(runCommand(args.drop(1), System.out, System.err))
            "--help", "-h", "help" -> println(USAGE)
            else -> {
                System.err.println("telnetkit: unknown command '${args[0]}'")
                System.err.println("Try --help.")
                exitProcess(ScriptRunner.EXIT_USAGE)
            }
        }
    }
}
