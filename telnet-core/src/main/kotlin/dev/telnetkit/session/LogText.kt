package dev.telnetkit.session

import dev.telnetkit.annotations.EngineApi

/**
 * Makes client-controlled text safe for a log line: control characters are escaped, length is
 * capped. For transports and other engine code that logs what clients send.
 */
@EngineApi
public object LogText {
    private const val MAX = 200

    /** [text] with control characters escaped (`\n`, `\u001b`) and cut at 200 characters. */
    public fun escape(text: String): String {
        val out = StringBuilder(minOf(text.length, MAX) + 8)
        for ((i, c) in text.withIndex()) {
            if (i == MAX) return out.append("...").toString()
            when {
                c == '\n' -> out.append("\\n")
                c == '\r' -> out.append("\\r")
                c == '\t' -> out.append("\\t")
                c < ' ' || c == '\u007f' || c in '\u0080'..'\u009f' || c == '\u2028' || c == '\u2029' ->
                    out.append("\\u").append(String.format("%04x", c.code))
                else -> out.append(c)
            }
        }
        return out.toString()
    }

    /**
     * [text] with every occurrence of each of [secrets] (what the user typed as a password, say)
     * replaced by `***`: for an error message that may quote it. Empty secrets are left alone.
     */
    public fun redact(text: String, secrets: Collection<String>): String {
        var out = text
        for (secret in secrets) if (secret.isNotEmpty()) out = out.replace(secret, "***")
        return out
    }

    /**
     * [failure] made safe to log with its stack trace: the same class name, frames and causes, but
     * every message escaped as [escape] does. A handler's exception often quotes what the client typed
     * (a bad argument, a continuation line with its newline), and appenders print messages raw.
     */
    public fun safe(failure: Throwable): Throwable = safe(failure, depth = 0)

    private fun safe(failure: Throwable, depth: Int): Throwable {
        val message = failure.message
        val cause = failure.cause?.takeIf { it !== failure && depth < MAX_CAUSES }?.let { safe(it, depth + 1) }
        return LoggedFailure(failure.javaClass.name + if (message == null) "" else ": " + escape(message), cause).also {
            it.stackTrace = failure.stackTrace
        }
    }

    private const val MAX_CAUSES = 8
}

/** A stand-in for an exception in a log line: its message is already escaped; see [LogText.safe]. */
internal class LoggedFailure(message: String, cause: Throwable?) : Exception(message, cause) {
    override fun toString(): String = message ?: "failure"
}
