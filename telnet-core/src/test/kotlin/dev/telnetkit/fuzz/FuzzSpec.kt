package dev.telnetkit.fuzz

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.terminal.Key
import io.kotest.common.ExperimentalKotest
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.property.Arb
import io.kotest.property.PropTestConfig
import io.kotest.property.arbitrary.bind
import io.kotest.property.arbitrary.boolean
import io.kotest.property.arbitrary.byte
import io.kotest.property.arbitrary.choice
import io.kotest.property.arbitrary.element
import io.kotest.property.arbitrary.int
import io.kotest.property.arbitrary.list
import io.kotest.property.arbitrary.map
import io.kotest.property.checkAll
import kotlin.time.Duration.Companion.minutes

/*
 * Property-based fuzzing of the hostile-input units, bounded for every build: random bytes and
 * structured hostile input (well-formed and broken Telnet frames, escape sequences of every shape,
 * editing sessions, quote-heavy command lines) against the invariants in FuzzChecks.kt, with
 * kotest's shrinking down to a small failing input. Jazzer's coverage-guided fuzzing of the same
 * invariants runs on demand (TelnetKitFuzzTest).
 *
 * Each property runs ITERATIONS (4,000 by default) cases times its weight (1 to 10, the cheap ones
 * more), 264,000 cases in all: 18-25 s on the 2-core build machine depending on its load, which
 * with TelnetKitFuzzTest's regression run (4-5 s) keeps the build's fuzzing under 30 s. Run more
 * with -Dtelnetkit.fuzz.iterations=N (or TELNETKIT_FUZZ_ITERATIONS=N); 50,000 (3.3 million cases)
 * take about 4 minutes:
 *
 *   mvn -B test -pl telnet-core -Dtest=FuzzSpec -Dsurefire.failIfNoSpecifiedTests=false -Dtelnetkit.fuzz.iterations=50000
 *
 * Each run uses a fresh random seed; a failure prints it with the shrunk input, so it can be
 * replayed with PropTestConfig(seed = ...).
 */
private const val DEFAULT_ITERATIONS = 4000

private val ITERATIONS: Int =
    (System.getProperty("telnetkit.fuzz.iterations") ?: System.getenv("TELNETKIT_FUZZ_ITERATIONS"))?.trim()?.takeIf { it.isNotEmpty() }?.toInt()
        ?: DEFAULT_ITERATIONS

/** [weight] × ITERATIONS cases: cheap properties run more of them, in about the same time each. */
@OptIn(ExperimentalKotest::class)
private fun config(weight: Int) = PropTestConfig(iterations = ITERATIONS * weight)

// ---- Telnet frames ----

private const val IAC = TelnetCommand.IAC
private val anyByte = Arb.int(0..255)
private val hostileByte = Arb.choice(Arb.element(IAC, IAC, 13, 13, 10, 10, 0, TelnetCommand.SE, TelnetCommand.SB, 251, 252, 253, 254, 244, 246), anyByte)
private val interestingOption = Arb.choice(
    Arb.element(
        TelnetOption.BINARY, TelnetOption.ECHO, TelnetOption.SGA, TelnetOption.TIMING_MARK, TelnetOption.TTYPE, TelnetOption.NAWS,
        TelnetOption.TSPEED, TelnetOption.LINEMODE, TelnetOption.XDISPLOC, TelnetOption.NEW_ENVIRON, TelnetOption.CHARSET, 255,
    ),
    anyByte,
)

private fun bytes(vararg values: Int) = ByteArray(values.size) { values[it].toByte() }
private fun List<Int>.toBytes() = ByteArray(size) { this[it].toByte() }
private fun ascii(text: String) = text.toByteArray(Charsets.ISO_8859_1).map { it.toInt() and 0xff }

private val dataFrame = Arb.list(Arb.choice(Arb.element(13, 10, 0, 'a'.code, 0x1b), anyByte), 1..12).map { it.toBytes() }
private val negotiationFrame = Arb.bind(Arb.int(TelnetCommand.WILL..TelnetCommand.DONT), interestingOption) { verb, option -> bytes(IAC, verb, option) }
private val commandFrame = Arb.choice(Arb.element(241, 243, 244, 245, 246, 247, 248, 249, 240, 242), anyByte).map { code -> bytes(IAC, code) }

