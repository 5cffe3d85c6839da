package dev.telnetkit.protocol

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf

private const val IAC = 255
private const val SB = 250
private const val SE = 240
private const val WILL = 251
private const val WONT = 252
private const val DO = 253
private const val DONT = 254

/** One sample of the decoder table: what goes in, and the events (data runs merged) that come out. */
private class Sample(val name: String, val input: ByteArray, vararg val expected: String)

/** The decoder used by the table: a small subnegotiation cap so that overflow is reachable. */
private const val TABLE_CAP = 16

private val samples = listOf(
    Sample("plain text", latin1("hello, world"), "Data(\"hello, world\")"),
    Sample("IAC IAC between data", concat(latin1("a"), bytes(IAC, IAC), latin1("b")), "Data(\"a\\xFFb\")"),
    Sample("IAC IAC alone", bytes(IAC, IAC), "Data(\"\\xFF\")"),
    Sample("IAC IAC IAC IAC", bytes(IAC, IAC, IAC, IAC), "Data(\"\\xFF\\xFF\")"),
    Sample(
        "two-byte commands between data",
        concat(latin1("a"), bytes(IAC, 246), latin1("b"), bytes(IAC, 244, IAC, 241), latin1("c")),
        "Data(\"a\")", "Command(AYT)", "Data(\"b\")", "Command(IP)", "Command(NOP)", "Data(\"c\")",
    ),
    Sample("a stray SE and an unknown command", bytes(IAC, SE, IAC, 5), "Command(SE)", "Command(5)"),
    Sample(
        "the four negotiation verbs",
        bytes(IAC, WILL, 24, IAC, WONT, 31, IAC, DO, 1, IAC, DONT, 34),
        "WILL TTYPE", "WONT NAWS", "DO ECHO", "DONT LINEMODE",
    ),
    Sample("a negotiation of option 255", bytes(IAC, DO, 255), "DO 255"),
    Sample("SB NAWS with IAC IAC inside", bytes(IAC, SB, 31, 0, IAC, IAC, 0, 24, IAC, SE), "SB NAWS [00 FF 00 18]"),
    Sample("an empty SB", bytes(IAC, SB, 24, IAC, SE), "SB TTYPE []"),
    Sample("SE and SB bytes without IAC inside SB are payload", bytes(IAC, SB, 24, 0, SE, SB, 13, 10, IAC, SE), "SB TTYPE [00 F0 FA 0D 0A]"),
    Sample(
        "data around a subnegotiation",
        concat(latin1("ab"), bytes(IAC, SB, 24, 0), latin1("vt100"), bytes(IAC, SE), latin1("cd")),
        "Data(\"ab\")", "SB TTYPE [00 76 74 31 30 30]", "Data(\"cd\")",
    ),
    Sample(
        "an SB cut short by a negotiation",
        concat(bytes(IAC, SB, 24, 0), latin1("vt"), bytes(IAC, WILL, 1), latin1("x")),
        "SubnegotiationError(option=24, reason=not terminated by IAC SE)", "WILL ECHO", "Data(\"x\")",
    ),
    Sample(
        "an SB cut short by another SB",
        bytes(IAC, SB, 24, 65, IAC, SB, 31, 0, 80, 0, 24, IAC, SE),
        "SubnegotiationError(option=24, reason=not terminated by IAC SE)", "SB NAWS [00 50 00 18]",
    ),
    Sample(
        "an SB cut short by IAC IP",
        bytes(IAC, SB, 31, 0, IAC, 244, 97),
        "SubnegotiationError(option=31, reason=not terminated by IAC SE)", "Command(IP)", "Data(\"a\")",
    ),
    Sample(
        "IAC SB IAC SE: no option code, so the SB is dropped and the data after it is data",
        concat(bytes(IAC, SB, IAC, SE), latin1("user data\r\n"), bytes(IAC, SB, 31, 0, 80, 0, 24, IAC, SE)),
        "SubnegotiationError(option=255, reason=IAC in place of the option code)", "Command(SE)",
        "Data(\"user data\\r\")", "SB NAWS [00 50 00 18]",
    ),
    Sample(
        "IAC SB IAC followed by a command or a doubled IAC",
        concat(latin1("a"), bytes(IAC, SB, IAC, 244), latin1("b"), bytes(IAC, SB, IAC, IAC), latin1("c")),
        "Data(\"a\")", "SubnegotiationError(option=255, reason=IAC in place of the option code)", "Command(IP)",
        "Data(\"b\")", "SubnegotiationError(option=255, reason=IAC in place of the option code)", "Data(\"\\xFFc\")",
    ),
    Sample(
        "IAC SB IAC SB: the second SB is a good one",
        bytes(IAC, SB, IAC, SB, 24, 0, 65, IAC, SE),
        "SubnegotiationError(option=255, reason=IAC in place of the option code)", "SB TTYPE [00 41]",
    ),
    Sample(
        "an SB exactly at the cap",
        concat(bytes(IAC, SB, 24), ByteArray(TABLE_CAP) { 120 }, bytes(IAC, SE)),
        "SB TTYPE [${ByteArray(TABLE_CAP) { 120 }.hex()}]",
    ),
    Sample(
        "an SB at the cap whose last byte is a doubled IAC",
        concat(bytes(IAC, SB, 24), ByteArray(TABLE_CAP - 1) { 120 }, bytes(IAC, IAC, IAC, SE)),
        "SB TTYPE [${(ByteArray(TABLE_CAP - 1) { 120 } + bytes(IAC)).hex()}]",
    ),
    Sample(
        "an SB one byte over the cap, then data",
        concat(bytes(IAC, SB, 24), ByteArray(TABLE_CAP + 1) { 120 }, bytes(IAC, SE), latin1("ok")),
        "SubnegotiationError(option=24, reason=longer than $TABLE_CAP bytes)", "Data(\"ok\")",
    ),
    Sample(
        "an oversize SB whose overflowing byte is a doubled IAC",
        concat(bytes(IAC, SB, 24), ByteArray(TABLE_CAP) { 120 }, bytes(IAC, IAC, IAC, SE), latin1("ok")),
        "SubnegotiationError(option=24, reason=longer than $TABLE_CAP bytes)", "Data(\"ok\")",
    ),
    Sample(
        "an oversize SB cut short by a command reports one error",
        concat(bytes(IAC, SB, 24), ByteArray(3 * TABLE_CAP) { 120 }, bytes(IAC, 244), latin1("ok")),
        "SubnegotiationError(option=24, reason=longer than $TABLE_CAP bytes)", "Command(IP)", "Data(\"ok\")",
    ),
    Sample(
        "an oversize SB followed by a good one",
        concat(bytes(IAC, SB, 24), ByteArray(2 * TABLE_CAP) { 120 }, bytes(IAC, SE, IAC, SB, 31, 0, 80, 0, 24, IAC, SE)),
        "SubnegotiationError(option=24, reason=longer than $TABLE_CAP bytes)", "SB NAWS [00 50 00 18]",
    ),
    Sample("CR LF is one CR", latin1("a\r\nb"), "Data(\"a\\rb\")"),
    Sample("CR NUL is one CR", latin1("a\r\u0000b"), "Data(\"a\\rb\")"),
    Sample("a lone CR is one CR", latin1("a\rb"), "Data(\"a\\rb\")"),
    Sample("a lone LF is one LF", latin1("a\nb"), "Data(\"a\\nb\")"),
    Sample("CR CR LF is two CRs", latin1("\r\r\n"), "Data(\"\\r\\r\")"),
    Sample("CR LF LF is CR then LF", latin1("\r\n\n"), "Data(\"\\r\\n\")"),
    Sample("LF CR NUL is LF then CR", latin1("\n\r\u0000"), "Data(\"\\n\\r\")"),
    Sample("only the first NUL after CR is swallowed", latin1("\r\u0000\u0000"), "Data(\"\\r\\0\")"),
    Sample("a NUL not after CR is data", latin1("a\u0000b"), "Data(\"a\\0b\")"),
    Sample("CR then IAC IAC keeps the 255", bytes(13, IAC, IAC, 10), "Data(\"\\r\\xFF\\n\")"),
    Sample(
        "a command between CR and LF does not make a second line end",
        bytes(13, IAC, 241, 10, 97),
        "Data(\"\\r\")", "Command(NOP)", "Data(\"a\")",
    ),
    Sample(
        "a subnegotiation between CR and NUL does not make a second line end",
        bytes(13, IAC, SB, 31, 0, 80, 0, 24, IAC, SE, 0, 97),
        "Data(\"\\r\")", "SB NAWS [00 50 00 18]", "Data(\"a\")",
    ),
    Sample(
        "a line with a negotiation in the middle",
        concat(latin1("ls -l"), bytes(IAC, DO, 1), latin1(" /tmp\r\n")),
        "Data(\"ls -l\")", "DO ECHO", "Data(\" /tmp\\r\")",
    ),
)

