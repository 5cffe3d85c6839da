package dev.telnetkit.mud

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.wire.telnetOption
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.longs.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlin.time.Duration.Companion.seconds

private const val IAC = 0xFF
private val MCCP2_START = byteArrayOf(0xFF.toByte(), 0xFA.toByte(), 86, 0xFF.toByte(), 0xF0.toByte())

private fun ByteArray.indexOf(part: ByteArray, from: Int = 0): Int {
    outer@ for (i in from..size - part.size) {
        for (j in part.indices) if (this[i + j] != part[j]) continue@outer
        return i
    }
    return -1
}

/** MCCP2 over real sockets, against a client that inflates what it receives. */
class Mccp2Spec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)

    test("the server offers MCCP2, starts the stream on DO, and the text right after the announcement is compressed and reads back exactly, IAC IAC included") {
        MccpServer(Mccp2.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                client.sendLine("say hello")
                client.awaitText("hello\r\n> ")
                client.send("say caf".toByteArray() + byteArrayOf(0xE9.toByte(), ' '.code.toByte(), IAC.toByte(), IAC.toByte(), '\r'.code.toByte(), '\n'.code.toByte()))
                client.awaitText("caf\u00e9 \u00ff\r\n> ")
                compareGolden(
                    "mccp-mccp2-start",
                    "MCCP2 offered at connect, agreed, started; the welcome, the prompt and two answers (one with a byte 255,\n" +
                        "doubled as IAC IAC inside the compressed stream) read back after decompression.",
                    client.transcript(),
                )
                val raw = client.raw
                val at = raw.indexOf(MCCP2_START)
                withClue("the zlib stream starts right after IAC SB MCCP2 IAC SE") { (raw[at + 5].toInt() and 0xff) shouldBe 0x78 }
                withClue("nothing but negotiation goes plain before the stream") { String(raw, 0, at, Charsets.ISO_8859_1) shouldNotContain "Welcome" }
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                handler.isCompressing shouldBe true
                handler.bytesBeforeCompression shouldBeGreaterThan 0L
                handler.bytesAfterCompression shouldBe (raw.size - at - 5).toLong()
            }
        }
    }

    test("room text compresses several times over and reads back exactly") {
        MccpServer(Mccp2.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                repeat(20) {
                    client.sendLine("room")
                    client.awaitText("> ") shouldBe ROOM_TEXT.replace("\n", "\r\n") + "> "
                }
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                withClue("$handler") { handler.bytesAfterCompression * 4 shouldBeLessThan handler.bytesBeforeCompression }
            }
        }
    }

    test("the client's DONT ends the stream with its trailer, the output goes plain, and a later DO starts a fresh stream") {
        MccpServer(Mccp2.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                client.send(byteArrayOf(IAC.toByte(), TelnetCommand.DONT.toByte(), TelnetOption.MCCP2.toByte()), "DONT MCCP2")
                client.awaitState { streamsEnded == 1 } shouldBe true
                client.sendLine("say plain now")
                client.awaitText("plain now\r\n> ")
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                handler.isCompressing shouldBe false
                client.send(byteArrayOf(IAC.toByte(), TelnetCommand.DO.toByte(), TelnetOption.MCCP2.toByte()), "DO MCCP2")
                client.awaitState { streamsStarted == 2 } shouldBe true
                client.sendLine("say compressed again")
                client.awaitText("compressed again\r\n> ")
                handler.isCompressing shouldBe true
                compareGolden(
                    "mccp-mccp2-client-dont",
                    "MCCP2 turned off by the client (DONT: the WONT goes inside the stream, then zlib's trailer), plain text,\n" +
                        "then turned on again (DO: WILL, and a fresh stream).",
                    client.transcript(),
                )
            }
        }
    }

    test("the server's stop() ends the stream mid-session and start() begins a fresh one, with the option left on") {
        MccpServer(Mccp2.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                client.sendLine("nozip")
                client.awaitText("stop: true\r\n> ")
                client.streamsEnded shouldBe 1
                client.sendLine("say plain")
                client.awaitText("plain\r\n> ")
                client.sendLine("zip")
                client.awaitText("start: true\r\n> ")
                client.streamsStarted shouldBe 2
                client.sendLine("zip")
                client.awaitText("start: true\r\n> ")
                client.streamsStarted shouldBe 2
                client.sendLine("nozip")
                client.awaitText("stop: true\r\n> ")
                client.sendLine("nozip")
                client.awaitText("stop: false\r\n> ")
                compareGolden(
                    "mccp-mccp2-server-stop",
                    "MCCP2 stopped by the server (stop(): zlib's trailer, then plain) and started again (start(): a fresh\n" +
                        "IAC SB MCCP2 IAC SE and stream); a second start() or stop() changes nothing.",
                    client.transcript(),
                )
            }
        }
    }

    test("a client that refuses MCCP2 gets plain output and the handler never compresses") {
        MccpServer(Mccp2.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = emptySet()).use { client ->
                client.awaitText("> ")
                client.sendLine("say hi")
                client.awaitText("hi\r\n> ")
                client.streamsStarted shouldBe 0
                client.transcript() shouldContain "DONT MCCP2"
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                handler.isCompressing shouldBe false
                handler.bytesBeforeCompression shouldBe 0L
            }
        }
    }

    test("maxCompressedSessions is honoured: beyond it MCCP2 is not offered, and a slot comes back when its session ends") {
        MccpServer(Mccp2.factory(CompressionSettings(maxCompressedSessions = 1))).start().use { server ->
            val first = MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2))
            first.awaitText("> ")
            first.streamsStarted shouldBe 1
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { second ->
                second.awaitText("> ")
                second.sendLine("say uncompressed")
                second.awaitText("uncompressed\r\n> ")
                second.streamsStarted shouldBe 0
                second.transcript() shouldNotContain "MCCP2"
            }
            first.close()
            server.awaitNoSessions() shouldBe true
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { third ->
                third.awaitText("> ")
                third.streamsStarted shouldBe 1
            }
        }
    }

    test("level 0 still speaks zlib: the stream is stored, not compressed, and reads back") {
        MccpServer(Mccp2.factory(CompressionSettings(level = 0))).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                client.sendLine("room")
                client.awaitText("> ") shouldBe ROOM_TEXT.replace("\n", "\r\n") + "> "
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                handler.bytesAfterCompression shouldBeGreaterThan handler.bytesBeforeCompression
            }
        }
    }

    test("idleFinishAfter ends an idle stream and announces the next at once, whose compressor comes with the next output") {
        MccpServer(Mccp2.factory(CompressionSettings(idleFinishAfter = java.time.Duration.ofMillis(200)))).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { client ->
                client.awaitText("> ")
                val handler = server.sessions.values.single().telnetOption<Mccp2>()!!
                client.awaitState { streamsEnded == 1 && streamsStarted == 2 } shouldBe true
                handler.isCompressing shouldBe true
                handler.holdsCompressor shouldBe false
                client.sendLine("room")
                client.awaitText("> ") shouldBe ROOM_TEXT.replace("\n", "\r\n") + "> "
                // Ended again once idle: only a stream that made its compressor is (the output did).
                client.awaitState { streamsEnded == 2 && streamsStarted == 3 } shouldBe true
                withClue("a stream with no output yet is not ended again") {
                    kotlinx.coroutines.delay(600)
                    client.streamsStarted shouldBe 3
                }
                client.sendLine("say after idle")
                client.awaitText("after idle\r\n> ")
            }
        }
    }

    test("an idle finish keeps the session's compression slot: the cap still counts it") {
        MccpServer(Mccp2.factory(CompressionSettings(maxCompressedSessions = 1, idleFinishAfter = java.time.Duration.ofMillis(100)))).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { first ->
                first.awaitText("> ")
                first.awaitState { streamsStarted >= 2 } shouldBe true
                MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { second ->
                    second.awaitText("> ")
                    second.streamsStarted shouldBe 0
                }
            }
            server.awaitNoSessions() shouldBe true
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP2)).use { third ->
                third.awaitText("> ")
                third.streamsStarted shouldBe 1
            }
        }
    }
})
