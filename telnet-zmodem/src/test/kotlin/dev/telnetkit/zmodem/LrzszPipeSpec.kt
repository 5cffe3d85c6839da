package dev.telnetkit.zmodem

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.shouldBe
import java.nio.file.Files
import java.nio.file.Path
import kotlin.time.Duration.Companion.minutes

/**
 * Our engines against Debian lrzsz through pipes, both ways: files of 0 B, 1 B, 1 MiB, 50 MiB and one
 * holding every byte value and the ZDLE/IAC/CAN sequences arrive byte-identical (SHA-256), with CRC-32
 * and with CRC-16, with lrzsz's 8 KiB subpackets, with every control character escaped, and with
 * `rz` injecting CRC errors that our sender must resend after.
 */
class LrzszPipeSpec : FunSpec({
    val work = Files.createTempDirectory("zmodem-pipe")
    val source = Files.createDirectories(work.resolve("source"))
    afterSpec { TestFiles.deleteTree(work) }

    val small = listOf(
        TestFiles.random(source, "empty.bin", 0),
        TestFiles.random(source, "one.bin", 1),
        TestFiles.random(source, "mebibyte.bin", 1L shl 20),
        TestFiles.tricky(source, "tricky.bin"),
    )
    val big by lazy { TestFiles.random(source, "big.bin", 50L shl 20) }
    var round = 0
    fun freshFolder(): Path = Files.createDirectories(work.resolve("in-${round++}"))

    fun shouldArriveIdentical(files: List<Path>, folder: Path) {
        for (file in files) TestFiles.sha256(folder.resolve(file.fileName.toString())) shouldBe TestFiles.sha256(file)
    }

    context("sz sends, our receiver stores").config(enabled = Lrzsz.enabled, timeout = 5.minutes) {
        test("0 B, 1 B, 1 MiB and every byte value arrive byte-identical with CRC-32") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.szToUs(small, ZModemReceiveSettings(folder))
            result.outcome shouldBe ZModemOutcome.COMPLETED
            result.files.map { it.status }.toSet() shouldBe setOf(ZModemFileStatus.COMPLETE)
            result.files shouldHaveSize small.size
            exit shouldBe 0
            shouldArriveIdentical(small, folder)
        }
        test("with CRC-16 when our receiver does not offer CRC-32") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.szToUs(small, ZModemReceiveSettings(folder) { crc32(false) })
            result.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            shouldArriveIdentical(small, folder)
        }
        test("with CRC-16 asked by sz -o, 8 KiB subpackets and every control character escaped") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.szToUs(small, ZModemReceiveSettings(folder), "-o", "--start-8k", "-e")
            result.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            shouldArriveIdentical(small, folder)
        }
        test("50 MiB arrives byte-identical") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.szToUs(listOf(big), ZModemReceiveSettings(folder))
            result.outcome shouldBe ZModemOutcome.COMPLETED
            result.bytesTransferred shouldBe (50L shl 20)
            exit shouldBe 0
            shouldArriveIdentical(listOf(big), folder)
        }
    }

    context("our sender sends, rz stores").config(enabled = Lrzsz.enabled, timeout = 5.minutes) {
        test("0 B, 1 B, 1 MiB and every byte value arrive byte-identical") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.usToRz(small, folder)
            result.outcome shouldBe ZModemOutcome.COMPLETED
            result.files.map { it.status } shouldBe List(small.size) { ZModemFileStatus.COMPLETE }
            exit shouldBe 0
            shouldArriveIdentical(small, folder)
        }
        test("with rz asking every control character escaped") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.usToRz(small, folder, "-e")
            result.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            shouldArriveIdentical(small, folder)
        }
        test("after CRC errors rz injects, the data is sent again from where rz asks") {
            val folder = freshFolder()
            val file = small[2]
            val (result, exit) = Lrzsz.usToRz(listOf(file), folder, "--errors", "400000")
            result.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            shouldArriveIdentical(listOf(file), folder)
        }
        test("50 MiB arrives byte-identical") {
            val folder = freshFolder()
            val (result, exit) = Lrzsz.usToRz(listOf(big), folder)
            result.outcome shouldBe ZModemOutcome.COMPLETED
            exit shouldBe 0
            shouldArriveIdentical(listOf(big), folder)
        }
    }
})
