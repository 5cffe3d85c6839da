package dev.telnetkit.recording

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InteropClients
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.engine.spec.tempdir
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext
import java.io.File
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds

/** What a program printed and how it ended. */
private class Run(val exitCode: Int, val output: String)

/** Runs [command] with stdin from /dev/null, stdout and stderr together, within [timeoutSeconds]. */
private suspend fun run(vararg command: String, timeoutSeconds: Long = 30): Run = withContext(Dispatchers.IO) {
    val process = ProcessBuilder(*command)
        .redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
        .redirectErrorStream(true)
        .apply { environment()["TERM"] = "xterm-256color" }
        .start()
    val output = StringBuilder()
    val reader = Thread { output.append(process.inputStream.readAllBytes().toString(Charsets.UTF_8)) }.apply { start() }
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly()
        throw AssertionError("${command.joinToString(" ")} did not end within $timeoutSeconds s; printed: $output")
    }
    reader.join(5000)
    Run(process.exitValue(), output.toString())
}

/** A recording played back by the real asciinema (Debian's, 2.2.0): it shows the session and no password. */
class AsciinemaPlaySpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(
        timeout = 90.seconds,
        enabledOrReasonIf = { InteropClients.skipReason(listOf(InteropClients.asciinema))?.let { Enabled.disabled(it) } ?: Enabled.enabled },
    )
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    /** A recorded session (input too): log in, run the colours command, resize, quit. */
    suspend fun recordSession(dir: Path): Path {
        InteropClients.requireAll(listOf(InteropClients.asciinema))
        lateinit var recorder: AsciicastRecorder
        val server = recordedServer { recorder = recording { directory = dir; recordInput = true } }.also { servers += it }
        logIn(server).use { client ->
            client.sendLine("colours")
            client.awaitText(COLOURED)
            client.awaitPrompt("> ")
            client.resize(100, 30)
            client.sendLine("flood 3")
            client.awaitText("line 2 ")
            client.awaitPrompt("> ")
        }
        finish(recorder)
        return casts(dir).single()
    }

    test("asciinema cat prints the session's output and no password") {
        val file = recordSession(tempdir().toPath())
        // cat reads /dev/tty for a key to stop: script gives it a terminal of its own.
        val result = run("script", "-qec", "asciinema cat '${file}'", "/dev/null")
        result.exitCode shouldBe 0
        result.output shouldContain "Username: "
        result.output shouldContain COLOURED
        result.output shouldContain "line 2 "
        result.output shouldNotContain SECRET
    }

    test("asciinema play at speed, idle time capped, shows the session and no password") {
        val file = recordSession(tempdir().toPath())
        val result = run("timeout", "60", "asciinema", "play", "-s", "100", "-i", "0.1", file.toString())
        result.exitCode shouldBe 0
        result.output shouldContain COLOURED
        result.output shouldContain "line 2 "
        result.output shouldNotContain SECRET
    }
})