/** Payloads the protocol understands (and breaks): TTYPE IS, NAWS, NEW-ENVIRON, CHARSET, TSPEED, XDISPLOC. */
private val knownPayload: Arb<Pair<Int, List<Int>>> = Arb.element(
    TelnetOption.TTYPE to listOf(0) + ascii("XTERM-256COLOR"),
    TelnetOption.TTYPE to listOf(0) + ascii("VT100"),
    TelnetOption.TTYPE to listOf(0),
    TelnetOption.TTYPE to listOf(1),
    TelnetOption.NAWS to listOf(0, 80, 0, 24),
    TelnetOption.NAWS to listOf(255, 255, 255, 255),
    TelnetOption.NAWS to listOf(0, 0, 0, 0),
    TelnetOption.NAWS to listOf(0, 80, 0),
    TelnetOption.NEW_ENVIRON to listOf(0, 0) + ascii("USER") + listOf(1) + ascii("root") + listOf(3) + ascii("X") + listOf(1, 2, 1),
    TelnetOption.NEW_ENVIRON to listOf(2, 0) + ascii("LANG") + listOf(1) + ascii("C"),
    TelnetOption.NEW_ENVIRON to listOf(0, 0, 0, 0, 1, 1, 3, 2),
    TelnetOption.NEW_ENVIRON to listOf(0, 2),
    TelnetOption.CHARSET to listOf(1) + ascii(";UTF-8;ISO-8859-1"),
    TelnetOption.CHARSET to listOf(1) + ascii("[TTABLE]x;KOI8-R"),
    TelnetOption.CHARSET to listOf(1),
    TelnetOption.CHARSET to listOf(2) + ascii("UTF-8"),
    TelnetOption.CHARSET to listOf(2) + ascii("EBCDIC"),
    TelnetOption.CHARSET to listOf(3),
    TelnetOption.CHARSET to listOf(5, 1) + ascii("x"),
    TelnetOption.CHARSET to listOf(9),
    TelnetOption.TSPEED to listOf(0) + ascii("38400,38400"),
    TelnetOption.TSPEED to listOf(0) + ascii("-1,x"),
    TelnetOption.XDISPLOC to listOf(0) + ascii("host:0"),
)

/** IAC SB option payload [IAC SE]: known payloads, random ones, and runs long enough to pass any limit. */
private val subnegotiationFrame = Arb.bind(
    Arb.choice(
        knownPayload,
        Arb.bind(interestingOption, Arb.list(hostileByte, 0..24)) { option, payload -> option to payload },
        Arb.bind(interestingOption, Arb.int(0..255), Arb.int(0..20_000)) { option, fill, length -> option to List(length) { fill } },
    ),
    Arb.int(0..9),
) { (option, payload), ending ->
    val body = payload.flatMap { if (it == IAC && ending != 0) listOf(IAC, IAC) else listOf(it) }
    val end = when (ending) {
        0 -> emptyList() // never terminated
        1 -> listOf(IAC, TelnetCommand.WILL, TelnetOption.ECHO) // cut short by a command
        2 -> listOf(IAC) // IAC at the very end
        else -> listOf(IAC, TelnetCommand.SE)
    }
    (listOf(IAC, TelnetCommand.SB, option) + body + end).toBytes()
}

private val truncatedFrame = Arb.element(bytes(IAC), bytes(IAC, TelnetCommand.SB), bytes(IAC, TelnetCommand.WILL), bytes(IAC, TelnetCommand.SE), bytes(13))

private val telnetStream = Arb.list(
    Arb.choice(dataFrame, negotiationFrame, negotiationFrame, commandFrame, subnegotiationFrame, truncatedFrame),
    0..40,
).map { frames -> frames.fold(ByteArray(0)) { all, frame -> all + frame } }

// A list, not Arb.byteArray: lists shrink (drop and simplify elements), so a failure ends up small.
private val randomBytes = Arb.list(Arb.byte(), 0..512).map { it.toByteArray() }
private val pattern = Arb.int(0..255)

// ---- terminal input ----

private val typedToken = Arb.choice(
    Arb.element(KeyDecoderFuzz.TYPED),
    Arb.int(0x20..0x10FFFF).map { if (it in 0xD800..0xDFFF) it + 0x800 else it },
).map { KeyDecoderFuzz.Token.Typed(it) }

private val csiToken = Arb.bind(Arb.list(Arb.int(0x30..0x3F), 0..24), Arb.list(Arb.int(0x20..0x2F), 0..3), Arb.int(0x40..0x7E)) { params, intermediates, final ->
    KeyDecoderFuzz.Token.Sequence("\u001b[" + (params + intermediates + final).map { it.toChar() }.joinToString(""))
}
private val ss3Token = Arb.bind(Arb.list(Arb.int(0x30..0x3F), 0..4), Arb.choice(Arb.int(0x20..0x2F), Arb.int(0x40..0x7E))) { params, last ->
    KeyDecoderFuzz.Token.Sequence("\u001bO" + (params + last).map { it.toChar() }.joinToString(""))
}
private val altToken = Arb.element(KeyDecoderFuzz.ALT_KEYS.toList()).map { KeyDecoderFuzz.Token.Sequence("\u001b$it") }
private val knownToken = Arb.element(KeyDecoderFuzz.KNOWN_SEQUENCES).map { KeyDecoderFuzz.Token.Sequence(it) }
private val tokens = Arb.list(Arb.choice(typedToken, typedToken, csiToken, ss3Token, altToken, knownToken), 0..30)

private val steeringText = Arb.list(
    Arb.choice(
        Arb.element("\u001b", "\u001b[", "\u001bO", "[", "O", "1", ";", "5", "?", "~", "A", "D", "$", " ", "\r", "\n", "\u0000", "\u0003", "\u007f", "\u009b", "\uD83D", "\uDE00", "\uD83D\uDE00", "日"),
        Arb.int(0..0xFFFF).map { it.toChar().toString() },
    ),
    0..60,
).map { it.joinToString("") }

