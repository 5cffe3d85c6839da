package dev.telnetkit.fuzz

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.ProtocolEvent
import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetDecoder
import dev.telnetkit.protocol.TelnetEncoder
import dev.telnetkit.protocol.TelnetEvent
import dev.telnetkit.protocol.TelnetProtocol
import dev.telnetkit.shell.CommandLineParser
import dev.telnetkit.terminal.Completer
import dev.telnetkit.terminal.History
import dev.telnetkit.terminal.Key
import dev.telnetkit.terminal.KeyDecoder
import dev.telnetkit.terminal.LineEditor
import java.io.ByteArrayOutputStream

/*
 * The invariants the fuzzers check, one entry point per unit. Each takes plain values (so that the
 * kotest properties in FuzzSpec can generate and shrink them) and throws an AssertionError naming
 * the input when an invariant breaks; the Jazzer targets in TelnetKitFuzzTest build the same values
 * from raw fuzzer bytes with [FuzzBytes].
 */

/** An invariant broke for the input described by [input]. */
internal fun violated(what: String, input: () -> String): Nothing = throw AssertionError("$what\ninput: ${input()}")

internal fun ByteArray.hex(): String = joinToString(" ") { "%02X".format(it.toInt() and 0xff) }

internal fun String.escaped(): String = buildString {
    for (c in this@escaped) {
        if (c in ' '..'~' && c != '\\') append(c) else append("\\u%04x".format(c.code))
    }
}

/**
 * Reads structure out of fuzzer bytes, front to back. Past the end every read gives zero, so any
 * input, even an empty one, is a valid input.
 */
internal class FuzzBytes(private val data: ByteArray) {
    private var at = 0

    val remaining: Int get() = data.size - at

    fun byte(): Int = if (at < data.size) data[at++].toInt() and 0xff else 0

    fun bool(): Boolean = byte() and 1 == 1

    /** A number in [range] (at most 65,536 wide) from two bytes. */
    fun int(range: IntRange): Int {
        val span = range.last - range.first + 1
        return range.first + ((byte() or (byte() shl 8)) % span)
    }

    fun <T> pick(items: List<T>): T = items[byte() % items.size]

    fun rest(): ByteArray = data.copyOfRange(at, data.size).also { at = data.size }
}

/**
 * Where to cut an input of [size] bytes into the pieces that separate calls receive: [pattern] 0
 * is one piece, 1 every byte on its own, anything else pseudo-random pieces seeded by it.
 */
internal fun cutPoints(size: Int, pattern: Int): List<Int> = when {
    size < 2 || pattern == 0 -> emptyList()
    pattern == 1 -> (1 until size).toList()
    else -> {
        val random = java.util.Random(pattern.toLong())
        val every = 1 + random.nextInt(16)
        (1 until size).filter { random.nextInt(every) == 0 }
    }
}

/** Calls [feed] with consecutive pieces of [input] split at [cuts]. */
internal inline fun inPieces(input: ByteArray, cuts: List<Int>, feed: (offset: Int, length: Int) -> Unit) {
    var from = 0
    for (cut in cuts + input.size) {
        if (cut > from) feed(from, cut - from)
        from = maxOf(from, cut)
    }
}

// ---------------------------------------------------------------------------------------------
// TelnetDecoder

internal object DecoderFuzz {
    val SUBNEGOTIATION_LIMITS = listOf(16, 64, 1024, TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION)

    fun fromBytes(data: ByteArray) {
        val b = FuzzBytes(data)
        val flags = b.byte()
        val pattern = b.byte()
        val input = b.rest()
        check(input, cutPoints(input.size, pattern), binary = flags and 1 == 1, maxSubnegotiation = SUBNEGOTIATION_LIMITS[(flags shr 1) % SUBNEGOTIATION_LIMITS.size])
    }

