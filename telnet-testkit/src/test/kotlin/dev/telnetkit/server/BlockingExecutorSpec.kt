package dev.telnetkit.server

import dev.telnetkit.session.SessionHandler
import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandShell
import dev.telnetkit.shell.SessionHook
import dev.telnetkit.shell.ShellSettings
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
})
