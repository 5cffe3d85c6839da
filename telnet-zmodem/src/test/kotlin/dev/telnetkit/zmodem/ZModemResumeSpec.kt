package dev.telnetkit.zmodem

import dev.telnetkit.zmodem.protocol.ZModemReceiver
import dev.telnetkit.zmodem.protocol.ZModemSender
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.minutes

/**
 * An interrupted transfer resumes, both ways, against lrzsz: `sz` killed part-way, then run again,
 * sends only the rest to our receiver (which answers ZRPOS at the partial length); `rz` killed
 * part-way, then run again with `-r`, gets only the rest from our sender. The result is identical.
 */
class ZModemResumeSpec : FunSpec({
    val work = Files.createTempDirectory("zmodem-resume")
    afterSpec { TestFiles.deleteTree(work) }
    val source = Files.createDirectories(work.resolve("source"))
    val size = 30L shl 20
    val file by lazy { TestFiles.random(source, "resume.bin", size) }

    /** Kills [process] once [target] holds more than [bytes]. */
    suspend fun killWhenLarger(process: Process, target: Path, bytes: Long) {
        while (process.isAlive) {
            if (Files.exists(target) && Files.size(target) > bytes) {
                process.destroyForcibly()
                return
            }
            delay(2)
        }
    }

    context("resume").config(enabled = Lrzsz.enabled, timeout = 5.minutes) {
        test("sz killed part-way, then run again, sends only the rest to our receiver") {
            val folder = Files.createDirectories(work.resolve("in-ours"))
            val settings = ZModemReceiveSettings(folder)
            val first = coroutineScope {
                val sz = LrzszProcess(listOf("sz", "-q", file.toString()), folder, this)
                launch { killWhenLarger(sz.process, folder.resolve("resume.bin"), 1L shl 20) }
                val result = ZModemReceiver(sz.stream, settings).run()
                sz.finish()
                result
            }
            first.outcome shouldBe ZModemOutcome.FAILED
            val partial = Files.size(folder.resolve("resume.bin"))
            partial shouldBeLessThan size
            val (second, exit) = Lrzsz.szToUs(listOf(file), settings)
            second.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            second.files.single().resumedFrom shouldBe partial
            second.bytesTransferred shouldBe size - partial
            TestFiles.sha256(folder.resolve("resume.bin")) shouldBe TestFiles.sha256(file)
        }

        test("rz killed part-way, then run again with -r, gets only the rest from our sender") {
            val folder = Files.createDirectories(work.resolve("in-rz"))
            coroutineScope {
                val rz = LrzszProcess(listOf("rz", "-q"), folder, this)
                val killer = launch { killWhenLarger(rz.process, folder.resolve("resume.bin"), 1L shl 20) }
                val result = async { ZModemSender(rz.stream, listOf(file), 5_000).run() }
                killer.join()
                rz.finish()
                result.await().outcome shouldBe ZModemOutcome.FAILED
            }
            val partial = Files.size(folder.resolve("resume.bin"))
            partial shouldBeGreaterThan 0
            partial shouldBeLessThan size
            val (second, exit) = Lrzsz.usToRz(listOf(file), folder, "-r")
            second.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            second.files.single().resumedFrom shouldBeGreaterThan 0
            second.bytesTransferred shouldBeLessThan size
            TestFiles.sha256(folder.resolve("resume.bin")) shouldBe TestFiles.sha256(file)
        }
    }
})
