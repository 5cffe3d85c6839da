package dev.telnetkit.protocol

import java.io.ByteArrayOutputStream

// Small helpers shared by the protocol specs: building byte arrays, and rendering decoder events
// as strings so that whole event lists compare (and print) readably.

/** Bytes from unsigned values, e.g. `bytes(255, 251, 24)`. */
internal fun bytes(vararg values: Int): ByteArray = ByteArray(values.size) {
    require(values[it] in 0..255) { "not a byte: ${values[it]}" }
    values[it].toByte()
}

/** The ISO-8859-1 bytes of [text]: one byte per char, so `"\r\u00ff"` is `0D FF`. */
internal fun latin1(text: String): ByteArray = text.toByteArray(Charsets.ISO_8859_1)

/** Concatenates byte arrays. */
internal fun concat(vararg parts: ByteArray): ByteArray {
    val out = ByteArrayOutputStream()
    parts.forEach { out.write(it) }
    return out.toByteArray()
}

internal fun ByteArray.hex(): String = joinToString(" ") { "%02X".format(it.toInt() and 0xff) }

/** Printable ASCII as itself, CR/LF/NUL as `\r` `\n` `\0`, everything else as `\xNN`. */
internal fun escape(bytes: ByteArray): String = buildString {
    for (b in bytes) {
        when (val v = b.toInt() and 0xff) {
            13 -> append("\\r")
            10 -> append("\\n")
            0 -> append("\\0")
            '\\'.code -> append("\\\\")
            '"'.code -> append("\\\"")
            in 32..126 -> append(v.toChar())
            else -> append("\\x%02X".format(v))
        }
    }
}

/**
 * Renders decoder events as strings, merging adjacent [TelnetEvent.Data] runs first: the decoder
 * may split a run of data at any call boundary, so only the concatenation is meaningful.
 */
internal fun render(events: List<TelnetEvent>): List<String> {
    val out = ArrayList<String>()
    val data = ByteArrayOutputStream()
    fun flush() {
        if (data.size() > 0) out.add("Data(\"${escape(data.toByteArray())}\")")
        data.reset()
    }
    for (event in events) {
        when (event) {
            is TelnetEvent.Data -> {
                check(event.bytes.isNotEmpty()) { "the decoder reported an empty data run" }
                data.write(event.bytes)
            }
            is TelnetEvent.Subnegotiation -> { flush(); out.add("SB ${TelnetOption.name(event.option)} [${event.payload.hex()}]") }
            else -> { flush(); out.add(event.toString()) }
        }
    }
    flush()
    return out
}

/** Feeds [chunks] one decode() call each to [decoder] and returns the rendered events. */
internal fun decodeChunks(chunks: List<ByteArray>, decoder: TelnetDecoder = TelnetDecoder()): List<String> {
    val events = ArrayList<TelnetEvent>()
    for (chunk in chunks) decoder.decode(chunk) { events.add(it) }
    return render(events)
}

/** Splits [input] at the given sorted, distinct [points] (each in 1 until size). */
internal fun splitAt(input: ByteArray, points: List<Int>): List<ByteArray> {
    val chunks = ArrayList<ByteArray>()
    var start = 0
    for (p in points) {
        chunks.add(input.copyOfRange(start, p))
        start = p
    }
    chunks.add(input.copyOfRange(start, input.size))
    return chunks
}

/** Every byte of [input] as its own chunk. */
internal fun byteByByte(input: ByteArray): List<ByteArray> = input.map { byteArrayOf(it) }

/** Records what an [OptionNegotiator] does, as readable strings such as `"DO NAWS"`. */
internal class RecordingSink : NegotiationSink {
    val sent = ArrayList<String>()
    val changes = ArrayList<String>()
    val refusals = ArrayList<String>()

    override fun send(verb: Int, option: Int) {
        sent.add("${TelnetCommand.name(verb)} ${TelnetOption.name(option)}")
    }

    override fun changed(side: OptionSide, option: Int, enabled: Boolean) {
        changes.add("$side ${TelnetOption.name(option)} ${if (enabled) "on" else "off"}")
    }

    override fun refused(side: OptionSide, option: Int) {
        refusals.add("$side ${TelnetOption.name(option)}")
    }

    fun clear() {
        sent.clear(); changes.clear(); refusals.clear()
    }
}
