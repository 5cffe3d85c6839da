package dev.telnetkit.zmodem

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.TelnetProgramBridge
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.minutes

/**
 * Throughput figures for BENCHMARKS.md (printed, never asserted; excluded from the default test run
 * by its `StressTest` suffix): 50 MiB over loopback, (a) `sz` to `rz` through a pipe with socat, the
 * floor; our engines against lrzsz through pipes; (b) our sender over Telnet to `rz` through the
 * testkit's TelnetProgramBridge; (c) `sz` through the bridge to our receiver, on a just-started server (cold) and again
 * (warm). Run: `mvn -o -q -pl telnet-zmodem -am test -Dtest=ZModemThroughputStressTest
 * -Dsurefire.failIfNoSpecifiedTests=false`.
 */
class ZModemThroughputStressTest : FunSpec({
    val work = Files.createTempDirectory("zmodem-bench")
    afterSpec { TestFiles.deleteTree(work) }
    val source = Files.createDirectories(work.resolve("source"))
    val size = 50L shl 20
    val file = TestFiles.random(source, "bench.bin", size)
    var round = 0
    fun fresh(): Path = Files.createDirectories(work.resolve("round-${round++}"))
    val figures = mutableListOf<String>()

    fun report(name: String, nanos: Long) {
        val seconds = nanos / 1e9
        val line = "%-58s %7.2f s %8.1f MB/s".format(name, seconds, size / 1e6 / seconds)
        figures += line
        println("ZMODEM-BENCH $line")
    }

    suspend fun <T> timed(name: String, block: suspend () -> T): T {
        val start = System.nanoTime()
        val result = block()
        report(name, System.nanoTime() - start)
        return result
    }

    afterSpec { println("ZMODEM-BENCH summary\n" + figures.joinToString("\n")) }

    test("throughput of 50 MiB").config(enabled = Lrzsz.enabled, timeout = 10.minutes) {
        repeat(2) { n ->
            val folder = fresh()
            timed("(a) sz -> rz through a pipe (socat), run ${n + 1}") {
                ProcessBuilder("socat", "EXEC:sz -q ${file}", "EXEC:rz -q").directory(folder.toFile())
                    .redirectErrorStream(true).start().waitFor() shouldBe 0
            }
            TestFiles.sha256(folder.resolve("bench.bin")) shouldBe TestFiles.sha256(file)
        }
        repeat(2) { n ->
            val folder = fresh()
            timed("our sender -> rz through a pipe, run ${n + 1}") { Lrzsz.usToRz(listOf(file), folder).second shouldBe 0 }
            val into = fresh()
            timed("sz -> our receiver through a pipe, run ${n + 1}") {
                Lrzsz.szToUs(listOf(file), ZModemReceiveSettings(into)).first.outcome shouldBe ZModemOutcome.COMPLETED
            }
        }

        val results = LinkedBlockingQueue<ZModemResult>()
        var uploadFolder = fresh()
        val server = telnetServer {
            port = 0
            prompt = "zm> "
            command("download") { run { results.put(ZModem.send(this, listOf(file))) } }
            command("upload") { run { results.put(ZModem.receive(this, ZModemReceiveSettings(uploadFolder))) } }
        }
        server.start()
        try {
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                for (label in listOf("cold", "warm", "warm")) {
                    uploadFolder = fresh()
                    timed("(c) sz -> our receiver over loopback Telnet, $label") {
                        val from = bridge.text().length
                        bridge.sendLine("upload")
                        bridge.awaitText("B0100", from) // our receiver's ZRINIT
                        bridge.runProgram(listOf("sz", "-q", file.toString()), source) shouldBe 0
                        results.poll(60, TimeUnit.SECONDS)!!.outcome shouldBe ZModemOutcome.COMPLETED
                    }
                    TestFiles.sha256(uploadFolder.resolve("bench.bin")) shouldBe TestFiles.sha256(file)
                }
                for (label in listOf("first", "again", "again")) {
                    val folder = fresh()
                    timed("(b) our sender over loopback Telnet -> rz, $label") {
                        val from = bridge.text().length
                        bridge.sendLine("download")
                        bridge.awaitText(ZModem.SENDER_HEADER, from)
                        bridge.runProgram(listOf("rz", "-q"), folder) shouldBe 0
                        results.poll(60, TimeUnit.SECONDS)!!.outcome shouldBe ZModemOutcome.COMPLETED
                    }
                    TestFiles.sha256(folder.resolve("bench.bin")) shouldBe TestFiles.sha256(file)
                }
            }
        } finally {
            server.stop()
        }
    }
})
