package dev.telnetkit.script

import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * The `telnetkit` jar itself, as a user runs it: `java -jar telnet-script/target/telnetkit.jar run
 * FILE`. Runs after `package` (Surefire's `jar-check` execution in the integration-test phase),
 * since the jar does not exist before.
 */
class TelnetKitJarCheck : FunSpec({
    val jar = File("target/telnetkit.jar").absoluteFile
    val dir = Files.createTempDirectory("telnetkit-jar").toFile()
    val cache = File(dir, "cache")

    fun start(vararg args: String): Pair<Process, File> {
        val out = File.createTempFile("jar", ".out", dir)
        val process = ProcessBuilder(listOf(File(System.getProperty("java.home"), "bin/java").path, "-jar", jar.path) + args)
            .redirectOutput(out).redirectErrorStream(false).redirectError(File(out.path + ".err")).start()
        return process to out
    }

    suspend fun File.await(pattern: Regex, process: Process): MatchResult = withTimeout(180.seconds) {
        while (true) {
            pattern.find(readText())?.let { return@withTimeout it }
            check(process.isAlive) { "telnetkit ended with ${process.exitValue()}: ${readText()} ${File(path + ".err").readText()}" }
            delay(100.milliseconds)
        }
        @Suppress("UNREACHABLE_CODE") error("unreachable")
    }

    test("a broken script fails with file:line:column and exit status 2") {
        val script = File(dir, "bad.telnet.kts").apply { writeText("port = 0\ncommand(\"x\") { run { nope() } }\n") }
        val (process, out) = start("run", "--cache", cache.path, script.path)
        withContext(Dispatchers.IO) { process.waitFor(180, TimeUnit.SECONDS) } shouldBe true
        process.exitValue() shouldBe 2
        File(out.path + ".err").readText() shouldMatch Regex("(?s).*bad\\.telnet\\.kts:2:\\d+: .*nope.*")
    }

    test("run serves the script; --watch swaps a command under a live session; SIGTERM stops it with 0") {
        val script = File(dir, "hello.telnet.kts").apply { writeText("port = 0\ncommand(\"hello\") { run { writeLine(\"version one\") } }\n") }
        val (process, out) = start("run", "--watch", "--port", "0", "--cache", cache.path, script.path)
        try {
            val port = out.await(Regex("listening on 127\\.0\\.0\\.1:(\\d+)"), process).groupValues[1].toInt()
            TelnetTestClient.connect("127.0.0.1", port).use { client ->
                client.awaitPrompt("> ")
                client.sendLine("hello")
                client.awaitText("version one")
                client.awaitPrompt("> ")
                script.writeText("port = 0\ncommand(\"hello\") { run { writeLine(\"version two\") } }\n")
                out.await(Regex("reloaded .*hello\\.telnet\\.kts"), process)
                // The same session, still connected, runs the new code.
                client.sendLine("hello")
                client.awaitText("version two")
            }
            process.destroy() // SIGTERM
            withContext(Dispatchers.IO) { process.waitFor(60, TimeUnit.SECONDS) } shouldBe true
            process.exitValue() shouldBe 0
        } finally {
            process.destroyForcibly()
        }
        out.readText() shouldContain "listening on"
    }
})
