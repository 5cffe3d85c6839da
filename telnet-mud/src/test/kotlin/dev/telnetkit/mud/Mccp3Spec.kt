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
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import io.kotest.matchers.shouldNotBe
import java.util.zip.Deflater
import kotlin.time.Duration.Companion.seconds

private val BOTH = setOf(TelnetOption.MCCP2, TelnetOption.MCCP3)

/** MCCP3 over real sockets: a client that compresses what it sends. */
class Mccp3Spec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 120.seconds)

    test("commands typed compressed in the same packet as IAC SB MCCP3 IAC SE are answered, and after the trailer plain input reads again") {
        MccpServer(Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { client ->
                client.awaitText("> ")
                client.startCompressing("say zipped\r\n".toByteArray())
                client.awaitText("zipped\r\n> ")
                val handler = server.sessions.values.single().telnetOption<Mccp3>()!!
                handler.isDecompressing shouldBe true
                client.sendLine("say still zipped")
                client.awaitText("still zipped\r\n> ")
                client.finishCompressing(after = "say plain again\r\n".toByteArray())
                client.awaitText("plain again\r\n> ")
                handler.isDecompressing shouldBe false
                handler.bytesAfterDecompression shouldBe ("say zipped\r\n".length + "say still zipped\r\n".length).toLong()
                handler.bytesBeforeDecompression shouldBeGreaterThan 0L
                compareGolden(
                    "mccp-mccp3-start",
                    "MCCP3: agreed, then the client's IAC SB MCCP3 IAC SE with its first compressed command in the same\n" +
                        "packet; a second command compressed; zlib's trailer and a plain command in one packet.",
                    client.transcript(),
                )
            }
        }
    }

    test("a client that turns MCCP3 off inside its stream and goes on plain without a trailer (TinTin++) is read correctly") {
        MccpServer(Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { client ->
                client.awaitText("> ")
                client.startCompressing("say zipped\r\n".toByteArray())
                client.awaitText("zipped\r\n> ")
                // The server performs MCCP3, so the client turns it off with DONT.
                val dont = byteArrayOf(0xFF.toByte(), TelnetCommand.DONT.toByte(), TelnetOption.MCCP3.toByte())
                client.dropCompression(dont, after = "say plain\r\n".toByteArray())
                client.awaitText("plain\r\n> ")
                val handler = server.sessions.values.single().telnetOption<Mccp3>()!!
                handler.isDecompressing shouldBe false
                compareGolden(
                    "mccp-mccp3-dropped",
                    "MCCP3 dropped by the client without zlib's trailer: its DONT MCCP3 compressed, then plain bytes in the\n" +
                        "same packet (what TinTin++ does); the server's WONT MCCP3 and the answer to the plain command.",
                    client.transcript(),
                )
            }
        }
    }

    test("MCCP2 and MCCP3 together: compressed both ways") {
        MccpServer(Mccp2.factory(), Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = BOTH).use { client ->
                client.awaitText("> ")
                client.startCompressing("room\r\n".toByteArray())
                client.awaitText("> ") shouldBe ROOM_TEXT.replace("\n", "\r\n") + "> "
                client.sendLine("say both ways")
                client.awaitText("both ways\r\n> ")
                client.streamsStarted shouldBe 1
            }
        }
    }

    test("a compressed input stream that ends without its trailer because the client leaves just ends the session") {
        MccpServer(Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { client ->
                client.awaitText("> ")
                client.startCompressing("say bye soon\r\n".toByteArray())
                client.awaitText("bye soon\r\n> ")
            }
            server.awaitNoSessions() shouldBe true
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { next ->
                next.awaitText("> ")
                next.sendLine("say next")
                next.awaitText("next\r\n> ")
            }
        }
    }

    test("a corrupt MCCP3 stream cuts that session off and another session of the server goes on") {
        MccpServer(Mccp2.factory(), Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = BOTH).use { other ->
                other.awaitText("> ")
                other.startCompressing()
                MccpClient.connect(server.port, accept = BOTH).use { bad ->
                    bad.awaitText("> ")
                    bad.startCompressing()
                    bad.sendRaw("this is not a zlib stream at all\r\n".toByteArray())
                    bad.awaitClosed() shouldBe true
                }
                other.sendLine("say unaffected")
                other.awaitText("unaffected\r\n> ")
                withClue("the cut-off session is gone, the other stays") {
                    withTimeoutOrNull(10.seconds) { while (server.server.sessions.size != 1) delay(10) } shouldNotBe null
                }
            }
        }
    }

    test("a decompression bomb (1 GiB of zeros, fed gradually) is cut off early, bounded, and the server goes on") {
        MccpServer(Mccp3.factory()).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { other ->
                other.awaitText("> ")
                MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { bomber ->
                    bomber.awaitText("> ")
                    val session = server.sessions.values.maxBy { it.id }
                    val handler = session.telnetOption<Mccp3>()!!
                    bomber.startCompressing()
                    var sent = 0L
                    withContext(Dispatchers.IO) {
                        val z = Deflater(9)
                        val zeros = ByteArray(1 shl 20)
                        val out = ByteArray(4096)
                        var fed = 0L
                        try {
                            // Up to 1 GiB of zeros, in pieces of at most 512 compressed bytes, until the server hangs up.
                            while (fed < (1L shl 30) && !bomber.eof) {
                                z.setInput(zeros)
                                fed += zeros.size
                                if (fed >= (1L shl 30)) z.finish()
                                while (!bomber.eof) {
                                    val n = z.deflate(out, 0, 512, Deflater.NO_FLUSH)
                                    if (n == 0) break
                                    try { bomber.sendRaw(out.copyOf(n)) } catch (_: java.io.IOException) { break }
                                    sent += n
                                    Thread.sleep(1)
                                }
                            }
                        } finally {
                            z.end()
                        }
                    }
                    bomber.awaitClosed() shouldBe true
                    withClue("cut off after $sent compressed bytes, having inflated ${handler.bytesAfterDecompression}") {
                        handler.bytesAfterDecompression shouldBeLessThan (4L shl 20)
                        sent shouldBeLessThan (1L shl 20)
                    }
                }
                other.sendLine("say still here")
                other.awaitText("still here\r\n> ")
            }
        }
    }

    test("maxCompressedSessions is honoured for MCCP3: beyond it MCCP3 is not offered") {
        MccpServer(Mccp3.factory(CompressionSettings(maxCompressedSessions = 1))).start().use { server ->
            MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { first ->
                first.awaitText("> ")
                first.startCompressing("say one\r\n".toByteArray())
                first.awaitText("one\r\n> ")
                MccpClient.connect(server.port, accept = setOf(TelnetOption.MCCP3)).use { second ->
                    second.awaitText("> ")
                    second.transcript() shouldNotContain "MCCP3"
                }
            }
        }
    }

    test("bounds: settings are checked") {
        val bad = listOf({ CompressionSettings(level = 10) }, { CompressionSettings(maxCompressedSessions = -1) }, { CompressionSettings(maxInflateRatio = 1) })
        for (make in bad) runCatching { make() }.isFailure shouldBe true
    }
})