    /**
     * Never throws; the subnegotiation buffer stays within [maxSubnegotiation] after every call and
     * no payload exceeds it; the events do not depend on how the input is split; every event is
     * well-formed; and (binary mode) the events round-trip: encoding them and decoding the result
     * gives the same events, so nothing is lost or invented between the wire and the events.
     */
    fun check(input: ByteArray, cuts: List<Int>, binary: Boolean, maxSubnegotiation: Int) {
        val describe = { "binary=$binary max=$maxSubnegotiation cuts=$cuts bytes=[${input.hex()}]" }
        val whole = decode(input, emptyList(), binary, maxSubnegotiation, describe)
        val pieces = decode(input, cuts, binary, maxSubnegotiation, describe)
        if (normalized(whole) != normalized(pieces)) {
            violated("events depend on how the input is split:\nwhole:  ${normalized(whole)}\npieces: ${normalized(pieces)}", describe)
        }
        var dataBytes = 0
        for (event in whole) {
            when (event) {
                is TelnetEvent.Data -> dataBytes += event.bytes.size
                is TelnetEvent.Negotiation -> if (event.verb !in TelnetCommand.WILL..TelnetCommand.DONT || event.option !in 0..255) violated("bad negotiation $event", describe)
                is TelnetEvent.Subnegotiation -> if (event.payload.size > maxSubnegotiation || event.option !in 0..255) violated("subnegotiation of ${event.payload.size} bytes", describe)
                is TelnetEvent.Command -> if (event.code == TelnetCommand.IAC || event.code == TelnetCommand.SB || event.code in TelnetCommand.WILL..TelnetCommand.DONT) violated("command $event", describe)
                is TelnetEvent.SubnegotiationError -> Unit
            }
        }
        if (dataBytes > input.size) violated("$dataBytes data bytes out of ${input.size} bytes in", describe)
        if (binary) {
            val encoded = encode(whole)
            val again = decode(encoded, emptyList(), binary = true, maxSubnegotiation, describe)
            val expected = normalized(whole.filter { it !is TelnetEvent.SubnegotiationError })
            if (normalized(again) != expected) violated("events do not round-trip:\nfirst: $expected\nagain: ${normalized(again)}", describe)
        }
    }

    private fun decode(input: ByteArray, cuts: List<Int>, binary: Boolean, max: Int, describe: () -> String): List<TelnetEvent> {
        val decoder = TelnetDecoder(max).apply { binaryInput = binary }
        val events = ArrayList<TelnetEvent>()
        inPieces(input, cuts) { offset, length ->
            decoder.decode(input, offset, length) { events.add(it) }
            if (decoder.bufferedSubnegotiationBytes !in 0..max) violated("${decoder.bufferedSubnegotiationBytes} subnegotiation bytes held (limit $max)", describe)
        }
        return events
    }

    /** Events as comparable text, adjacent data runs merged (how data is split into runs is free). */
    fun normalized(events: List<TelnetEvent>): List<String> {
        val out = ArrayList<String>()
        val data = ByteArrayOutputStream()
        fun flush() {
            if (data.size() > 0) out.add("data ${data.toByteArray().hex()}")
            data.reset()
        }
        for (event in events) {
            when (event) {
                is TelnetEvent.Data -> data.write(event.bytes)
                is TelnetEvent.Subnegotiation -> { flush(); out.add("sb ${event.option} ${event.payload.hex()}") }
                else -> { flush(); out.add(event.toString()) }
            }
        }
        flush()
        return out
    }

    fun encode(events: List<TelnetEvent>): ByteArray {
        val out = ByteArrayOutputStream()
        for (event in events) {
            when (event) {
                is TelnetEvent.Data -> out.write(TelnetEncoder.encodeData(event.bytes, binary = true))
                is TelnetEvent.Command -> out.write(TelnetEncoder.command(event.code))
                is TelnetEvent.Negotiation -> out.write(TelnetEncoder.negotiation(event.verb, event.option))
                is TelnetEvent.Subnegotiation -> out.write(TelnetEncoder.subnegotiation(event.option, event.payload))
                is TelnetEvent.SubnegotiationError -> Unit
            }
        }
        return out.toByteArray()
    }
}

