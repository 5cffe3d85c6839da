package dev.telnetkit.terminal

import java.nio.charset.Charset
import java.nio.charset.StandardCharsets

/**
 * Turns text for the terminal into bytes in the session's charset, with every `\n` that has no
 * `\r` before it sent as `\r\n` (so lines break right even in BINARY). ASCII text in a charset that
 * maps ASCII to itself, nearly everything a shell writes, is encoded in one pass into one array.
 */
internal object TextEncoder {
    fun crlfBytes(text: CharSequence, charset: Charset): ByteArray {
        if (!TextDecoder.isAsciiIdentity(charset)) return crlf(text).toByteArray(charset)
        var extra = 0
        for (i in 0 until text.length) {
            val c = text[i]
            if (c >= '\u0080') return crlf(text).toByteArray(charset)
            if (c == '\n' && (i == 0 || text[i - 1] != '\r')) extra++
        }
        val out = ByteArray(text.length + extra)
        var o = 0
        for (i in 0 until text.length) {
            val c = text[i]
            if (c == '\n' && (i == 0 || text[i - 1] != '\r')) out[o++] = CR
            out[o++] = c.code.toByte()
        }
        return out
    }

    /** [crlfBytes] of [text] followed by `\n`, without making that string first. */
    fun crlfLineBytes(text: CharSequence, charset: Charset): ByteArray {
        if (!TextDecoder.isAsciiIdentity(charset)) return crlfBytes(StringBuilder(text.length + 1).append(text).append('\n'), charset)
        var extra = 0
        for (i in 0 until text.length) {
            val c = text[i]
            if (c >= '\u0080') return crlfBytes(StringBuilder(text.length + 1).append(text).append('\n'), charset)
            if (c == '\n' && (i == 0 || text[i - 1] != '\r')) extra++
        }
        // The line break: a CR before it unless the text ends with one.
        val endsWithCr = text.isNotEmpty() && text[text.length - 1] == '\r'
        val out = ByteArray(text.length + extra + if (endsWithCr) 1 else 2)
        var o = 0
        for (i in 0 until text.length) {
            val c = text[i]
            if (c == '\n' && (i == 0 || text[i - 1] != '\r')) out[o++] = CR
            out[o++] = c.code.toByte()
        }
        if (!endsWithCr) out[o++] = CR
        out[o] = LF
        return out
    }

    /** `\n` without a `\r` before it becomes `\r\n`. */
    fun crlf(text: CharSequence): String {
        if (text.indexOf('\n') < 0) return text.toString()
        val out = StringBuilder(text.length + 8)
        for (i in text.indices) {
            val c = text[i]
            if (c == '\n' && (i == 0 || text[i - 1] != '\r')) out.append('\r')
            out.append(c)
        }
        return out.toString()
    }

    private const val CR: Byte = 13
    private const val LF: Byte = 10
}
