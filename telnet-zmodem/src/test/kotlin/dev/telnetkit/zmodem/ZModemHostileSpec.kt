package dev.telnetkit.zmodem

import dev.telnetkit.zmodem.protocol.FrameType
import dev.telnetkit.zmodem.protocol.ZModemBytes
import dev.telnetkit.zmodem.protocol.ZModemHeader
import dev.telnetkit.zmodem.protocol.ZModemReceiver
import dev.telnetkit.zmodem.protocol.ZModemSender
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import kotlinx.coroutines.async
import kotlinx.coroutines.coroutineScope
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import kotlin.time.Duration.Companion.minutes

/**
 * Our receiver against senders that misbehave (a truncated frame, a storm of bad CRCs, a stop in
 * the middle of a file, five Ctrl-X, hostile names, files over the limits), in memory: each ends
 * with a clear outcome within the timeout, files stay inside the upload folder, and our sender and
 * receiver agree with CRC-16 too.
 */
class ZModemHostileSpec : FunSpec({
    val work = Files.createTempDirectory("zmodem-hostile")
    afterSpec { TestFiles.deleteTree(work) }
    var round = 0
    fun fresh(): Path = Files.createDirectories(work.resolve("round-${round++}"))
    fun settings(folder: Path, configure: ZModemReceiveSettings.Builder.() -> Unit = {}) =
        ZModemReceiveSettings(folder) { timeout(Duration.ofSeconds(2)); configure() }

    /** Runs our receiver against [script] playing the sender. */
    suspend fun receiveFrom(settings: ZModemReceiveSettings, script: suspend ScriptedPeer.() -> Unit): ZModemResult =
        coroutineScope {
            val (ours, theirs) = ChannelStream.pair()
            val result = async { ZModemReceiver(ours, settings).run() }
            try {
                ScriptedPeer(theirs).script()
            } catch (_: dev.telnetkit.zmodem.protocol.ZModemProblem) {
                // the receiver gave up on the script: what we test is its result
            }
            result.await()
        }

    context("hostile senders").config(timeout = 2.minutes) {
        test("a truncated frame then silence fails on the timeout and keeps the good part for a resume") {
            val folder = fresh()
            val result = receiveFrom(settings(folder)) {
                start()
                offer("part.bin", 10_000).type shouldBe FrameType.ZRPOS
                val good = ByteArray(3000) { it.toByte() }
                send {
                    binaryHeader(ZModemHeader.position(FrameType.ZDATA, 0), true)
                    subpacket(good, 0, good.size, ZModemBytes.ZCRCG, true)
                    for (i in 0 until 500) escaped(i) // half a subpacket, no end
                }
            }
            result.outcome shouldBe ZModemOutcome.FAILED
            result.reason!! shouldContain "sent nothing"
            result.files.single().status shouldBe ZModemFileStatus.INCOMPLETE
            Files.size(folder.resolve("part.bin")) shouldBe 3000L
        }

        test("a storm of bad CRCs ends the transfer after maxErrors") {
            val folder = fresh()
            val result = receiveFrom(settings(folder) { maxErrors(5) }) {
                start()
                offer("storm.bin", 100_000)
                repeat(50) {
                    val data = ByteArray(1024) { 0x41 }
                    send {
                        binaryHeader(ZModemHeader.position(FrameType.ZDATA, 0), true)
                        subpacket(data, 0, data.size, ZModemBytes.ZCRCE, true)
                        buffer[size - 2] = (buffer[size - 2] + 1).toByte() // a CRC byte changed
                    }
                }
            }
            result.outcome shouldBe ZModemOutcome.FAILED
            result.reason!! shouldContain "too many errors"
        }

        test("a sender that stops in the middle of a file fails on the timeout") {
            val folder = fresh()
            val result = receiveFrom(settings(folder)) {
                start()
                offer("stopped.bin", 10_000)
                val data = ByteArray(4096) { 7 }
                send {
                    binaryHeader(ZModemHeader.position(FrameType.ZDATA, 0), true)
                    subpacket(data, 0, data.size, ZModemBytes.ZCRCG, true)
                }
            }
            result.outcome shouldBe ZModemOutcome.FAILED
            result.reason!! shouldContain "sent nothing"
            Files.size(folder.resolve("stopped.bin")) shouldBe 4096L
        }

        test("five Ctrl-X cancel at once") {
            val folder = fresh()
            val result = receiveFrom(settings(folder)) {
                start()
                offer("cancelled.bin", 10_000)
                send { repeat(5) { raw(0x18) } }
            }
            result.outcome shouldBe ZModemOutcome.CANCELLED
        }
    }

    context("names and limits").config(timeout = 2.minutes) {
        test("hostile names are sanitised into the upload folder, and a name with nothing left is skipped") {
            val folder = fresh()
            val names = listOf("../../etc/passwd", "/tmp/absolute.txt", "C:\\Windows\\evil.exe", "bell\u0007and\u001b[31mred", ".hidden", "..")
            val result = receiveFrom(settings(folder)) {
                start()
                for (name in names) {
                    val answer = offer(name, 3)
                    if (answer.type == FrameType.ZRPOS) data(0, byteArrayOf(1, 2, 3))
                    expect(FrameType.ZRINIT)
                }
                finish()
            }
            result.outcome shouldBe ZModemOutcome.COMPLETED
            result.files.map { it.name } shouldContainExactly listOf("passwd", "absolute.txt", "evil.exe", "belland[31mred", "hidden", "")
            result.files.last().status shouldBe ZModemFileStatus.SKIPPED
            Files.list(folder).use { it.map { p -> p.fileName.toString() }.sorted().toList() } shouldContainExactly
                listOf("absolute.txt", "belland[31mred", "evil.exe", "hidden", "passwd")
        }

        test("a file announced over maxFileSize is skipped; one that grows past it stops the transfer and is deleted") {
            val folder = fresh()
            val skipped = receiveFrom(settings(folder) { maxFileSize(100) }) {
                start()
                offer("big.bin", 101).type shouldBe FrameType.ZSKIP
                finish()
            }
            skipped.outcome shouldBe ZModemOutcome.COMPLETED
            skipped.files.single().status shouldBe ZModemFileStatus.SKIPPED
            val grown = receiveFrom(settings(folder) { maxFileSize(100) }) {
                start()
                offer("liar.bin", 10).type shouldBe FrameType.ZRPOS
                data(0, ByteArray(200))
            }
            grown.outcome shouldBe ZModemOutcome.FAILED
            grown.reason!! shouldContain "limit"
            Files.exists(folder.resolve("liar.bin")) shouldBe false
        }

        test("files over maxFiles are skipped, and CRC-16 works between our sender and receiver") {
            val source = fresh()
            val folder = fresh()
            val files = listOf(TestFiles.tricky(source, "a.bin"), TestFiles.random(source, "b.bin", 5000), TestFiles.random(source, "c.bin", 7))
            val result = coroutineScope {
                val (ours, theirs) = ChannelStream.pair()
                val received = async { ZModemReceiver(ours, settings(folder) { maxFiles(2); crc32(false) }).run() }
                val sent = ZModemSender(theirs, files, 5_000).run()
                sent.outcome shouldBe ZModemOutcome.COMPLETED
                sent.files.map { it.status } shouldContainExactly
                    listOf(ZModemFileStatus.COMPLETE, ZModemFileStatus.COMPLETE, ZModemFileStatus.SKIPPED)
                received.await()
            }
            result.outcome shouldBe ZModemOutcome.COMPLETED
            result.files.map { it.status } shouldContainExactly
                listOf(ZModemFileStatus.COMPLETE, ZModemFileStatus.COMPLETE, ZModemFileStatus.SKIPPED)
            for (f in files.take(2)) TestFiles.sha256(folder.resolve(f.fileName.toString())) shouldBe TestFiles.sha256(f)
        }
    }
})