// ---------------------------------------------------------------------------------------------
// TelnetProtocol (and the OptionNegotiator inside it)

internal object ProtocolFuzz {
    val SETTINGS = listOf(
        ProtocolSettings(),
        ProtocolSettings(maxSubnegotiation = 64, maxTerminalTypes = 2, maxEnvironmentVariables = 2, maxNegotiationsPerOption = 4),
        ProtocolSettings(charsets = listOf(Charsets.ISO_8859_1, Charsets.UTF_8), maxTerminalTypes = 64, maxEnvironmentVariables = 4096, maxNegotiationsPerOption = 250),
    )

    /** Requests the server makes on its own: DO TTYPE at open; WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET once the client answers. */
    const val OWN_REQUESTS = 6

    /**
     * Output allowed per input byte. Every answer is caused by a received message of at least 3
     * bytes (a negotiation) or 5 (a subnegotiation); the largest answer to one is the CHARSET
     * REQUEST sent when the client enables CHARSET (IAC SB CHARSET REQUEST ";UTF-8;ISO-8859-1;
     * US-ASCII" IAC SE, 33 bytes, after a 3-byte WILL CHARSET) plus the 3-byte reply: 12 bytes per
     * byte in. Anything near that only ever happens a bounded number of times (negotiation budget).
     */
    const val MAX_OUTPUT_PER_INPUT_BYTE = 12

    /** The opening: DO TTYPE and the five offers (18 bytes), with room to spare. */
    const val OPENING_BYTES = 64

    fun fromBytes(data: ByteArray) {
        val b = FuzzBytes(data)
        val variant = b.byte()
        val pattern = b.byte()
        val input = b.rest()
        check(input, cutPoints(input.size, pattern), variant % SETTINGS.size)
    }

    /**
     * Never throws; output stays within [OPENING_BYTES] + [MAX_OUTPUT_PER_INPUT_BYTE] × input; the
     * output is nothing but well-formed negotiations and subnegotiations, never more negotiations
     * than received plus the server's own [OWN_REQUESTS] (an answer is never answered, so no loop)
     * and never more subnegotiations than messages received; events respect the settings' limits;
     * and the last OptionChanged of every option agrees with the final state.
     */
    fun check(input: ByteArray, cuts: List<Int>, variant: Int) {
        val settings = SETTINGS[variant]
        val describe = { "settings #$variant cuts=$cuts bytes=[${input.hex()}]" }
        val output = ByteArrayOutputStream()
        val events = ArrayList<ProtocolEvent>()
        val protocol = TelnetProtocol(settings, { output.write(it) }, { events.add(it) })
        protocol.open()
        inPieces(input, cuts) { offset, length ->
            protocol.receive(input, offset, length)
            protocol.isSettled
        }
        if (output.size() > OPENING_BYTES + MAX_OUTPUT_PER_INPUT_BYTE.toLong() * input.size) {
            violated("${output.size()} bytes out for ${input.size} in", describe)
        }

        val received = countMessages(input, settings.maxSubnegotiation)
        val sent = TelnetDecoder(1 shl 24).apply { binaryInput = true }
        var sentNegotiations = 0
        var sentSubnegotiations = 0
        sent.decode(output.toByteArray()) { event ->
            when (event) {
                is TelnetEvent.Negotiation -> sentNegotiations++
                is TelnetEvent.Subnegotiation -> sentSubnegotiations++
                else -> violated("the server sent $event: [${output.toByteArray().hex()}]", describe)
            }
        }
        if (sent.bufferedSubnegotiationBytes != 0) violated("the output ends inside a subnegotiation", describe)
        if (sentNegotiations > received.negotiations + OWN_REQUESTS) {
            violated("$sentNegotiations negotiations sent for ${received.negotiations} received", describe)
        }
        // At most two per message received: the TTYPE cycle asks two SENDs at a time.
        if (sentSubnegotiations > 2 * (received.negotiations + received.subnegotiations)) {
            violated("$sentSubnegotiations subnegotiations sent for ${received.negotiations} negotiations and ${received.subnegotiations} subnegotiations received", describe)
        }

        var dataBytes = 0
        val lastChange = HashMap<Pair<OptionSide, Int>, Boolean>()
        for (event in events) {
            when (event) {
                is ProtocolEvent.Data -> dataBytes += event.bytes.size
                is ProtocolEvent.WindowSize -> if (event.width !in 0..65535 || event.height !in 0..65535) violated("window $event", describe)
                is ProtocolEvent.TerminalTypes -> if (event.all.size > settings.maxTerminalTypes || event.chosen.length > settings.maxSubnegotiation) violated("terminal types $event", describe)
                is ProtocolEvent.Environment -> if (event.variables.size + event.userVariables.size > settings.maxEnvironmentVariables) violated("${event.variables.size} + ${event.userVariables.size} variables", describe)
                is ProtocolEvent.OptionChanged -> lastChange[event.side to event.option] = event.enabled
                is ProtocolEvent.CharsetChanged -> if (event.charset !in settings.charsets) violated("charset ${event.charset} not offered", describe)
                else -> Unit
            }
        }
        if (dataBytes > input.size) violated("$dataBytes data bytes from ${input.size} in", describe)
        for ((key, enabled) in lastChange) {
            if (protocol.isEnabled(key.first, key.second) != enabled) violated("option ${key.second} on ${key.first}: last reported $enabled", describe)
        }
    }

