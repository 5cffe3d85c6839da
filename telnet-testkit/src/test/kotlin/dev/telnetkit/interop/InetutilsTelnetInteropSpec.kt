package dev.telnetkit.interop

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.TelnetSession
import dev.telnetkit.server.TerminalSize
import io.kotest.assertions.fail
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.nio.file.Files
import java.time.Duration
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** A program this spec needs, and the Debian package that installs it. */
private data class Program(val name: String, val path: String?, val aptPackage: String)

/** GNU inetutils telnet: `inetutils-telnet` if installed under that name, else a `telnet` on PATH that says it is inetutils. */
private fun findInetutilsTelnet(): String? {
    val candidates = listOf("/usr/bin/inetutils-telnet") + onPath("telnet")
    return candidates.firstOrNull { path ->
        File(path).canExecute() && runCatching {
            val p = ProcessBuilder(path, "--version").redirectErrorStream(true).start()
            val text = p.inputStream.bufferedReader().readText()
            p.waitFor(5, TimeUnit.SECONDS)
            "GNU inetutils" in text
        }.getOrDefault(false)
    }
}

private fun onPath(name: String): List<String> =
    (System.getenv("PATH") ?: "").split(File.pathSeparator).filter { it.isNotEmpty() }
        .map { File(it, name) }.filter { it.canExecute() }.map { it.path }

private val programs = listOf(
    Program("telnet (GNU inetutils)", findInetutilsTelnet(), "inetutils-telnet"),
    Program("tmux", onPath("tmux").firstOrNull(), "tmux"),
)
private val missing = programs.filter { it.path == null }
private val requireInterop = System.getenv("TELNETKIT_REQUIRE_INTEROP") == "1"
private val missingMessage = missing.joinToString("; ") { "${it.name} is not installed (apt-get install ${it.aptPackage})" }

/** Runs tmux on a private server socket, so no other tmux session on the machine is touched. */
private class Tmux(private val tmux: String) {
    val socketName = "telnetkit-interop-${ProcessHandle.current().pid()}-${System.nanoTime()}"
    private val config: File = Files.createTempFile("telnetkit-interop", ".tmux.conf").toFile().apply {
        // No status line: the pane is then the whole window, so a window size is the terminal size.
        writeText("set -g status off\n")
        deleteOnExit()
    }

    suspend fun run(vararg args: String): String = withContext(Dispatchers.IO) {
        val builder = ProcessBuilder(listOf(tmux, "-L", socketName, "-f", config.path) + args).redirectErrorStream(true)
        builder.environment().remove("TMUX")
        builder.environment().remove("TMUX_PANE")
        val process = builder.start()
        val output = process.inputStream.bufferedReader().readText()
        check(process.waitFor(10, TimeUnit.SECONDS)) { "tmux ${args.toList()} did not finish" }
        check(process.exitValue() == 0) { "tmux ${args.toList()} failed (${process.exitValue()}): $output" }
        output
    }

    suspend fun paneSize(target: String): TerminalSize {
        val (w, h) = run("display-message", "-p", "-t", target, "#{pane_width}x#{pane_height}").trim().split('x')
        return TerminalSize(w.toInt(), h.toInt())
    }

    suspend fun screen(target: String): String = run("capture-pane", "-p", "-t", target)

    /** Ends this private tmux server and removes its socket file, which tmux leaves behind. */
    suspend fun killServer() {
        val socketPath = runCatching { run("display-message", "-p", "#{socket_path}").trim() }.getOrNull()
        runCatching { run("kill-server") }
        socketPath?.takeIf { it.endsWith("/$socketName") }?.let { File(it).delete() }
        config.delete()
    }
}

class InetutilsTelnetInteropSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 90.seconds)

    test("inetutils telnet in tmux reports its TERM and pane size, gets answers on screen, and resizes live").config(
        enabledOrReasonIf = {
            when {
                missing.isEmpty() || requireInterop -> Enabled.enabled
                else -> {
                    val reason = "interop test skipped: $missingMessage; set TELNETKIT_REQUIRE_INTEROP=1 to make this a failure"
                    println(reason)
                    Enabled.disabled(reason)
                }
            }
        },
    ) {
        if (missing.isNotEmpty()) fail("TELNETKIT_REQUIRE_INTEROP=1 but $missingMessage")

        val seen = CompletableDeferred<TelnetSession>()
        val server = TelnetServer(
            ServerSettings(port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(60)),
        ) { s ->
            seen.complete(s)
            while (true) {
                val line = s.readLine("interop> ") ?: break
                s.writeLine("answer: ${line.uppercase()}")
            }
        }.start()
        val tmux = Tmux(programs.first { it.aptPackage == "tmux" }.path!!)
        val telnet = programs.first { it.aptPackage == "inetutils-telnet" }.path!!
        val target = "interop"
        try {
            tmux.run(
                "new-session", "-d", "-x", "100", "-y", "30", "-s", target,
                "TERM=xterm-256color exec $telnet 127.0.0.1 ${server.port}",
            )
            val session = withTimeout(20.seconds) { seen.await() }
            screenShows(tmux, target, "interop>") // capture-pane drops trailing blanks

            val pane = tmux.paneSize(target)
            println("inetutils telnet: terminalType=${session.terminalType} terminalTypes=${session.terminalTypes} " +
                "size=${session.size} pane=$pane environment=${session.environment.keys} encoding=${session.encoding} " +
                "serverEchoes=${session.serverEchoes}")
            session.terminalType shouldBe "xterm-256color"
            withClue("tmux pane size") { pane shouldBe TerminalSize(100, 30) }
            session.size shouldBe pane

            tmux.run("send-keys", "-t", target, "-l", "hello interop")
            tmux.run("send-keys", "-t", target, "Enter")
            screenShows(tmux, target, "answer: HELLO INTEROP")

            tmux.run("resize-window", "-t", target, "-x", "120", "-y", "40")
            val resized = tmux.paneSize(target)
            withClue("tmux pane size after resize-window") { resized shouldBe TerminalSize(120, 40) }
            val followed = withTimeoutOrNull(10.seconds) {
                while (session.size != resized) delay(20.milliseconds)
                true
            }
            withClue("session size after the pane became $resized (NAWS live)") { followed shouldBe true }
            session.size shouldBe resized

            tmux.run("send-keys", "-t", target, "-l", "again")
            tmux.run("send-keys", "-t", target, "Enter")
            screenShows(tmux, target, "answer: AGAIN")
        } finally {
            tmux.killServer()
            withTimeoutOrNull(15.seconds) { server.stop(Duration.ZERO) }
        }
    }
})

/** Waits until the pane shows [text]; fails with the screen as it is. */
private suspend fun screenShows(tmux: Tmux, target: String, text: String) {
    var screen = ""
    val shown = withTimeoutOrNull(10.seconds) {
        while (true) {
            screen = tmux.screen(target)
            if (text in screen) return@withTimeoutOrNull true
            delay(50.milliseconds)
        }
        @Suppress("UNREACHABLE_CODE") false
    }
    if (shown != true) fail("the tmux pane never showed '$text'; it shows:\n$screen")
}
