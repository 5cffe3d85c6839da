package dev.telnetkit.ssh

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import org.apache.sshd.client.SshClient
import org.apache.sshd.client.channel.ClientChannelEvent
import java.io.ByteArrayOutputStream
import java.nio.file.Files
import java.time.Duration
import java.util.EnumSet
import kotlin.time.Duration.Companion.milliseconds

/**
 * A client sends far more `env` requests than any shell needs, one of them huge: the session still
 * works, and keeps at most maxEnvironmentVariables variables and maxEnvironmentBytes bytes of them.
 */
class SshHostileEnvSpec : FunSpec({
    val dir = Files.createTempDirectory("ssh-hostile-env")
    lateinit var server: TelnetServer
    lateinit var client: SshClient

    beforeSpec {
        server = telnetServer {
            port = 0
            ssh {
                port = 0
                hostKey = dir.resolve("host.key")
                failureDelay = 10.milliseconds
                maxEnvironmentVariables = 16
                maxEnvironmentBytes = 4096
                password { user, password -> user == "alice" && password == "secret" }
            }
            command("envinfo") {
                run {
                    // Every variable the client's env requests can have put anywhere in the session.
                    // (The server's own, such as USER, are not the client's and not counted.)
                    val all = environment + userEnvironment
                    val sent = all.filterKeys { it == "HUGE" || it == "LANG" || it.startsWith("VAR_") }
                    val bytes = sent.entries.sumOf { it.key.toByteArray().size + it.value.toByteArray().size }
                    writeLine("count=${sent.size} bytes=$bytes all=${all.size} names=${sent.keys.sorted().joinToString(",")}")
                }
            }
        }.start()
        client = minaClient()
    }
    afterSpec {
        client.stop()
        server.stop()
    }

    fun exec(command: String, env: Map<String, String>): Pair<String, Int?> {
        client.login(server.portOf("ssh"), "alice", "secret").use { session ->
            val channel = session.createExecChannel(command, null, env)
            val out = ByteArrayOutputStream()
            channel.out = out
            channel.err = ByteArrayOutputStream()
            channel.open().verify(Duration.ofSeconds(30))
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30))
            return out.toString(Charsets.UTF_8) to channel.exitStatus
        }
    }

    test("10,000 env variables and a 200 KB value: the session works, its environment stays within the bounds") {
        val env = LinkedHashMap<String, String>()
        // The huge one first, while the count is still far from its bound: only the byte bound can stop it.
        env["HUGE"] = "x".repeat(200 * 1024)
        for (i in 0 until 10_000) env["VAR_$i"] = "value-$i"
        val (output, status) = exec("envinfo", env)
        println("env flood: $output".trim())
        status shouldBe 0
        val figures = Regex("count=(\\d+) bytes=(\\d+)").find(output) ?: error("no figures in: $output")
        val count = figures.groupValues[1].toInt()
        val bytes = figures.groupValues[2].toInt()
        count shouldBeLessThanOrEqual 16
        bytes shouldBeLessThanOrEqual 4096
        // The bound is a bound, not a refusal of everything.
        count shouldBeGreaterThan 0
        output.contains("HUGE") shouldBe false
    }

    test("the byte bound counts bytes: values of three-byte characters stop at maxEnvironmentBytes bytes, not characters") {
        val env = LinkedHashMap<String, String>()
        // 10 values of 1,000 euro signs: 1,000 characters but 3,000 bytes each.
        for (i in 0 until 10) env["VAR_$i"] = "\u20ac".repeat(1000)
        val (output, status) = exec("envinfo", env)
        println("env of multi-byte values: $output".trim())
        status shouldBe 0
        val figures = Regex("count=(\\d+) bytes=(\\d+)").find(output) ?: error("no figures in: $output")
        figures.groupValues[2].toInt() shouldBeLessThanOrEqual 4096
        figures.groupValues[1].toInt() shouldBe 1
    }

    test("the session still answers after the flood") {
        val (output, status) = exec("envinfo", mapOf("LANG" to "C.UTF-8"))
        status shouldBe 0
        output.contains("count=1 ") shouldBe true
        output.contains("names=LANG") shouldBe true
    }
})