    class Counts(val negotiations: Int, val subnegotiations: Int)

    /** Negotiations and subnegotiations (complete or dropped) in what the client sent. */
    fun countMessages(input: ByteArray, maxSubnegotiation: Int): Counts {
        var negotiations = 0
        var subnegotiations = 0
        TelnetDecoder(maxSubnegotiation).decode(input) { event ->
            when (event) {
                is TelnetEvent.Negotiation -> negotiations++
                is TelnetEvent.Subnegotiation -> subnegotiations++
                else -> Unit
            }
        }
        return Counts(negotiations, subnegotiations)
    }
}

// ---------------------------------------------------------------------------------------------
// KeyDecoder

internal object KeyDecoderFuzz {
    /** Control characters that steer the decoder (mostly ESC), so that random text hits every state often. */
    private const val STEERING = "\u001b\u001b\u001b\u001b\u001b\u001b\u001b\u001b\r\r\n\n\u0000\t\u0003\b\u007f\u0080\u009b\u0004\u0001\u001f\uD83D\uDE00"

    /** One token of well-formed terminal input. */
    sealed class Token {
        /** A typed character other than ESC: printable ones must come out as exactly that Text key. */
        data class Typed(val codePoint: Int) : Token()

        /** An escape sequence (CSI, SS3 or an Alt-prefixed key): nothing of it may come out as Text. */
        data class Sequence(val text: String) : Token()

        override fun toString(): String = when (this) {
            is Typed -> "Typed(U+%04X)".format(codePoint)
            is Sequence -> "Sequence(${text.escaped()})"
        }
    }

    fun isPrintable(codePoint: Int): Boolean =
        codePoint >= 0x20 && codePoint != 0x7f && codePoint !in 0x80..0x9f && codePoint !in 0xD800..0xDFFF && Character.isValidCodePoint(codePoint)

    /**
     * Text of any characters: a byte 0x20-0x7E is that ASCII character, one below picks a control
     * character from STEERING, one above starts a UTF-16 char of two bytes.
     */
    fun textFromBytes(b: FuzzBytes): String = buildString {
        while (b.remaining > 0) {
            val v = b.byte()
            when {
                v < 0x20 -> append(STEERING[v % STEERING.length])
                v < 0x7f -> append(v.toChar())
                else -> append(((v shl 8) or b.byte()).toChar())
            }
        }
    }

