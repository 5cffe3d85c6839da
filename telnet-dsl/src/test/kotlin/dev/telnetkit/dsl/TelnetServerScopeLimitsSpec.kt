package dev.telnetkit.dsl

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.shell.Command
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.Executors
import kotlin.time.Duration.Companion.seconds

/** Session limits, event loops and protocol limits of `telnetServer { }`, seen over the wire. */
class TelnetServerScopeLimitsSpec : FunSpec({
    val echo: TelnetServerScope.() -> Unit = {
        command("echo") { run { args -> writeResponse(args.joinToString(" ")) } }
    }

    test("maxSessions: a connection over the limit is shown busyMessage and closed; a freed slot is usable again") {
        serving({
            maxSessions = 1
            busyMessage = "Full house, come back later."
            echo()
        }) { server ->
            server.settings.maxSessions shouldBe 1
            server.connect().use { first ->
                first.awaitPrompt("> ")
                server.connect().use { second ->
                    second.awaitText("Full house, come back later.")
                    second.awaitClosed(5.seconds).shouldBeTrue()
                    second.output shouldNotContain "> "
                }
                first.sendLine("echo still served")
                first.awaitText("still served\r\n")
            }
            withTimeout(5.seconds) { while (server.sessions.isNotEmpty()) delay(10) }
            server.connect().use { again -> again.awaitPrompt("> ") }
        }
    }

    test("maxSessionsPerAddress: a second session from the same address is refused with busyMessage") {
        serving({
            maxSessions = 10
            maxSessionsPerAddress = 1
            busyMessage = "One at a time."
            echo()
        }) { server ->
            server.settings.maxSessionsPerAddress shouldBe 1
            server.connect().use { first ->
                first.awaitPrompt("> ")
                server.connect().use { second ->
                    second.awaitText("One at a time.")
                    second.awaitClosed(5.seconds).shouldBeTrue()
                }
                server.sessions.size shouldBe 1
            }
        }
    }

    test("eventLoops: with one loop every session runs on the same thread, with two they alternate") {
        suspend fun loopThreads(loops: Int): List<String> {
            val names = ArrayList<String>()
            serving({
                eventLoops = loops
                command("thread") { run { writeResponse("thread=" + Thread.currentThread().name) } }
            }) { server ->
                server.settings.eventLoops shouldBe loops
                val clients = List(2) { server.connect() }
                try {
                    for (client in clients) {
                        client.awaitPrompt("> ")
                        client.sendLine("thread")
                        names += Regex("thread=(\\S+)").find(client.awaitPrompt("> "))!!.groupValues[1]
                    }
                } finally {
                    clients.forEach { it.close() }
                }
            }
            return names
        }
        val one = loopThreads(1)
        one[0] shouldBe one[1]
        one[0] shouldContain "telnet-loop"
        val two = loopThreads(2)
        two[0] shouldNotBe two[1]
        shouldThrow<IllegalArgumentException> { telnetServer { eventLoops = 0; echo() } }.message shouldContain "eventLoops"
    }

    test("blockingExecutor: Java handlers and completeBlocking completers run on it, complete { } on the event loop, and the server leaves it running") {
        val executor = Executors.newCachedThreadPool { r -> Thread(r, "dsl-blocking").apply { isDaemon = true } }
        try {
            val threads = ConcurrentHashMap<String, String>()
            fun here() = Thread.currentThread().name.substringBefore(" @")
            serving({
                blockingExecutor = executor
                command("pick") {
                    completeBlocking { threads["completeBlocking"] = here(); listOf("alpha") }
                    run { args -> writeResponse("picked $args") }
                }
                command("take") {
                    complete { threads["complete"] = here(); listOf("beta") }
                    run { args -> writeResponse("took $args") }
                }
                commands(listOf(Command.named("java").handler { s, _ -> threads["Java handler"] = here(); s.writeResponseBlocking("java ran") }.build()))
            }) { server ->
                server.settings.blockingExecutor shouldBe executor
                server.connect().use { client ->
                    client.awaitPrompt("> ")
                    client.send("pick a\t\r")
                    client.awaitText("picked [alpha]")
                    client.send("take b\t\r")
                    client.awaitText("took [beta]")
                    client.sendLine("java")
                    client.awaitText("java ran")
                }
            }
            threads["completeBlocking"] shouldBe "dsl-blocking"
            threads["Java handler"] shouldBe "dsl-blocking"
            threads["complete"]!! shouldContain "telnet-loop"
            executor.isShutdown.shouldBeFalse()
        } finally {
            executor.shutdownNow()
        }
        telnetServer { echo() }.settings.blockingExecutor shouldBe null
    }

    test("areYouThereAnswer is the reply to IAC AYT") {
        serving({
            areYouThereAnswer = "[Still here]"
            echo()
        }) { server ->
            server.connect().use { client ->
                client.awaitPrompt("> ")
                client.sendCommand(TelnetCommand.AYT)
                client.awaitText("[Still here]\r\n")
            }
        }
    }

    test("maxTerminalTypes bounds the TTYPE cycle and maxEnvironmentVariables the NEW-ENVIRON variables kept") {
        val profile = TerminalProfile(
            terminalTypes = listOf("ONE", "TWO", "THREE", "FOUR"),
            environment = mapOf("A" to "1", "B" to "2", "C" to "3"),
        )
        suspend fun seen(types: Int, variables: Int): String {
            var line = ""
            serving({
                maxTerminalTypes = types
                maxEnvironmentVariables = variables
                command("facts") { run { writeResponse("types=$terminalTypes vars=${environment.size}") } }
            }) { server ->
                server.connect(profile).use { client ->
                    client.awaitPrompt("> ")
                    client.sendLine("facts")
                    line = client.awaitPrompt("> ").substringAfter("facts\r\n").substringBefore("\r\n")
                }
            }
            return line
        }
        seen(types = 8, variables = 64) shouldBe "types=[one, two, three, four] vars=3"
        seen(types = 2, variables = 2) shouldBe "types=[one, two] vars=2"
    }

    test("maxNegotiationsPerOption and the other protocol limits reach ProtocolSettings and are checked") {
        val server = telnetServer {
            maxNegotiationsPerOption = 12
            maxTerminalTypes = 3
            maxEnvironmentVariables = 5
            maxSubnegotiation = 2048
            echo()
        }
        with(server.settings.protocol) {
            maxNegotiationsPerOption shouldBe 12
            maxTerminalTypes shouldBe 3
            maxEnvironmentVariables shouldBe 5
            maxSubnegotiation shouldBe 2048
        }
        shouldThrow<IllegalArgumentException> { telnetServer { maxNegotiationsPerOption = 1; echo() } }.message shouldContain "maxNegotiationsPerOption"
        shouldThrow<IllegalArgumentException> { telnetServer { maxTerminalTypes = 0; echo() } }.message shouldContain "maxTerminalTypes"
        shouldThrow<IllegalArgumentException> { telnetServer { maxEnvironmentVariables = -1; echo() } }.message shouldContain "maxEnvironmentVariables"
    }

    test("awaitTermination suspends until the server has stopped") {
        val server = telnetServer {
            port = 0
            echo()
        }.start()
        coroutineScope {
            val waiting = async { server.awaitTermination() }
            delay(200)
            waiting.isCompleted.shouldBeFalse()
            server.stop(1.seconds)
            withTimeout(5.seconds) { waiting.await() }
            waiting.isCompleted.shouldBeTrue()
        }
    }
})
