package dev.telnetkit.zmodem

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.testkit.TelnetProgramBridge
import dev.telnetkit.testkit.kotest.TelnetServerExtension
import io.kotest.core.extensions.install
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.shouldBe
import kotlin.time.Duration.Companion.seconds
import io.kotest.matchers.string.shouldNotContain
import io.kotest.matchers.shouldNotBe
import io.kotest.matchers.string.shouldContain
import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.time.Duration.Companion.minutes

/**
 * ZModem over a real Telnet connection on 127.0.0.1, both ways, against lrzsz bridged by a Telnet
 * client ([TelnetProgramBridge]): downloads (`ZModem.send` to `rz`), uploads by command (`ZModem.receive`
 * from `sz`) and uploads that start by themselves at the prompt ([ZModemUploads]); files arrive
 * byte-identical, BINARY is asked for the transfer and given back, and the prompt works afterwards.
 */
class TelnetZModemSpec : FunSpec({
    val work = Files.createTempDirectory("zmodem-telnet")
    afterSpec { TestFiles.deleteTree(work) }
    val source = Files.createDirectories(work.resolve("source"))
    val uploads = Files.createDirectories(work.resolve("uploads"))
    val files = listOf(
        TestFiles.random(source, "empty.bin", 0),
        TestFiles.random(source, "one.bin", 1),
        TestFiles.random(source, "mebibyte.bin", 1L shl 20),
        TestFiles.tricky(source, "tricky.bin"),
    )
    val big by lazy { TestFiles.random(source, "big.bin", 50L shl 20) }
    val results = LinkedBlockingQueue<ZModemResult>()
    var toSend: List<Path> = files
    var round = 0
    fun fresh(): Path = Files.createDirectories(work.resolve("round-${round++}"))
    var uploadFolder: Path = uploads

    val server = install(TelnetServerExtension {
        telnetServer {
            port = 0
            prompt = "zm> "
            command("download") { run { results.put(ZModem.send(this, toSend)) } }
            command("upload") { run { results.put(ZModem.receive(this, ZModemReceiveSettings(uploadFolder))) } }
            command("echo") { run { args -> writeLine(args.joinToString(" ")) } }
            onSessionStart {
                ZModemUploads.of(ZModemReceiveSettings(uploads)) { _, result -> results.put(result) }.install(this)
            }
        }
    })

    fun shouldBeIdentical(expected: List<Path>, folder: Path) {
        for (file in expected) TestFiles.sha256(folder.resolve(file.fileName.toString())) shouldBe TestFiles.sha256(file)
    }

    /** Types `download` and starts rz when the server's sender announces itself, as terminal programs do. */
    suspend fun TelnetProgramBridge.download(folder: Path): Int {
        val from = text().length
        sendLine("download")
        awaitText(ZModem.SENDER_HEADER, from)
        // Generous: on a loaded machine 50 MiB took over two minutes once (9 s when quiet).
        return runProgram(listOf("rz", "-q"), folder, timeout = PROGRAM_TIMEOUT)
    }

    fun result(): ZModemResult = results.poll(30, TimeUnit.SECONDS) ?: throw AssertionError("the server reported no result")

    suspend fun TelnetProgramBridge.promptWorks(word: String) {
        val from = text().length
        sendLine("echo $word")
        awaitText("zm> ", awaitText(word, from))
    }

    context("over Telnet with lrzsz").config(enabled = Lrzsz.enabled, timeout = 20.minutes) {
        test("a download reaches rz byte-identical, BINARY is given back and the prompt works") {
            results.clear()
            toSend = files
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                val folder = fresh()
                val exit = bridge.download(folder)
                exit shouldBe 0
                result().outcome shouldBe ZModemOutcome.COMPLETED
                shouldBeIdentical(files, folder)
                bridge.binaryOffers shouldBeGreaterThan 0
                bridge.promptWorks("after-download")
                bridge.binaryFromServer shouldBe false
                bridge.binaryReleases shouldBeGreaterThan 0
            }
        }

        test("an upload by command from sz arrives byte-identical and the prompt works") {
            results.clear()
            uploadFolder = fresh()
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                bridge.sendLine("upload")
                val exit = bridge.runProgram(listOf("sz", "-q") + files.map { it.toString() }, source)
                exit shouldBe 0
                result().outcome shouldBe ZModemOutcome.COMPLETED
                shouldBeIdentical(files, uploadFolder)
                bridge.promptWorks("after-upload")
            }
        }

        test("sz at the prompt starts the upload by itself, then the prompt comes back") {
            results.clear()
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                val exit = bridge.runProgram(listOf("sz", "-q") + files.map { it.toString() }, source)
                exit shouldBe 0
                val result = result()
                result.outcome shouldBe ZModemOutcome.COMPLETED
                shouldBeIdentical(files, uploads)
                bridge.awaitText("ZModem: transfer complete") 
                bridge.promptWorks("after-auto-upload")
                bridge.text() shouldContain "4 files"
            }
        }

        test("rz at the prompt with nothing to receive is cancelled, and the prompt stays clean") {
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                val folder = fresh()
                // Unanswered, rz would wait out its timeouts (tens of seconds) and the test time out.
                val exit = bridge.runProgram(listOf("rz", "-q"), folder, timeout = 30.seconds)
                exit shouldNotBe 0
                // The hint may have gone to rz as it was ending (a terminal shows it); the prompt comes back.
                bridge.promptWorks("after-stray-rz")
                // The receiver's header never reached the shell as a typed command line.
                bridge.text() shouldNotContain "Unknown command"
                Files.list(folder).use { it.count() } shouldBe 0L
            }
        }

        test("50 MiB both ways arrives byte-identical") {
            results.clear()
            toSend = listOf(big)
            uploadFolder = fresh()
            TelnetProgramBridge.connect("127.0.0.1", server.port).use { bridge ->
                bridge.awaitText("zm> ")
                val folder = fresh()
                bridge.download(folder) shouldBe 0
                result().outcome shouldBe ZModemOutcome.COMPLETED
                shouldBeIdentical(listOf(big), folder)
                bridge.promptWorks("between")
                bridge.sendLine("upload")
                bridge.runProgram(listOf("sz", "-q", big.toString()), source, timeout = PROGRAM_TIMEOUT) shouldBe 0
                result().outcome shouldBe ZModemOutcome.COMPLETED
                shouldBeIdentical(listOf(big), uploadFolder)
                bridge.promptWorks("after-big")
            }
        }
    }
})

/** How long one lrzsz program may run in these specs: far above the few seconds it takes, for loaded machines. */
private val PROGRAM_TIMEOUT = 6.minutes