    fun tokensFromBytes(b: FuzzBytes): List<Token> {
        val tokens = ArrayList<Token>()
        while (b.remaining > 0) {
            tokens.add(
                when (b.byte() % 8) {
                    0, 1, 2 -> Token.Typed(b.pick(TYPED))
                    3 -> Token.Typed(0x20 + b.int(0..0x10FFFF - 0x20).let { if (it in 0xD800 - 0x20..0xDFFF - 0x20) it + 0x800 else it })
                    4 -> Token.Sequence(csi(b.int(0..24), b.int(0..3), b.byte()) { b.byte() })
                    5 -> Token.Sequence(ss3(b.int(0..4), b.byte()) { b.byte() })
                    6 -> Token.Sequence("\u001b" + ALT_KEYS[b.byte() % ALT_KEYS.length])
                    else -> Token.Sequence(b.pick(KNOWN_SEQUENCES))
                },
            )
        }
        return tokens
    }

    /** Characters a user types: ASCII, controls that are keys, wide, combining and astral ones. */
    val TYPED = listOf(
        'a'.code, 'Z'.code, '0'.code, ' '.code, '~'.code, '['.code, 'O'.code, '\''.code, 0xE9, 0x65E5, 0x0301, 0x1F600, 0xFFFD,
        '\r'.code, '\n'.code, '\t'.code, 0x03, 0x04, 0x08, 0x7f, 0x00, 0x01, 0x1f, 0x85, 0x9b,
    )

    /** After ESC: anything but '[' and 'O' (which open CSI and SS3) and ESC (which starts over). */
    const val ALT_KEYS = "bBfFdD\u007f\u0008xq1 ~.\r\t"

    val KNOWN_SEQUENCES = listOf(
        "\u001b[A", "\u001b[B", "\u001b[C", "\u001b[D", "\u001b[H", "\u001b[F", "\u001b[1~", "\u001b[2~", "\u001b[3~", "\u001b[4~",
        "\u001b[5~", "\u001b[6~", "\u001b[7~", "\u001b[8~", "\u001b[1;5C", "\u001b[1;5D", "\u001b[1;3D", "\u001bOA", "\u001bOH",
        "\u001bOc", "\u001bOd", "\u001b[200~", "\u001b[201~", "\u001b[I", "\u001b[O", "\u001b[?1;2c", "\u001b[12;40R",
        "\u001b[>0;95;0c", "\u001b[?2004h", "\u001b[2 q", "\u001b[1\$q", "\u001b[0\"p", "\u001b[?1;2\$y",
        "\u001bO5D", "\u001bO5C", "\u001bO2A", "\u001bO1;5P", "\u001bO5P", "\u001bO1;2S",
    )

    /**
     * An SS3 sequence: `ESC O`, parameter bytes (0x30-0x3F) as xterm sends for modified keys
     * (`ESC O 5 D`), then one byte 0x20-0x2F or 0x40-0x7E, which ends it (known or not).
     */
    fun ss3(params: Int, last: Int, next: () -> Int): String = buildString {
        append("\u001bO")
        repeat(params) { append((0x30 + next() % 0x10).toChar()) }
        val end = last % 0x4f
        append((if (end < 0x10) 0x20 + end else 0x40 + (end - 0x10)).toChar())
    }

    /**
     * A CSI sequence as ECMA-48 defines it: parameter bytes (0x30-0x3F), intermediate bytes
     * (0x20-0x2F), one final byte (0x40-0x7E).
     */
    fun csi(params: Int, intermediates: Int, finalByte: Int, next: () -> Int): String = buildString {
        append("\u001b[")
        repeat(params) { append((0x30 + next() % 0x10).toChar()) }
        repeat(intermediates) { append((0x20 + next() % 0x10).toChar()) }
        append((0x40 + finalByte % 0x3f).toChar())
    }

