package dev.telnetkit.mud

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.ByteArrayOutputStream
import java.io.File

/*
 * Golden wire transcripts over a real socket: src/test/resources/golden/<name>.txt, one step per line.
 *
 *   ! server gmcp msdp mssp eor   starts a MudTestServer with those handlers ("eor-noga": EOR without GA)
 *   ! connect                     connects a RawTelnetClient
 *   < bytes                       the client sends them
 *   > bytes                       the server is to send them (lines add up until the next "<" or "!")
 *
 * Bytes are hex pairs or "UTF-8 text" (escapes \" and \\); "#" outside quotes starts a comment.
 * Before each "<" or "!" (and at the end) the spec waits for as many bytes as expected, then for
 * 150 ms of quiet, and writes down what came, cut into one line per command, subnegotiation or
 * text run. The whole transcript is compared with the file's; the actual one goes to
 * target/golden-actual/<name>.txt.
 */

private val TRANSCRIPTS = listOf(
    "gmcp-negotiation", "gmcp-hello-supports", "gmcp-utf8", "gmcp-refused",
    "msdp-list-report", "msdp-values", "msdp-refused",
    "mssp", "mssp-refused", "eor", "ga", "eor-refused-noga", "ga-netcat",
)

private class Replay(val name: String) {
    val actual = ArrayList<String>()
    var server: MudTestServer? = null
    var client: RawTelnetClient? = null
    private val expectedOut = ByteArrayOutputStream()

    fun settle() {
        val c = client ?: return
        val bytes = c.take(expectedOut.size(), quietMs = if (expectedOut.size() == 0) 300 else 150)
        actual += Wire.lines(">", bytes)
        expectedOut.reset()
    }

    fun run(lines: List<String>) {
        try {
            for (line in lines) {
                when (line[0]) {
                    '!' -> {
                        settle()
                        actual += line
                        val words = line.substring(1).trim().split(Regex("\\s+"))
                        when (words[0]) {
                            "server" -> server = MudTestServer(words.drop(1).toSet())
                            "connect" -> client = RawTelnetClient(server!!.port)
                            else -> error("unknown directive: $line")
                        }
                    }
                    '<' -> {
                        settle()
                        val bytes = Wire.parse(line.substring(1))
                        actual += "< ${Wire.render(bytes)}"
                        client!!.send(bytes)
                    }
                    '>' -> expectedOut.write(Wire.parse(line.substring(1)))
                }
            }
            settle()
        } finally {
            client?.close()
            server?.close()
        }
    }
}

/** The expected transcript in the form [Replay] writes down. */
private fun canonical(lines: List<String>): List<String> {
    val out = ArrayList<String>()
    val pending = ByteArrayOutputStream()
    fun flush() {
        out += Wire.lines(">", pending.toByteArray())
        pending.reset()
    }
    for (line in lines) {
        when (line[0]) {
            '>' -> pending.write(Wire.parse(line.substring(1)))
            '<' -> {
                flush()
                out += "< ${Wire.render(Wire.parse(line.substring(1)))}"
            }
            '!' -> {
                flush()
                out += line
            }
            else -> error("unknown line: $line")
        }
    }
    flush()
    return out
}

class WireTranscriptSpec : FunSpec({
    for (name in TRANSCRIPTS) {
        test("wire transcript '$name'") {
            val text = WireTranscriptSpec::class.java.getResource("/golden/$name.txt")?.readText()
                ?: error("missing test resource golden/$name.txt")
            val lines = text.lines().map(Wire::stripComment).filter { it.isNotEmpty() }
            val replay = Replay(name)
            replay.run(lines)
            File("target/golden-actual").mkdirs()
            File("target/golden-actual/$name.txt").writeText(replay.actual.joinToString("\n") + "\n")
            replay.actual.joinToString("\n") shouldBe canonical(lines).joinToString("\n")
        }
    }

    test("the notation parses hex, quoted UTF-8 with escapes, and comments") {
        Wire.parse(Wire.stripComment("FF fa C9 \"a \\\"#\\\" é\" ff f0  # comment")).toList() shouldBe
            (listOf(0xFF, 0xFA, 0xC9).map { it.toByte() } + "a \"#\" é".toByteArray().toList() + listOf(0xFF.toByte(), 0xF0.toByte()))
        Wire.lines(">", Wire.parse("FF FB C9 \"pong\" 0D 0A \"> \" FF EF")) shouldBe
            listOf(">   FF FB C9   # WILL GMCP".replace(">   ", "> "), "> \"pong\" 0D 0A", "> \"> \"", "> FF EF   # EOR")
    }
})