// ---- line editing ----

private val editorAction: Arb<LineEditorFuzz.Action> = Arb.choice(
    Arb.element(LineEditorFuzz.TYPED).map { LineEditorFuzz.Action.Press(Key.Text(it)) },
    Arb.element(LineEditorFuzz.TYPED).map { LineEditorFuzz.Action.Press(Key.Text(it)) },
    Arb.element(LineEditorFuzz.KEYS).map { LineEditorFuzz.Action.Press(it) },
    Arb.int(0..300).map { LineEditorFuzz.Action.Resize(it) },
    Arb.element(LineEditorFuzz.MESSAGES).map { LineEditorFuzz.Action.Message(it) },
)

private val editorScenario = Arb.bind(
    Arb.int(1..64),
    Arb.boolean(),
    Arb.boolean(),
    Arb.int(0..300),
    Arb.element(LineEditorFuzz.PROMPTS),
    Arb.int(0..3),
    Arb.list(Arb.element(LineEditorFuzz.COMPLETIONS), 0..4),
    Arb.list(editorAction, 0..120),
) { maxLength, echo, render, width, prompt, history, completions, actions ->
    LineEditorFuzz.Scenario(maxLength, echo, render, width, prompt, List(history) { "#h$it" }, completions.distinct(), actions)
}

// ---- command lines ----

private val commandText = Arb.list(
    Arb.choice(Arb.element("'", "\"", "\\", " ", "\t", "\n", "$", "`", "a", "b", "日", "\r", "\u0000", "\\\n", "'\\''"), Arb.int(0..0xFFFF).map { it.toChar().toString() }),
    0..40,
).map { it.joinToString("") }

private val words = Arb.list(commandText, 0..6)

class FuzzSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 15.minutes)

    context("TelnetDecoder") {
        test("random bytes, split anywhere: never throws, bounded, split-independent, round-trips") {
            checkAll(config(2), randomBytes, pattern, Arb.boolean(), Arb.element(DecoderFuzz.SUBNEGOTIATION_LIMITS)) { input, p, binary, max ->
                DecoderFuzz.check(input, cutPoints(input.size, p), binary, max)
            }
        }
        test("hostile Telnet streams (doubled IACs, overlong, unterminated and interrupted subnegotiations, truncated commands)") {
            checkAll(config(1), telnetStream, pattern, Arb.boolean(), Arb.element(DecoderFuzz.SUBNEGOTIATION_LIMITS)) { input, p, binary, max ->
                DecoderFuzz.check(input, cutPoints(input.size, p), binary, max)
            }
        }
    }

    context("TelnetProtocol and its option negotiator") {
        test("random bytes: never throws, output bounded per input byte, no negotiation loop, limits respected") {
            checkAll(config(4), randomBytes, pattern, Arb.int(0 until ProtocolFuzz.SETTINGS.size)) { input, p, variant ->
                ProtocolFuzz.check(input, cutPoints(input.size, p), variant)
            }
        }
        test("negotiation storms and malformed subnegotiations of every option the server speaks") {
            checkAll(config(2), telnetStream, pattern, Arb.int(0 until ProtocolFuzz.SETTINGS.size)) { input, p, variant ->
                ProtocolFuzz.check(input, cutPoints(input.size, p), variant)
            }
        }
    }

    context("KeyDecoder") {
        test("any text: never throws, split-independent, never a control character or half a surrogate pair as text") {
            checkAll(config(10), steeringText, pattern) { text, p -> KeyDecoderFuzz.checkText(text, p) }
        }
        test("typed characters among escape sequences of every shape: text keys are exactly the typed characters") {
            checkAll(config(10), tokens, pattern) { t, p -> KeyDecoderFuzz.checkTokens(t, p) }
        }
        test("raw fuzzer bytes through the Jazzer entry point") {
            checkAll(config(5), randomBytes) { KeyDecoderFuzz.fromBytes(it) }
        }
    }

    context("LineEditor") {
        test("random editing sessions: cursor within the text, text within maxLength, hidden input never shown") {
            checkAll(config(4), editorScenario) { LineEditorFuzz.check(it) }
        }
        test("raw fuzzer bytes through the Jazzer entry point") {
            checkAll(config(1), randomBytes) { LineEditorFuzz.fromBytes(it) }
        }
    }

    context("CommandLineParser") {
        test("any text: never throws; complete lines survive join and parse; incomplete ones complete as they say") {
            checkAll(config(10), commandText) { ParserFuzz.checkText(it) }
        }
        test("any words survive join and parse, each quoted word alone too") {
            checkAll(config(10), words) { ParserFuzz.checkWords(it) }
        }
        test("raw fuzzer bytes through the Jazzer entry point") {
            checkAll(config(5), randomBytes) { ParserFuzz.fromBytes(it) }
        }
    }

    test("the all-units Jazzer entry point accepts any bytes") {
        checkAll(config(2), randomBytes) { fuzzEverything(it) }
    }
})