    fun fromBytes(data: ByteArray) {
        val b = FuzzBytes(data)
        val mode = b.byte()
        val pattern = b.byte()
        if (mode and 1 == 0) checkText(textFromBytes(b), pattern) else checkTokens(tokensFromBytes(b), pattern)
    }

    /**
     * Any text: never throws, the keys do not depend on how the text is split, no Text key is a
     * control character or half a surrogate pair, and nothing is pending after a flush.
     */
    fun checkText(text: String, pattern: Int) {
        val describe = { "pattern=$pattern text=\"${text.escaped()}\"" }
        val whole = decode(text, emptyList())
        val pieces = decode(text, cutPoints(text.length, pattern))
        if (whole != pieces) violated("keys depend on how the text is split:\nwhole:  $whole\npieces: $pieces", describe)
        for (key in whole) {
            if (key is Key.Text && !isPrintable(key.codePoint)) violated("Text key for U+%04X".format(key.codePoint), describe)
        }
    }

    /**
     * Well-formed input: the Text keys are exactly the printable typed characters, in order. So no
     * byte of an escape sequence (known or not, with parameters and intermediates of any length)
     * ever comes out as text, and no typed character is lost next to one.
     */
    fun checkTokens(tokens: List<Token>, pattern: Int) {
        val text = buildString {
            for (token in tokens) when (token) {
                is Token.Typed -> appendCodePoint(token.codePoint)
                is Token.Sequence -> append(token.text)
            }
        }
        val describe = { "pattern=$pattern tokens=$tokens" }
        val expected = tokens.filterIsInstance<Token.Typed>().map { it.codePoint }.filter { isPrintable(it) }
        for (cuts in listOf(emptyList(), cutPoints(text.length, pattern))) {
            val texts = decode(text, cuts).filterIsInstance<Key.Text>().map { it.codePoint }
            if (texts != expected) {
                violated("text keys ${texts.map { "U+%04X".format(it) }} but typed ${expected.map { "U+%04X".format(it) }} (cut at $cuts)", describe)
            }
        }
    }

    private fun decode(text: String, cuts: List<Int>): List<Key> {
        val decoder = KeyDecoder()
        val keys = ArrayList<Key>()
        var from = 0
        for (cut in cuts + text.length) {
            if (cut > from) decoder.decode(text.subSequence(from, cut), keys::add)
            from = maxOf(from, cut)
        }
        decoder.flush(keys::add)
        if (decoder.hasPending) throw AssertionError("still pending after flush: \"${text.escaped()}\"")
        return keys
    }
}

// ---------------------------------------------------------------------------------------------
// LineEditor

internal object LineEditorFuzz {
    sealed class Action {
        data class Press(val key: Key) : Action()
        data class Resize(val width: Int) : Action()
        data class Message(val text: String) : Action()
    }

    data class Scenario(
        val maxLength: Int,
        val echo: Boolean,
        val render: Boolean,
        val width: Int,
        val prompt: String,
        val history: List<String>,
        val completions: List<String>,
        val actions: List<Action>,
    )

    /** What users type. Prompts, messages and completions use other characters (see checks). */
    val TYPED = listOf('a'.code, 'b'.code, 'c'.code, ' '.code, '-'.code, 0x65E5, 0x672C, 0x0301, 0x1F600, 0xE9, 0x0915, 0x093F)

    val KEYS: List<Key> = listOf(
        Key.Enter, Key.Backspace, Key.Delete, Key.Tab, Key.Escape, Key.Up, Key.Down, Key.Left, Key.Right, Key.Home, Key.End,
        Key.Insert, Key.PageUp, Key.PageDown, Key.WordLeft, Key.WordRight, Key.DeleteWordRight, Key.DeleteWordLeft,
        Key.Interrupt, Key.EraseCharacter, Key.EraseLine,
    ) + "ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_".map { Key.Control(it) }

