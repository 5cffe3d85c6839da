package dev.telnetkit.server

import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CompletableDeferred

class SmokeSpec : FunSpec({
    test("smoke") {
        val seen = CompletableDeferred<TelnetSession>()
        val server = TelnetServer(ServerSettings(port = 0)) { s ->
            seen.complete(s)
            while (true) {
                val line = s.readLine("> ") ?: break
                s.writeLine("got [$line]")
            }
        }.start()
        val client = TelnetTestClient.connect("127.0.0.1", server.port, TerminalProfile(width = 100, height = 30, environment = mapOf("USER" to "bob")))
        client.awaitPrompt("> ")
        client.sendLine("hello")
        client.awaitText("got [hello]")
        val s = seen.await()
        println(client.negotiationLog.joinToString("\n"))
        println("${s.terminalType} ${s.width}x${s.height} ${s.environment} ${s.encoding} echo=${s.serverEchoes}")
        println(client.output)
        s.width shouldBe 100
        client.close()
        server.stop()
    }
})
