package dev.telnetkit.zmodem

/** The one line a user reads after a transfer. */
internal object ZModemSummary {
    fun of(result: ZModemResult): String {
        val complete = result.files.filter { it.status == ZModemFileStatus.COMPLETE }
        val skipped = result.files.filter { it.status == ZModemFileStatus.SKIPPED }
        val done = "${complete.size} file${if (complete.size == 1) "" else "s"}, ${result.bytesTransferred} bytes"
        val skips = if (skipped.isEmpty()) "" else "; skipped: " + skipped.joinToString { "${it.name.ifEmpty { "?" }} (${it.note})" }
        return when (result.outcome) {
            ZModemOutcome.COMPLETED -> "ZModem: transfer complete ($done$skips)."
            ZModemOutcome.CANCELLED -> "ZModem: transfer cancelled ($done$skips)."
            ZModemOutcome.FAILED -> "ZModem: transfer failed: ${result.reason} ($done$skips)."
        }
    }
}