    val PROMPTS = listOf("", "> ", "#§ ", "\u001b[1m#\u001b[0m> ", "##\n#> ", "#".repeat(100))
    val COMPLETIONS = listOf("#x", "#xy", "#xyz", "#中文", "#" + "y".repeat(90), "#o\u0308")
    val MESSAGES = listOf("#", "#\n#", "", "#".repeat(300), "#\u001b[31m#\u001b[0m")

    fun fromBytes(data: ByteArray) {
        val b = FuzzBytes(data)
        val maxLength = 1 + b.byte() % 64
        val flags = b.byte()
        val width = b.int(0..300)
        val prompt = b.pick(PROMPTS)
        val history = List(b.byte() % 4) { "#h$it" }
        val completions = COMPLETIONS.filterIndexed { i, _ -> flags shr (2 + i) and 1 == 1 }
        val actions = ArrayList<Action>()
        while (b.remaining > 0) {
            val v = b.byte()
            actions.add(
                when {
                    v < 120 -> Action.Press(Key.Text(TYPED[v % TYPED.size]))
                    v < 240 -> Action.Press(KEYS[v % KEYS.size])
                    v < 248 -> Action.Resize(b.int(0..300))
                    else -> Action.Message(b.pick(MESSAGES))
                },
            )
        }
        check(Scenario(maxLength, echo = flags and 1 == 0, render = flags and 2 == 0, width, prompt, history, completions, actions))
    }

    /**
     * After every action: the cursor is within the text and never between the halves of a surrogate
     * pair; the text is never longer than maxLength and holds only what was typed or completed; a
     * finished line is never longer than maxLength. With echo off nothing typed reaches the output,
     * nor anything at all of the input in line mode (render off).
     */
    fun check(s: Scenario) {
        val describe = { s.toString().escaped() }
        val history = if (s.echo) History(100).also { h -> s.history.forEach { h.add(it) } } else null
        val completer = if (s.echo && s.completions.isNotEmpty()) Completer { s.completions } else null
        val editor = LineEditor(s.maxLength, history, completer, s.echo, s.width, s.render)
        val typed = TYPED.map { String(Character.toChars(it)) }.filter { it != " " && it != "-" }
        editor.begin(s.prompt)
        var output = StringBuilder(editor.takeOutput())
        for ((index, action) in s.actions.withIndex()) {
            val outcome = when (action) {
                is Action.Press -> editor.handle(action.key)
                is Action.Resize -> { editor.resize(action.width); LineEditor.Outcome.Continue }
                is Action.Message -> { editor.showMessage(action.text); LineEditor.Outcome.Continue }
            }
            val text = editor.text
            val cursor = editor.cursorIndex
            val at = { "after action $index ($action): text=\"${text.escaped()}\" cursor=$cursor" }
            if (cursor !in 0..text.length) violated("cursor outside the text, ${at()}", describe)
            if (cursor in 1 until text.length && text[cursor - 1].isHighSurrogate() && text[cursor].isLowSurrogate()) {
                violated("cursor inside a surrogate pair, ${at()}", describe)
            }
            if (text.length > s.maxLength) violated("text longer than ${s.maxLength}, ${at()}", describe)
            if (text.any { it.code < 0x20 || it.code == 0x7f }) violated("control character in the text, ${at()}", describe)
            if (outcome is LineEditor.Outcome.Done && outcome.line.length > s.maxLength) violated("line longer than ${s.maxLength}, ${at()}", describe)
            output.append(editor.takeOutput())
            if (output.length > 1_000_000) violated("runaway output, ${at()}", describe)
            if (outcome != LineEditor.Outcome.Continue) {
                checkOutput(s, output.toString(), typed, describe)
                output = StringBuilder()
                editor.begin(s.prompt)
                output.append(editor.takeOutput())
            }
        }
        checkOutput(s, output.toString(), typed, describe)
    }

