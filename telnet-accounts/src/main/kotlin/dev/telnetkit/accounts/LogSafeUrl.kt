package dev.telnetkit.accounts

import dev.telnetkit.session.LogText

/** A JDBC URL for a log line: its query and `;key=value` parts cut off (they may carry a password). */
internal object LogSafeUrl {
    fun of(url: String): String = LogText.escape(url.substringBefore('?').substringBefore(';'))
}
