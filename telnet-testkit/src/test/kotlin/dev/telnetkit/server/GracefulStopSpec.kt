package dev.telnetkit.server

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.hours
import kotlin.time.Duration.Companion.seconds

/** How a handler of the stop test ended. */
private enum class Ending { RETURNED, CANCELLED }

class GracefulStopSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()
    val notice = "Server going down for maintenance."

    test("stop(grace) tells every session, lets a well-behaved handler finish, cancels the rest after the grace and closes the port") {
        val finallyRuns = ConcurrentHashMap<String, AtomicInteger>()
        val endings = ConcurrentHashMap<String, Ending>()
        val politeSawEnd = CompletableDeferred<String?>()
        val server = fixture.start(testSettings(shutdownNotice = notice)) { s ->
            val mode = s.readLine("mode? ") ?: return@start
            try {
                s.writeLine("ok $mode")
                when (mode) {
                    "polite" -> {
                        var line: String?
                        do line = s.readLine("> ") while (line != null)
                        politeSawEnd.complete(line)
                    }
                    "stubborn" -> awaitCancellation()
                    "sleepy" -> delay(1.hours)
                    "deaf" -> {
                        // Reads once more, ignores the end of input, then keeps working.
                        s.readLine("> ")
                        delay(1.hours)
                    }
                }
                endings[mode] = if (currentCoroutineContext().isActive) Ending.RETURNED else Ending.CANCELLED
            } catch (e: CancellationException) {
                endings[mode] = Ending.CANCELLED
                throw e
            } finally {
                finallyRuns.computeIfAbsent(mode) { AtomicInteger() }.incrementAndGet()
            }
        }
        val modes = listOf("polite", "stubborn", "sleepy", "deaf")
        val clients = modes.associateWith { mode ->
            fixture.connect(server).also {
                it.awaitPrompt("mode? ")
                it.sendLine(mode)
                it.awaitText("ok $mode")
            }
        }
        awaitCondition("four sessions are open") { server.sessions.size == 4 }
        val port = server.port

        withTimeout(20.seconds) { server.stop(Duration.ofMillis(500)) }

        for ((mode, client) in clients) {
            client.awaitText(notice)
            client.awaitClosed().shouldBeTrue()
            finallyRuns[mode]?.get() shouldBe 1
            Unit
        }
        politeSawEnd.isCompleted shouldBe true
        politeSawEnd.await() shouldBe null
        endings shouldBe mapOf(
            "polite" to Ending.RETURNED,
            "stubborn" to Ending.CANCELLED,
            "sleepy" to Ending.CANCELLED,
            "deaf" to Ending.CANCELLED,
        )
        finallyRuns.keys shouldBe modes.toSet()
        server.sessions.shouldBeEmpty()
        withTimeout(5.seconds) { server.awaitTermination() }

        shouldThrow<IOException> {
            withContext(Dispatchers.IO) { Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 2000) } }
        }
    }

    test("stop returns without waiting out the grace when every handler ends on its own") {
        val server = fixture.start(testSettings(shutdownNotice = notice), echoShell())
        val a = fixture.connect(server)
        val b = fixture.connect(server)
        a.awaitPrompt("> ")
        b.awaitPrompt("> ")

        // A grace far longer than the bound: returning within the bound shows stop did not wait it out.
        withTimeout(15.seconds) { server.stop(Duration.ofSeconds(60)) }
        a.awaitText(notice)
        b.awaitText(notice)
        a.awaitClosed().shouldBeTrue()
        b.awaitClosed().shouldBeTrue()
    }

    test("stop on a server with no sessions returns, and a second stop returns too") {
        val server = fixture.start(handler = echoShell())
        val port = server.port
        withTimeout(10.seconds) { server.stop(Duration.ofSeconds(5)) }
        withTimeout(10.seconds) { server.stop(Duration.ofSeconds(5)) }
        shouldThrow<IOException> {
            withContext(Dispatchers.IO) { Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 2000) } }
        }
    }
})
