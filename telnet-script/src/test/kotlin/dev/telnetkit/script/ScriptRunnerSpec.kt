package dev.telnetkit.script

import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldMatch
import kotlinx.coroutines.delay
import java.io.ByteArrayOutputStream
import java.io.PrintStream
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds

/** Output captured from the program, readable while it runs. */
private class Captured {
    private val bytes = ByteArrayOutputStream()
    val stream = PrintStream(SyncOut(bytes), true, Charsets.UTF_8)
    val text: String get() = synchronized(bytes) { bytes.toString(Charsets.UTF_8) }

    private class SyncOut(private val target: ByteArrayOutputStream) : java.io.OutputStream() {
        override fun write(b: Int) = synchronized(target) { target.write(b) }
        override fun write(b: ByteArray, off: Int, len: Int) = synchronized(target) { target.write(b, off, len) }
    }
}

private const val ECHO = """
port = 2323
prompt = "s> "
command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
command("later") { run { delay(10.milliseconds); writeLine("after " + 10.milliseconds) } }
"""

class ScriptRunnerSpec : FunSpec({
    // The first compilation starts the Kotlin compiler: many seconds on a busy machine.
    defaultTestConfig = DefaultTestConfig(timeout = 5.minutes)

    fun tempDir(): Path = Files.createTempDirectory("telnetkit-script")

    fun script(dir: Path, text: String, name: String = "app.telnet.kts"): Path = dir.resolve(name).also { Files.writeString(it, text) }

    test("run: the script's server serves its commands, with the default imports") {
        val dir = tempDir()
        val file = script(dir, ECHO)
        val out = Captured()
        val err = Captured()
        startScript(RunOptions(file, dir.resolve("cache"), port = 0), out.stream, err.stream).use { running ->
            out.text shouldContain "listening on 127.0.0.1:${running.server.port}"
            TelnetTestClient.connect("127.0.0.1", running.server.port).use { client ->
                client.awaitText("s> ")
                client.sendLine("echo hello  script")
                client.awaitText("hello script")
                client.sendLine("later")
                client.awaitText("after 10ms")
            }
        }
    }

    test("a compile error prints file:line:column and exits with 2") {
        val dir = tempDir()
        val file = script(dir, "port = 0\ncommand(\"x\") { run { writeLine(undefinedThing) } }\n", "broken.telnet.kts")
        val out = Captured()
        val err = Captured()
        val status = runCommand(listOf(file.toString(), "--cache", dir.resolve("cache").toString()), out.stream, err.stream)
        status shouldBe 2
        err.text.lines().first { it.isNotBlank() } shouldMatch Regex("""\Q$file\E:2:\d+: .*undefinedThing.*""")
    }

    test("the second start of an unchanged script takes it from the cache, without the compiler") {
        val dir = tempDir()
        val cache = dir.resolve("cache")
        val file = script(dir, ECHO)
        val first = ScriptRunner(cache)
        first.load(file)
        first.compilations shouldBe 1
        first.cacheHits shouldBe 0
        Files.list(cache).use { it.toList() } shouldHaveSize 1

        val second = ScriptRunner(cache)
        startScript(RunOptions(file, cache, port = 0), Captured().stream, Captured().stream, second).use { running ->
            second.compilations shouldBe 0
            second.cacheHits shouldBe 1
            TelnetTestClient.connect("127.0.0.1", running.server.port).use { client ->
                client.awaitText("s> ")
                client.sendLine("echo cached")
                client.awaitText("cached")
            }
        }

        // A changed script is compiled again.
        Files.writeString(file, ECHO + "\ncommand(\"more\") { run { writeLine(\"more\") } }\n")
        val third = ScriptRunner(cache)
        third.load(file)
        third.compilations shouldBe 1
    }

    test("@file:DependsOn adds a library from the local Maven repository") {
        val dir = tempDir()
        // commons-lang3 is in the local repository: the resolvers depend on it.
        val file = script(
            dir,
            """
            @file:DependsOn("org.apache.commons:commons-lang3:3.18.0")
            import org.apache.commons.lang3.StringUtils
            port = 0
            command("rev") { run { args -> writeLine(StringUtils.reverse(args.joinToString(" "))) } }
            """.trimIndent(),
        )
        startScript(RunOptions(file, dir.resolve("cache"), port = 0), Captured().stream, Captured().stream).use { running ->
            TelnetTestClient.connect("127.0.0.1", running.server.port).use { client ->
                client.awaitText("> ")
                client.sendLine("rev abc")
                client.awaitText("cba")
            }
        }
    }

    test("--watch swaps a command under a live session, and a broken save keeps the old commands") {
        val dir = tempDir()
        val file = script(dir, ECHO)
        val out = Captured()
        val err = Captured()
        startScript(RunOptions(file, dir.resolve("cache"), watch = true, port = 0), out.stream, err.stream).use { running ->
            TelnetTestClient.connect("127.0.0.1", running.server.port).use { client ->
                client.awaitText("s> ")
                client.sendLine("echo one")
                client.awaitText("one")

                Files.writeString(file, ECHO.replace("joinToString(\" \")", "joinToString(\"-\").uppercase()"))
                while (running.reloads < 1) delay(100.milliseconds)
                client.sendLine("echo two three")
                client.awaitText("TWO-THREE")

                Files.writeString(file, ECHO + "\nthis does not compile\n")
                while (!err.text.contains("keeping the previous commands")) delay(100.milliseconds)
                err.text shouldContain "$file:"
                client.sendLine("echo four five")
                client.awaitText("FOUR-FIVE")
                running.server.sessions shouldHaveSize 1
            }
            running.reloads shouldBe 1
        }
    }

    test("the sample samples/scripts/echo.telnet.kts serves") {
        val sample = Path.of("..", "samples", "scripts", "echo.telnet.kts").toAbsolutePath().normalize()
        Files.isRegularFile(sample) shouldBe true
        startScript(RunOptions(sample, tempDir(), port = 0), Captured().stream, Captured().stream).use { running ->
            running.server.port shouldBeGreaterThan 0
            TelnetTestClient.connect("127.0.0.1", running.server.port).use { client ->
                client.awaitText("echo> ")
                client.sendLine("upper quiet words")
                client.awaitText("QUIET WORDS")
            }
        }
    }

    test("usage mistakes exit with 2") {
        val err = Captured()
        runCommand(listOf("--port", "x"), Captured().stream, err.stream) shouldBe 2
        runCommand(listOf("/no/such/file.telnet.kts"), Captured().stream, err.stream) shouldBe 2
        err.text shouldContain "no such file"
        shouldThrow<IllegalArgumentException> { parseRunOptions(emptyList()) }
    }
})
