package dev.telnetkit.samples

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InMemoryTransport
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.time.Duration
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds

/** Whether a SIGINT sent to a child reaches it (see CliSpec: not when this process ignores SIGINT). */
private fun sigintReachesChildren(): Enabled {
    val ignored = runCatching {
        File("/proc/self/status").readLines().first { it.startsWith("SigIgn:") }.substringAfter(':').trim().toLong(16)
    }.getOrNull() ?: return Enabled.disabled("cannot read /proc/self/status to see whether SIGINT is ignored")
    return if (ignored and (1L shl 1) != 0L) Enabled.disabled("SIGINT is ignored in this process, so a child would ignore it too") else Enabled.enabled
}

/** TelnetServer.awaitShutdownSignal: a user's own main (ShutdownSignalMain, Java) run as a child process. */
class ShutdownSignalSpec : FunSpec({
    class Child : AutoCloseable {
        private val outFile: File = File.createTempFile("telnetkit-signal", ".out").apply { deleteOnExit() }
        private val errFile: File = File.createTempFile("telnetkit-signal", ".err").apply { deleteOnExit() }
        val process: Process = ProcessBuilder(
            File(System.getProperty("java.home"), "bin/java").path, "-cp", System.getProperty("java.class.path"),
            "dev.telnetkit.samples.ShutdownSignalMain",
        ).redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
            .redirectOutput(outFile)
            .redirectError(errFile)
            .start()

        val stdout: String get() = outFile.readText()
        val stderr: String get() = errFile.readText()

        suspend fun port(): Int = withTimeoutOrNull(60.seconds) {
            while (true) {
                Regex("""listening on (\d+)""").find(stdout)?.let { return@withTimeoutOrNull it.groupValues[1].toInt() }
                check(process.isAlive) { "the child ended with ${process.exitValue()}; stdout: $stdout; stderr: $stderr" }
                delay(50)
            }
            @Suppress("UNREACHABLE_CODE") null
        } ?: throw AssertionError("the child printed no port; stdout: $stdout; stderr: $stderr")

        suspend fun exitCode(): Int? = withContext(Dispatchers.IO) {
            if (process.waitFor(30, TimeUnit.SECONDS)) process.exitValue() else null
        }

        override fun close() {
            if (process.isAlive) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
            outFile.delete()
            errFile.delete()
        }
    }

    /** Connects to the child, sends [signal] to it, and checks the client is told and the child exits 0. */
    suspend fun stopsGracefullyOn(signal: String) {
        Child().use { child ->
            TelnetTestClient.connect("127.0.0.1", child.port()).use { client ->
                client.awaitPrompt("sig> ")
                client.sendLine("echo before the signal")
                client.awaitText("before the signal\r\n")
                client.awaitPrompt("sig> ")

                val kill = ProcessBuilder("kill", "-$signal", child.process.pid().toString()).inheritIO().start()
                kill.waitFor(10, TimeUnit.SECONDS).shouldBeTrue()
                kill.exitValue() shouldBe 0

                client.awaitText("The server is shutting down.", 15.seconds)
                client.awaitClosed(15.seconds).shouldBeTrue()
            }
            child.exitCode() shouldBe 0
            child.stdout shouldContain "main returns"
            child.stderr shouldContain "SIG$signal: stopping"
            child.stderr shouldContain "stopped"
            child.stderr shouldNotContain "Exception"
        }
    }

    test("SIGTERM stops the server gracefully: the client is told, main returns, the process exits 0") {
        stopsGracefullyOn("TERM")
    }

    test("SIGINT (Ctrl-C) does the same").config(enabledOrReasonIf = { sigintReachesChildren() }) {
        stopsGracefullyOn("INT")
    }

    test("a stop from inside a session also ends the wait, and main returns") {
        Child().use { child ->
            TelnetTestClient.connect("127.0.0.1", child.port()).use { client ->
                client.awaitPrompt("sig> ")
                client.sendLine("shutdown")
                client.awaitClosed(15.seconds).shouldBeTrue()
            }
            child.exitCode() shouldBe 0
            child.stdout shouldContain "main returns"
            child.stderr shouldNotContain "SIGTERM"
        }
    }

    test("in process: the wait ends when the server is stopped, and refuses a server not started") {
        val server = TelnetServer(ServerSettings(port = 0, transport = InMemoryTransport())) { it.readLine() }
        shouldThrow<IllegalStateException> { server.awaitShutdownSignal() }
        server.start()
        withTimeout(20.seconds) {
            val waiting = async { server.awaitShutdownSignal(Duration.ZERO) }
            delay(100)
            server.stop(Duration.ZERO)
            waiting.await()
        }
    }
})