private fun lineEnds(events: List<String>): Int =
    events.filter { it.startsWith("Data(") }.sumOf { Regex("""\\r|\\n""").findAll(it).count() }

class TelnetDecoderSpec : FunSpec({

    for (sample in samples) {
        test("sample '${sample.name}' decoded in one call") {
            decodeChunks(listOf(sample.input), TelnetDecoder(TABLE_CAP)) shouldContainExactly sample.expected.toList()
        }
        test("sample '${sample.name}' split at every point, and at every pair of points") {
            val n = sample.input.size
            for (p in 1 until n) {
                withClue("split at $p") {
                    decodeChunks(splitAt(sample.input, listOf(p)), TelnetDecoder(TABLE_CAP)) shouldContainExactly sample.expected.toList()
                }
            }
            for (p in 1 until n) for (q in p + 1 until n) {
                withClue("split at $p and $q") {
                    decodeChunks(splitAt(sample.input, listOf(p, q)), TelnetDecoder(TABLE_CAP)) shouldContainExactly sample.expected.toList()
                }
            }
        }
        test("sample '${sample.name}' byte by byte") {
            decodeChunks(byteByByte(sample.input), TelnetDecoder(TABLE_CAP)) shouldContainExactly sample.expected.toList()
        }
    }

    test("plain data arrives as one run, not byte by byte") {
        val events = ArrayList<TelnetEvent>()
        TelnetDecoder().decode(latin1("hello, world")) { events.add(it) }
        events.size shouldBe 1
        events[0].shouldBeInstanceOf<TelnetEvent.Data>().bytes shouldBe latin1("hello, world")
    }

    test("every two-byte command arrives as a Command event with its code") {
        val commands = listOf(
            TelnetCommand.NOP, TelnetCommand.DM, TelnetCommand.BRK, TelnetCommand.IP, TelnetCommand.AO,
            TelnetCommand.AYT, TelnetCommand.EC, TelnetCommand.EL, TelnetCommand.GA,
        )
        for (code in commands) {
            val events = ArrayList<TelnetEvent>()
            TelnetDecoder().decode(bytes(IAC, code)) { events.add(it) }
            withClue(TelnetCommand.name(code)) { events shouldContainExactly listOf(TelnetEvent.Command(code)) }
        }
        decodeChunks(listOf(commands.flatMap { listOf(IAC, it) }.let { bytes(*it.toIntArray()) })) shouldContainExactly
            listOf("NOP", "DM", "BRK", "IP", "AO", "AYT", "EC", "EL", "GA").map { "Command($it)" }
    }

    test("WILL, WONT, DO and DONT arrive as Negotiation events for every option byte") {
        for (verb in WILL..DONT) for (option in 0..255) {
            val events = ArrayList<TelnetEvent>()
            TelnetDecoder().decode(bytes(IAC, verb, option)) { events.add(it) }
            events shouldContainExactly listOf(TelnetEvent.Negotiation(verb, option))
        }
    }

    test("a subnegotiation payload comes out un-doubled and intact") {
        val events = ArrayList<TelnetEvent>()
        TelnetDecoder().decode(bytes(IAC, SB, 31, IAC, IAC, IAC, IAC, IAC, IAC, 0, IAC, SE)) { events.add(it) }
        val sb = events.single().shouldBeInstanceOf<TelnetEvent.Subnegotiation>()
        sb.option shouldBe 31
        sb.payload shouldBe bytes(255, 255, 255, 0)
    }

    for ((name, input, expected) in listOf(
        Triple("CR LF", "\r\n", "\r"),
        Triple("CR NUL", "\r\u0000", "\r"),
        Triple("lone CR", "\r", "\r"),
        Triple("lone LF", "\n", "\n"),
    )) {
        test("NVT line ends: $name is exactly one line end, '${escape(latin1(expected))}'") {
            val events = decodeChunks(listOf(latin1("abc${input}def")))
            events shouldContainExactly listOf("Data(\"abc${escape(latin1(expected))}def\")")
            lineEnds(events) shouldBe 1
        }
    }

    test("NVT line ends: the LF after a CR is swallowed when it arrives in the next decode call") {
        val decoder = TelnetDecoder()
        decodeChunks(listOf(latin1("abc\r")), decoder) shouldContainExactly listOf("Data(\"abc\\r\")")
        decodeChunks(listOf(latin1("\ndef")), decoder) shouldContainExactly listOf("Data(\"def\")")
    }

    test("NVT line ends: the NUL after a CR is swallowed when it arrives in the next decode call") {
        val decoder = TelnetDecoder()
        decodeChunks(listOf(latin1("abc\r")), decoder) shouldContainExactly listOf("Data(\"abc\\r\")")
        decodeChunks(listOf(latin1("\u0000")), decoder) shouldBe emptyList()
        decodeChunks(listOf(latin1("\u0000")), decoder) shouldContainExactly listOf("Data(\"\\0\")")
    }

    test("NVT line ends: a lone CR at the end of a call does not swallow an ordinary byte of the next call") {
        val decoder = TelnetDecoder()
        decodeChunks(listOf(latin1("abc\r")), decoder) shouldContainExactly listOf("Data(\"abc\\r\")")
        decodeChunks(listOf(latin1("def")), decoder) shouldContainExactly listOf("Data(\"def\")")
    }

    test("NVT line ends: a hundred lines typed with mixed endings give a hundred line ends") {
        val endings = listOf("\r\n", "\r\u0000", "\r", "\n")
        val text = (0 until 100).joinToString("") { "line $it${endings[it % 4]}" }
        val events = decodeChunks(byteByByte(latin1(text)))
        lineEnds(events) shouldBe 100
    }

    test("binary input: binaryInput passes CR LF, CR NUL and lone CR and LF unchanged") {
        val decoder = TelnetDecoder().apply { binaryInput = true }
        decodeChunks(listOf(latin1("a\r\nb\r\u0000c\rd\ne")), decoder) shouldContainExactly
            listOf("Data(\"a\\r\\nb\\r\\0c\\rd\\ne\")")
    }

    test("binary input: binaryInput still un-doubles IAC and decodes commands") {
        val decoder = TelnetDecoder().apply { binaryInput = true }
        decodeChunks(listOf(bytes(13, IAC, IAC, 10, IAC, 246)), decoder) shouldContainExactly
            listOf("Data(\"\\r\\xFF\\n\")", "Command(AYT)")
    }

    test("binary input: binary turned on after a CR lets the next LF through") {
        val decoder = TelnetDecoder()
        decodeChunks(listOf(latin1("a\r")), decoder) shouldContainExactly listOf("Data(\"a\\r\")")
        decoder.binaryInput = true
        decodeChunks(listOf(latin1("\nb")), decoder) shouldContainExactly listOf("Data(\"\\nb\")")
    }

    test("binary input: switching binary on forgets a pending CR, so an LF after it is switched off again is kept") {
        val decoder = TelnetDecoder()
        decodeChunks(listOf(latin1("a\r")), decoder) shouldContainExactly listOf("Data(\"a\\r\")")
        decoder.binaryInput = true
        decoder.binaryInput = false
        decodeChunks(listOf(latin1("\nb")), decoder) shouldContainExactly listOf("Data(\"\\nb\")")
    }

    test("binary input: binary turned off again restores the NVT translation") {
        val decoder = TelnetDecoder().apply { binaryInput = true }
        decodeChunks(listOf(latin1("a\r\n")), decoder) shouldContainExactly listOf("Data(\"a\\r\\n\")")
        decoder.binaryInput = false
        decodeChunks(listOf(latin1("b\r\n")), decoder) shouldContainExactly listOf("Data(\"b\\r\")")
    }

    test("SB bound: a 10 MiB unterminated SB is dropped with one error, memory stays bounded, and the decoder recovers") {
        val cap = TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION
        val decoder = TelnetDecoder()
        val events = ArrayList<TelnetEvent>()
        decoder.decode(bytes(IAC, SB, 24)) { events.add(it) }
        val chunk = ByteArray(64 * 1024) { 'x'.code.toByte() }
        var fed = 0
        while (fed < 10 * 1024 * 1024) {
            decoder.decode(chunk) { events.add(it) }
            fed += chunk.size
            decoder.bufferedSubnegotiationBytes shouldBeLessThanOrEqual cap
        }
        decoder.bufferedSubnegotiationBytes shouldBe 0
        render(events) shouldContainExactly listOf("SubnegotiationError(option=24, reason=longer than $cap bytes)")

        events.clear()
        decoder.decode(concat(bytes(IAC, SE, IAC, SB, 31, 0, 80, 0, 24, IAC, SE), latin1("ok\r\n"))) { events.add(it) }
        render(events) shouldContainExactly listOf("SB NAWS [00 50 00 18]", "Data(\"ok\\r\")")
        decoder.bufferedSubnegotiationBytes shouldBe 0
    }

    test("SB bound: bufferedSubnegotiationBytes counts the SB in progress and never exceeds the cap") {
        val decoder = TelnetDecoder(32)
        decoder.decode(bytes(IAC, SB, 24)) {}
        for (i in 1..32) {
            decoder.decode(bytes(65)) {}
            decoder.bufferedSubnegotiationBytes shouldBe i
        }
        val events = ArrayList<TelnetEvent>()
        repeat(100) {
            decoder.decode(bytes(65)) { events.add(it) }
            decoder.bufferedSubnegotiationBytes shouldBeLessThanOrEqual 32
        }
        events shouldContainExactly listOf(TelnetEvent.SubnegotiationError(24, "longer than 32 bytes"))
        decoder.decode(bytes(IAC, SE)) { events.add(it) }
        events.size shouldBe 1
        decoder.bufferedSubnegotiationBytes shouldBe 0
    }

    test("SB bound: an SB cut short by a command leaves nothing buffered") {
        val decoder = TelnetDecoder()
        decoder.decode(bytes(IAC, SB, 24, 0, 65, 66)) {}
        decoder.bufferedSubnegotiationBytes shouldBe 3
        decoder.decode(bytes(IAC, 241)) {}
        decoder.bufferedSubnegotiationBytes shouldBe 0
    }

    test("IAC SB IAC: the user's data after it is never held as a subnegotiation, in any split") {
        val typed = latin1("x".repeat(4000) + "\r\n")
        val input = concat(bytes(IAC, SB, IAC, SE), typed)
        for (split in listOf(1, 2, 3, 4, 5, 100)) {
            withClue("split at $split") {
                val decoder = TelnetDecoder()
                val events = ArrayList<TelnetEvent>()
                decoder.decode(input.copyOfRange(0, split)) { events.add(it) }
                decoder.bufferedSubnegotiationBytes shouldBe 0
                decoder.decode(input.copyOfRange(split, input.size)) { events.add(it) }
                decoder.bufferedSubnegotiationBytes shouldBe 0
                render(events) shouldContainExactly listOf(
                    "SubnegotiationError(option=255, reason=IAC in place of the option code)", "Command(SE)",
                    "Data(\"${"x".repeat(4000)}\\r\")",
                )
            }
        }
    }

    test("arguments: decode reads only the given range") {
        val input = concat(latin1("xx"), bytes(IAC, 246), latin1("ab"), bytes(IAC))
        val events = ArrayList<TelnetEvent>()
        TelnetDecoder().decode(input, 2, 4) { events.add(it) }
        render(events) shouldContainExactly listOf("Command(AYT)", "Data(\"ab\")")
    }

    test("arguments: a range outside the array is refused") {
        shouldThrow<IllegalArgumentException> { TelnetDecoder().decode(ByteArray(4), 2, 3) {} }
        shouldThrow<IllegalArgumentException> { TelnetDecoder().decode(ByteArray(4), -1, 1) {} }
        shouldThrow<IllegalArgumentException> { TelnetDecoder().decode(ByteArray(4), 0, -1) {} }
    }

    test("arguments: a subnegotiation cap below 16 bytes is refused") {
        shouldThrow<IllegalArgumentException> { TelnetDecoder(15) }
        TelnetDecoder(16)
    }
})