    private fun checkOutput(s: Scenario, output: String, typed: List<String>, describe: () -> String) {
        if (!s.echo || !s.render) {
            typed.firstOrNull { output.contains(it) }?.let {
                violated("'${it.escaped()}' was typed ${if (!s.echo) "with echo off" else "in line mode"} yet reached the output: \"${output.escaped()}\"", describe)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// CommandLineParser

internal object ParserFuzz {
    /** What a byte below 0x20 stands for: the characters that matter to the parser, often. */
    private const val SPECIAL = "'''\"\"\"\\\\\\   \t\n\n\n\$`日\u0000\r"

    /** A byte 0x20-0x7E is that ASCII character, one below picks from SPECIAL, one above starts a UTF-16 char of two bytes. */
    fun textFromBytes(b: FuzzBytes): String = buildString {
        while (b.remaining > 0) {
            val v = b.byte()
            when {
                v < 0x20 -> append(SPECIAL[v % SPECIAL.length])
                v < 0x7f -> append(v.toChar())
                else -> append(((v shl 8) or b.byte()).toChar())
            }
        }
    }

    fun fromBytes(data: ByteArray) {
        val b = FuzzBytes(data)
        if (b.bool()) checkText(textFromBytes(b)) else checkWords(textFromBytes(b).split('\n'))
    }

    /**
     * Never throws; a complete parse survives join and parse again unchanged; an incomplete one is
     * completed by exactly what it says is missing.
     */
    fun checkText(text: String) {
        val describe = { "\"${text.escaped()}\"" }
        when (val result = CommandLineParser.parse(text)) {
            is CommandLineParser.Result.Complete -> {
                val again = CommandLineParser.parse(CommandLineParser.join(result.words))
                if (again != result) violated("join and parse gave $again instead of $result", describe)
            }
            is CommandLineParser.Result.Incomplete -> {
                // A backslash at the end inside double quotes leaves the quote open: two steps at most.
                var completed: CommandLineParser.Result = result
                var added = ""
                repeat(2) {
                    val incomplete = completed as? CommandLineParser.Result.Incomplete ?: return
                    added += when (incomplete.reason) {
                        "a single quote is open" -> "'"
                        "a double quote is open" -> "\""
                        "a backslash ends the line" -> "x"
                        else -> violated("unknown reason '${incomplete.reason}'", describe)
                    }
                    completed = CommandLineParser.parse(text + added)
                }
                if (completed !is CommandLineParser.Result.Complete) violated("'${added.escaped()}' does not complete it: $completed", describe)
            }
        }
    }

    /** Any words survive join and parse, and each one quoted alone parses back to itself. */
    fun checkWords(words: List<String>) {
        val describe = { words.joinToString(", ") { "\"${it.escaped()}\"" } }
        val parsed = CommandLineParser.parse(CommandLineParser.join(words))
        if (parsed != CommandLineParser.Result.Complete(words)) violated("join and parse gave $parsed", describe)
        for (word in words) {
            val alone = CommandLineParser.parse(CommandLineParser.quote(word))
            if (alone != CommandLineParser.Result.Complete(listOf(word))) violated("quote(\"${word.escaped()}\") parses as $alone", describe)
        }
    }
}

/** One target for all units: the first byte picks the unit, for a single coverage-guided run over all of them. */
internal fun fuzzEverything(data: ByteArray) {
    if (data.isEmpty()) return
    val rest = data.copyOfRange(1, data.size)
    when ((data[0].toInt() and 0xff) % 5) {
        0 -> DecoderFuzz.fromBytes(rest)
        1 -> ProtocolFuzz.fromBytes(rest)
        2 -> KeyDecoderFuzz.fromBytes(rest)
        3 -> LineEditorFuzz.fromBytes(rest)
        else -> ParserFuzz.fromBytes(rest)
    }
}
