package dev.telnetkit.mud

import java.io.ByteArrayOutputStream
import java.nio.charset.StandardCharsets

/**
 * MSDP's wire form, with no I/O. A message is a run of `VAR name VAL value` pairs (several `VAL`s
 * after one `VAR` make an array); a value is text, `TABLE_OPEN (VAR name VAL value)* TABLE_CLOSE`
 * or `ARRAY_OPEN (VAL value)* ARRAY_CLOSE`.
 *
 * The rule for malformed input: a message with a structural error (a `VAL` without its `VAR`, a
 * `VAR` without a `VAL`, an unbalanced or stray open/close, nesting deeper than [maxDepth], more
 * than [maxElements] values and names in all) is ignored whole, and [decode] says why. It never throws.
 */
internal class MsdpCodec(val maxDepth: Int = DEFAULT_MAX_DEPTH, val maxElements: Int = DEFAULT_MAX_ELEMENTS) {

    /** The pairs of a message, or why it was ignored. */
    sealed class Decoded {
        data class Pairs(val pairs: List<Pair<String, MsdpValue>>) : Decoded()
        data class Invalid(val reason: String) : Decoded()
    }

    private class Malformed(message: String) : Exception(message, null, false, false)

    private class Reader(val bytes: ByteArray, val codec: MsdpCodec) {
        var pos = 0
        var elements = 0

        fun peek(): Int = if (pos < bytes.size) bytes[pos].toInt() and 0xFF else -1

        fun count() {
            if (++elements > codec.maxElements) throw Malformed("more than ${codec.maxElements} elements")
        }

        /** The text up to the next structure byte. */
        fun text(): String {
            val start = pos
            while (pos < bytes.size && (bytes[pos].toInt() and 0xFF) !in VAR..ARRAY_CLOSE) pos++
            count()
            return String(bytes, start, pos - start, StandardCharsets.UTF_8)
        }

        fun expect(code: Int, what: String) {
            if (peek() != code) throw Malformed(if (peek() < 0) "message ends where $what was expected" else "byte ${peek()} where $what was expected")
            pos++
        }

        /** The values after one VAR name: one, or several (an array). */
        fun values(depth: Int): MsdpValue {
            val values = ArrayList<MsdpValue>(1)
            while (peek() == VAL) {
                pos++
                values += value(depth)
            }
            if (values.isEmpty()) throw Malformed("VAR without VAL")
            return if (values.size == 1) values[0] else MsdpValue.Array(values)
        }

        fun value(depth: Int): MsdpValue = when (peek()) {
            TABLE_OPEN -> {
                if (depth >= codec.maxDepth) throw Malformed("nested deeper than ${codec.maxDepth}")
                pos++
                count()
                val entries = LinkedHashMap<String, MsdpValue>()
                while (peek() != TABLE_CLOSE) {
                    expect(VAR, "VAR or TABLE_CLOSE")
                    val name = text()
                    entries[name] = values(depth + 1)
                }
                pos++
                MsdpValue.Table(entries)
            }
            ARRAY_OPEN -> {
                if (depth >= codec.maxDepth) throw Malformed("nested deeper than ${codec.maxDepth}")
                pos++
                count()
                val items = ArrayList<MsdpValue>()
                while (peek() != ARRAY_CLOSE) {
                    expect(VAL, "VAL or ARRAY_CLOSE")
                    items += value(depth + 1)
                }
                pos++
                MsdpValue.Array(items)
            }
            // An empty text: the next structure byte follows the VAL at once.
            VAR, VAL, TABLE_CLOSE, ARRAY_CLOSE -> MsdpValue.Text("").also { count() }
            else -> MsdpValue.Text(text())
        }
    }

    /** The pairs of one MSDP subnegotiation's [payload], or why it is ignored. */
    fun decode(payload: ByteArray): Decoded {
        val reader = Reader(payload, this)
        val pairs = ArrayList<Pair<String, MsdpValue>>()
        return try {
            if (payload.isEmpty()) throw Malformed("empty message")
            while (reader.peek() >= 0) {
                if (reader.peek() == VAL) throw Malformed("VAL without VAR")
                reader.expect(VAR, "VAR")
                val name = reader.text()
                pairs += name to reader.values(0)
            }
            Decoded.Pairs(pairs)
        } catch (e: Malformed) {
            Decoded.Invalid(e.message ?: "malformed")
        }
    }

    companion object {
        const val VAR: Int = 1
        const val VAL: Int = 2
        const val TABLE_OPEN: Int = 3
        const val TABLE_CLOSE: Int = 4
        const val ARRAY_OPEN: Int = 5
        const val ARRAY_CLOSE: Int = 6

        const val DEFAULT_MAX_DEPTH: Int = 16
        const val DEFAULT_MAX_ELEMENTS: Int = 8192

        /** `VAR name VAL value` for one variable. */
        fun encode(name: String, value: MsdpValue): ByteArray {
            val out = ByteArrayOutputStream()
            out.write(VAR)
            writeText(out, name)
            out.write(VAL)
            writeValue(out, value)
            return out.toByteArray()
        }

        private fun writeValue(out: ByteArrayOutputStream, value: MsdpValue) {
            when (value) {
                is MsdpValue.Text -> writeText(out, value.text)
                is MsdpValue.Array -> {
                    out.write(ARRAY_OPEN)
                    for (item in value.items) {
                        out.write(VAL)
                        writeValue(out, item)
                    }
                    out.write(ARRAY_CLOSE)
                }
                is MsdpValue.Table -> {
                    out.write(TABLE_OPEN)
                    for ((key, item) in value.entries) {
                        out.write(VAR)
                        writeText(out, key)
                        out.write(VAL)
                        writeValue(out, item)
                    }
                    out.write(TABLE_CLOSE)
                }
            }
        }

        /** [text] as UTF-8 without the characters 0..6 (MSDP's structure bytes). */
        private fun writeText(out: ByteArrayOutputStream, text: String) {
            val clean = if (text.any { it.code <= ARRAY_CLOSE }) text.filter { it.code > ARRAY_CLOSE } else text
            out.write(clean.toByteArray(StandardCharsets.UTF_8))
        }
    }
}
