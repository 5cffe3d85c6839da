package dev.telnetkit.testkit

import dev.telnetkit.session.TerminalSize

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * A real terminal for interop tests: a command (typically a real Telnet client) running in a
 * detached tmux session of a fixed size, driven with tmux key names and read back with
 * `capture-pane`.
 *
 * Each terminal has a tmux server of its own on a private `-L` socket, so no other tmux session on
 * the machine is touched and parallel tests do not see each other; [close] kills that server and
 * deletes its socket file. The tmux status line is off, so the pane is the whole window and the
 * window size is the terminal size. The pane stays readable after its command exits
 * (`remain-on-exit`), so a test can still read what a client printed when the connection closed.
 *
 * Every call runs tmux to completion, so keys sent by consecutive calls reach the program in order.
 * What the program shows in answer takes its own time: wait for it with [awaitScreen] or
 * [awaitText], which poll `capture-pane`.
 *
 * Kotlin only: every call suspends, and the suspending forms are hidden from Java (Java tests
 * drive a server with [TelnetTestClient], which has blocking forms).
 *
 * ```kotlin
 * TmuxTerminal.telnet("127.0.0.1", server.port).use { terminal ->
 *     terminal.awaitText("> ")
 *     terminal.sendText("echo hi")
 *     terminal.sendKeys("Enter")
 *     terminal.awaitScreen { screen -> screen.lines().any { it == "hi" } }
 * }
 * ```
 */
