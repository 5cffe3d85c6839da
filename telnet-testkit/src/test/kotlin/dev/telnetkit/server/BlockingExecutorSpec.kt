package dev.telnetkit.server

import dev.telnetkit.session.ErrorFormatter
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandHandler
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.PromptProvider
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
import dev.telnetkit.terminal.Completer
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.maps.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.seconds

/** `ServerSettings.blockingExecutor`: where blocking code runs, and who shuts the executor down. */
class BlockingExecutorSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    /** The thread's name without the coroutine name kotlinx's debug mode appends. */
    fun here(): String = Thread.currentThread().name.substringBefore(" @")

    test("by default the server makes the executor (virtual threads from Java 21, else daemon threads named telnetkit-blocking-N), and its threads end when the server stops") {
        val seen = CompletableDeferred<Thread>()
        val server = fixture.start(testSettings(), SessionHandler.blocking { s ->
            seen.complete(Thread.currentThread())
            s.writeLineBlocking("ran")
        })
        fixture.connect(server).awaitText("ran")
        val thread = seen.await()
        thread.name shouldStartWith "telnetkit-blocking-"
        if (Runtime.version().feature() >= 21) {
            (Thread::class.java.getMethod("isVirtual").invoke(thread) as Boolean).shouldBeTrue()
        } else {
            thread.isDaemon.shouldBeTrue()
        }
        server.stop(Duration.ofSeconds(1))
        awaitCondition("the server's blocking thread ended after stop") { !thread.isAlive }
    }

    test("an executor given in the settings runs the blocking handlers and hooks, and the server leaves it running") {
        val executor = Executors.newCachedThreadPool { r -> Thread(r, "user-blocking").apply { isDaemon = true } }
        try {
            val threads = ConcurrentHashMap<String, String>()
            val shell = CommandShell(
                ShellSettings(
                    commands = listOf(
                        Command.named("java").handler { s, _ ->
                            threads["Java handler"] = here()
                            s.writeResponseBlocking("java ran")
                        }.build(),
                    ),
                    onSessionStart = SessionHook.blocking { threads["SessionHook.blocking"] = here() },
                ),
            )
            val server = fixture.start(ServerSettings(host = "127.0.0.1", port = 0, blockingExecutor = executor), shell)
            server.settings.blockingExecutor shouldBe executor
            val client = fixture.connect(server)
            client.awaitPrompt("> ")
            client.sendLine("java")
            client.awaitText("java ran")
            server.stop(Duration.ofSeconds(1))

            threads shouldContainExactly mapOf("Java handler" to "user-blocking", "SessionHook.blocking" to "user-blocking")
            executor.isShutdown.shouldBeFalse()
            executor.submit<String> { "still running" }.get(5, TimeUnit.SECONDS) shouldBe "still running"
        } finally {
            executor.shutdownNow()
        }
    }

    test("blocking completers, prompts and error formatters run on the blocking executor; plain ones on the session's event loop") {
        val threads = ConcurrentHashMap<String, String>()
        fun shell(blocking: Boolean): CommandShell {
            val kind = if (blocking) "blocking" else "plain"
            val completer = Completer { threads["$kind completer"] = here(); listOf("alpha") }
            val prompt = PromptProvider { threads["$kind prompt"] = here(); "> " }
            val formatter = ErrorFormatter { _, text -> threads["$kind formatter"] = here(); "E: $text" }
            return CommandShell(
                ShellSettings(
                    // The Kotlin constructor, not Command.Builder (the Java face, which makes every completer blocking).
                    commands = listOf(
                        Command(
                            "pick",
                            completer = if (blocking) Completer.blocking(completer) else completer,
                            handler = CommandHandler { call -> call.writeResponse("picked ${call.args}") },
                        ),
                    ),
                    prompt = if (blocking) PromptProvider.blocking(prompt) else prompt,
                    errorFormatter = if (blocking) ErrorFormatter.blocking(formatter) else formatter,
                ),
            )
        }
        for (blocking in listOf(false, true)) {
            val server = fixture.start(testSettings(), shell(blocking))
            val client = fixture.connect(server)
            client.awaitPrompt("> ")
            client.send("pick a\t\r")
            client.awaitText("picked [alpha]")
            client.sendLine("nosuch")
            client.awaitText("E: Unknown command 'nosuch'")
            client.awaitPrompt("> ")
        }
        for (kind in listOf("completer", "prompt", "formatter")) {
            threads["plain $kind"]!! shouldStartWith sessionThreads
            threads["blocking $kind"]!! shouldStartWith "telnetkit-blocking-"
        }
    }

    test("a Kotlin handler's readLine asks a plain completer on its event loop and a Completer.blocking one on the blocking executor") {
        val threads = ConcurrentHashMap<String, String>()
        val plain = Completer { threads["plain"] = here(); listOf("plainly") }
        val blocking = Completer.blocking { threads["blocking"] = here(); listOf("blockingly") }
        val server = fixture.start(testSettings(), SessionHandler { s ->
            s.readLine("1> ", completer = plain)
            s.readLine("2> ", completer = blocking)
        })
        val client = fixture.connect(server)
        client.awaitPrompt("1> ")
        client.send("p\t")
        client.awaitText("plainly")
        client.send("\r")
        client.awaitPrompt("2> ")
        client.send("b\t")
        client.awaitText("blockingly")
        client.send("\r")
        client.awaitClosed().shouldBeTrue()
        threads["plain"]!! shouldStartWith sessionThreads
        threads["blocking"]!! shouldStartWith "telnetkit-blocking-"
    }
})

/** Where a session's own code runs: the NIO event loops, or the coroutine threads another transport uses. */
private val sessionThreads: String = if (testTransport.name == "nio") "telnet-loop-" else "DefaultDispatcher-worker-"
