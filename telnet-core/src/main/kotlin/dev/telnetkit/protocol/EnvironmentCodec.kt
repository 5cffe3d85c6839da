package dev.telnetkit.protocol

import java.io.ByteArrayOutputStream

/**
 * The NEW-ENVIRON subnegotiation of RFC 1572: parses `IS` and `INFO` replies and builds `SEND`
 * requests, split into frames small enough for clients with short buffers.
 */
internal object EnvironmentCodec {
    const val IS = 0
    const val SEND = 1
    const val INFO = 2
    const val VAR = 0
    const val VALUE = 1
    const val ESC = 2
    const val USERVAR = 3

    /** GNU inetutils telnet has a 256-byte subnegotiation buffer; stay well below it. */
    const val MAX_FRAME_PAYLOAD = 240

    /**
     * The variables of one `IS` or `INFO` payload: [variables] from `VAR` entries (the well-known
     * names of RFC 1572, such as `USER`) and [userVariables] from `USERVAR` entries, kept apart so
     * that a user variable can never stand in for a well-known one of the same name.
     */
    class Variables(val variables: Map<String, String?>, val userVariables: Map<String, String?>)

    /**
     * Parses the variables of an `IS` or `INFO` payload (the first byte is the IS/INFO code).
     * A variable without `VALUE` is reported with a null value (undefined on the client).
     * At most [maxEntries] variables are kept, `VAR` and `USERVAR` entries together.
     */
    fun parse(payload: ByteArray, maxEntries: Int): Variables {
        val vars = LinkedHashMap<String, String?>()
        val userVars = LinkedHashMap<String, String?>()
        var target = vars
        var name: ByteArrayOutputStream? = null
        var value: ByteArrayOutputStream? = null
        fun finish() {
            val n = name ?: return
            val key = n.toString(Charsets.UTF_8)
            if (n.size() > 0 && (vars.size + userVars.size < maxEntries || target.containsKey(key))) {
                target[key] = value?.toString(Charsets.UTF_8)
            }
            name = null
            value = null
        }
        var i = 1
        while (i < payload.size) {
            val b = payload[i].toInt() and 0xff
            when (b) {
                VAR, USERVAR -> {
                    finish()
                    target = if (b == VAR) vars else userVars
                    name = ByteArrayOutputStream()
                }
                VALUE -> if (name != null && value == null) value = ByteArrayOutputStream()
                ESC -> {
                    i++
                    if (i < payload.size) (value ?: name)?.write(payload[i].toInt())
                }
                else -> (value ?: name)?.write(b)
            }
            i++
        }
        finish()
        return Variables(vars, userVars)
    }

    /**
     * `SEND` payloads asking for the given variables, each frame at most [MAX_FRAME_PAYLOAD] bytes.
     * Empty [vars] and [userVars] ask for every VAR and every USERVAR the client will tell. Names are
     * never split across frames; a name too long to fit in a frame by itself is refused with an
     * [IllegalArgumentException].
     */
    fun sendFrames(vars: List<String>, userVars: List<String>): List<ByteArray> {
        if (vars.isEmpty() && userVars.isEmpty()) return listOf(byteArrayOf(SEND.toByte(), VAR.toByte(), USERVAR.toByte()))
        val frames = ArrayList<ByteArray>()
        var frame = ByteArrayOutputStream().apply { write(SEND) }
        fun add(type: Int, name: String) {
            val entry = ByteArrayOutputStream().apply {
                write(type)
                for (c in name.toByteArray(Charsets.UTF_8)) {
                    val v = c.toInt() and 0xff
                    if (v <= USERVAR) write(ESC)
                    write(v)
                }
            }
            // A name is never split across frames, so one that cannot fit even alone cannot be sent.
            require(1 + entry.size() <= MAX_FRAME_PAYLOAD) {
                "NEW-ENVIRON variable name too long for one SEND frame of $MAX_FRAME_PAYLOAD bytes: ${entry.size() - 1} bytes"
            }
            if (frame.size() > 1 && frame.size() + entry.size() > MAX_FRAME_PAYLOAD) {
                frames.add(frame.toByteArray())
                frame = ByteArrayOutputStream().apply { write(SEND) }
            }
            entry.writeTo(frame)
        }
        vars.forEach { add(VAR, it) }
        userVars.forEach { add(USERVAR, it) }
        frames.add(frame.toByteArray())
        return frames
    }
}