public class TmuxTerminal private constructor(
    private val tmux: String,
    /** The name of this terminal's private tmux server socket (`tmux -L NAME`). */
    public val socketName: String,
    private val config: File,
) : AutoCloseable {
    @Volatile private var closed = false
    @Volatile private var socketPath: String? = null

    /**
     * Sends tmux keys in order, each a tmux key name (`Enter`, `Left`, `BSpace`, `DC`, `Home`,
     * `End`, `Up`, `Tab`, `C-t`, `C-]`, `M-b`, ...) or a plain character. tmux encodes each as the
     * pane's terminal would (for example `Left` as `ESC [ D`, or `ESC O D` in application cursor mode).
     */
    @JvmSynthetic
    public suspend fun sendKeys(vararg keys: String) {
        require(keys.none { it.isEmpty() || it == ";" || it.endsWith("\\;") }) { "not a tmux key name: ${keys.toList()}" }
        if (keys.isEmpty()) return
        tmux("send-keys", "-t", TARGET, *keys)
    }

    /**
     * Types [text] literally (`send-keys -l`), as if pasted character by character: no key names
     * are looked up, and a line break is sent as it is (use `sendKeys("Enter")` for Enter).
     */
    @JvmSynthetic
    public suspend fun sendText(text: String) {
        // tmux splits its own command line at an argument that ends with ';' (a command separator),
        // so semicolons are sent as a hex key and the rest literally.
        var start = 0
        while (start < text.length) {
            val semicolon = text.indexOf(';', start)
            val end = if (semicolon < 0) text.length else semicolon
            if (end > start) tmux("send-keys", "-t", TARGET, "-l", "--", text.substring(start, end))
            if (semicolon < 0) break
            tmux("send-keys", "-t", TARGET, "-H", "3b")
            start = semicolon + 1
        }
    }

    /**
     * The visible screen as text (`capture-pane -p`): one line per row, trailing blanks of each row
     * dropped, no colours. With [joinWrapped], a line the terminal wrapped at the right margin is
     * joined back into one (`capture-pane -J`) and its trailing blanks are kept.
     */
    @JvmSynthetic
    public suspend fun screen(joinWrapped: Boolean = false): String =
        if (joinWrapped) tmux("capture-pane", "-p", "-J", "-t", TARGET) else tmux("capture-pane", "-p", "-t", TARGET)

    /**
     * The visible screen with its colours and attributes kept as SGR escape codes
     * (`capture-pane -e -p`), one line per row: what styling reached the terminal, as tmux stores
     * it (a 256-colour cell as `38;5;n`, a true-colour one as `38;2;r;g;b`).
     */
    @JvmSynthetic
    public suspend fun styledScreen(): String = tmux("capture-pane", "-p", "-e", "-t", TARGET)

    /** The rows of [screen], without the final line break. */
    @JvmSynthetic
    public suspend fun rows(): List<String> = screen().removeSuffix("\n").split('\n')

    /** The size of the pane, which is the terminal size the program sees. */
    @JvmSynthetic
    public suspend fun paneSize(): TerminalSize {
        val (w, h) = tmux("display-message", "-p", "-t", TARGET, "#{pane_width}x#{pane_height}").trim().split('x')
        return TerminalSize(w.toInt(), h.toInt())
    }

    /** Where the terminal's cursor is, 0-based, counted from the top left of the visible screen. */
    @JvmSynthetic
    public suspend fun cursor(): Cursor {
        val (x, y) = tmux("display-message", "-p", "-t", TARGET, "#{cursor_x} #{cursor_y}").trim().split(' ')
        return Cursor(column = x.toInt(), row = y.toInt())
    }

    /** True once the program in the pane has exited (the pane is kept, so it can still be read). */
    @JvmSynthetic
    public suspend fun exited(): Boolean = tmux("display-message", "-p", "-t", TARGET, "#{pane_dead}").trim() == "1"

    /**
     * Resizes the terminal to [width] x [height] (`resize-window`); the program gets SIGWINCH as it
     * would from a real terminal window (a Telnet client then reports the size with NAWS).
     */
    @JvmSynthetic
    public suspend fun resize(width: Int, height: Int) {
        require(width >= 1 && height >= 1) { "bad size ${width}x$height" }
        tmux("resize-window", "-t", TARGET, "-x", width.toString(), "-y", height.toString())
    }

    /**
     * Waits until [predicate] holds for the [screen], polling `capture-pane` every few
     * milliseconds, and returns that screen. Throws [AssertionError] showing the last screen (and
     * whether the program has exited) after [timeout].
     */
    @JvmSynthetic
    public suspend fun awaitScreen(timeout: Duration = DEFAULT_TIMEOUT, predicate: (String) -> Boolean): String {
        var last = ""
        val met = withTimeoutOrNull(timeout) {
            while (true) {
                last = screen()
                if (predicate(last)) return@withTimeoutOrNull last
                delay(POLL_INTERVAL)
            }
            @Suppress("UNREACHABLE_CODE") null
        }
        if (met != null) return met
        val exited = runCatching { exited() }.getOrDefault(false)
        throw AssertionError(
            "the tmux pane did not show what was expected within $timeout${if (exited) " (its program has exited)" else ""}; it shows:\n" +
                framed(last),
        )
    }

    /** Waits until the screen contains [text] anywhere; returns the screen. See [awaitScreen]. */
    @JvmSynthetic
    public suspend fun awaitText(text: String, timeout: Duration = DEFAULT_TIMEOUT): String =
        try {
            awaitScreen(timeout) { text in it }
        } catch (e: AssertionError) {
            throw AssertionError("'$text' not on screen: ${e.message}")
        }

    /** Kills this terminal's tmux server (ending the program in it) and deletes its socket. Idempotent. */
    override fun close() {
        if (closed) return
        closed = true
        runCatching { runTmux("kill-server") }
        // tmux leaves the socket file behind; delete it, but only if it is surely this one.
        socketPath?.takeIf { it.endsWith("/$socketName") }?.let { File(it).delete() }
        config.delete()
    }

    /** A cursor position on the screen, 0-based: [column] from the left, [row] from the top. */
    public data class Cursor(val column: Int, val row: Int)

    private suspend fun tmux(vararg args: String): String {
        check(!closed) { "the terminal is closed" }
        return withContext(Dispatchers.IO) { runTmux(*args) }
    }

    private fun runTmux(vararg args: String): String = run(tmux, socketName, config, args.toList())

    public companion object {
        /** How long [awaitScreen] and [awaitText] wait unless told otherwise. */
        public val DEFAULT_TIMEOUT: Duration = 10.seconds

        /** The terminal type [telnet] sets unless told otherwise. */
        public const val DEFAULT_TERM: String = "xterm-256color"

        private const val TARGET = "telnetkit"
        private val POLL_INTERVAL = 25.milliseconds

        /**
         * Starts [command] (a program and its arguments, not parsed by a shell) in a new terminal of
         * [width] x [height], with [environment] set for it (such as `TERM`, which tmux would
         * otherwise set to its own default). [tmux] is the tmux executable.
         */
        @JvmSynthetic
        public suspend fun start(
            command: List<String>,
            width: Int = 80,
            height: Int = 24,
            environment: Map<String, String> = mapOf("TERM" to DEFAULT_TERM),
            tmux: String = InteropClients.tmux.path ?: "tmux",
        ): TmuxTerminal = withContext(Dispatchers.IO) {
            require(command.isNotEmpty()) { "no command" }
            require(width >= 1 && height >= 1) { "bad size ${width}x$height" }
            require(environment.keys.all { it.isNotEmpty() && '=' !in it }) { "bad environment variable name in ${environment.keys}" }
            val socketName = "telnetkit-${ProcessHandle.current().pid()}-${System.nanoTime()}"
            val config = Files.createTempFile("telnetkit-tmux", ".conf").toFile()
            // No status line: the pane is then the whole window. Keep a dead pane, so what a program
            // printed before it exited can still be captured.
            config.writeText("set -g status off\nset-window-option -g remain-on-exit on\n")
            val terminal = TmuxTerminal(tmux, socketName, config)
            // `exec env NAME=VALUE... PROGRAM ARGS...`, quoted for the shell tmux starts it with:
            // env sets the variables after tmux has set TERM, and exec leaves no shell in between.
            val shellCommand = "exec env " + (environment.map { (k, v) -> "$k=$v" } + command).joinToString(" ") { quote(it) }
            try {
                terminal.runTmux("new-session", "-d", "-x", width.toString(), "-y", height.toString(), "-s", TARGET, shellCommand)
                terminal.socketPath = terminal.runTmux("display-message", "-p", "#{socket_path}").trim()
            } catch (e: Throwable) {
                terminal.close()
                throw e
            }
            terminal
        }

        /**
         * Starts GNU inetutils telnet ([InteropClients.inetutilsTelnet]) connecting to [host]:[port]
         * in a new terminal of [width] x [height] with `TERM` [term]. Throws [AssertionError] if
         * inetutils telnet or tmux is not installed.
         */
        @JvmSynthetic
        public suspend fun telnet(
            host: String,
            port: Int,
            width: Int = 80,
            height: Int = 24,
            term: String = DEFAULT_TERM,
        ): TmuxTerminal {
            val telnet = InteropClients.inetutilsTelnet.require()
            val tmux = InteropClients.tmux.require()
            return start(listOf(telnet, host, port.toString()), width, height, mapOf("TERM" to term), tmux)
        }

        private fun quote(s: String): String = "'" + s.replace("'", "'\\''") + "'"

        private fun framed(screen: String): String =
            screen.removeSuffix("\n").split('\n').joinToString("\n", prefix = "+\n", postfix = "\n+") { "|$it" }

        private fun run(tmux: String, socketName: String, config: File, args: List<String>): String {
            val builder = ProcessBuilder(listOf(tmux, "-L", socketName, "-f", config.path) + args).redirectErrorStream(true)
            // Never talk to the tmux a test may itself be running in.
            builder.environment().remove("TMUX")
            builder.environment().remove("TMUX_PANE")
            builder.redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
            val process = builder.start()
            val output = process.inputStream.bufferedReader().readText()
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                throw IllegalStateException("tmux $args did not finish")
            }
            check(process.exitValue() == 0) { "tmux $args failed (exit ${process.exitValue()}): $output" }
            return output
        }
    }
}
