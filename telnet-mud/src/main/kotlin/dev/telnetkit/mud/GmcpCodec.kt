package dev.telnetkit.mud

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction
import java.nio.charset.StandardCharsets

/** One GMCP message: a package name (`Char.Vitals`) and its JSON data, if any. */
internal data class GmcpMessage(val packageName: String, val data: JsonElement?)

/**
 * GMCP's wire form, with no I/O: `Package.Name`, then optionally a space and JSON, all UTF-8.
 * [decode] returns a [Result]-like outcome so the handler can log why a message was ignored.
 */
internal object GmcpCodec {
    /** The longest package name taken; longer ones are not GMCP. */
    const val MAX_PACKAGE_NAME: Int = 256

    /** Why a payload was not a GMCP message, or the message. */
    sealed class Decoded {
        data class Message(val message: GmcpMessage) : Decoded()
        data class Invalid(val reason: String) : Decoded()
    }

    /** True for a package name we send or take: 1..256 printable ASCII characters, no space. */
    fun isValidPackageName(name: String): Boolean =
        name.length in 1..MAX_PACKAGE_NAME && name.all { it in '!'..'~' } && !name.startsWith('.') && !name.endsWith('.')

    /** `packageName` + (space + compact JSON of [data]) as UTF-8. */
    fun encode(packageName: String, data: JsonElement?): ByteArray {
        require(isValidPackageName(packageName)) { "not a GMCP package name: \"$packageName\"" }
        val text = if (data == null) packageName else packageName + " " + data.toString()
        return text.toByteArray(StandardCharsets.UTF_8)
    }

    /** The message in [payload] (the bytes of one GMCP subnegotiation), or why it is ignored. */
    fun decode(payload: ByteArray): Decoded {
        val text = try {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(payload)).toString()
        } catch (e: CharacterCodingException) {
            return Decoded.Invalid("not UTF-8")
        }
        val split = text.indexOfFirst { it == ' ' || it == '\t' || it == '\r' || it == '\n' }
        val name = if (split < 0) text else text.substring(0, split)
        if (!isValidPackageName(name)) return Decoded.Invalid("no valid package name")
        val json = if (split < 0) "" else text.substring(split + 1).trim()
        if (json.isEmpty()) return Decoded.Message(GmcpMessage(name, null))
        val data = parseJson(json) ?: return Decoded.Invalid("invalid JSON for $name")
        return Decoded.Message(GmcpMessage(name, data))
    }

    /** The JSON tree of [json], or null when it is not JSON (never throws). */
    fun parseJson(json: String): JsonElement? =
        try {
            Json.parseToJsonElement(json)
        } catch (e: Exception) {
            null
        } catch (e: StackOverflowError) {
            null
        }
}
