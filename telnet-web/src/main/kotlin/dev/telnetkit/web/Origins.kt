package dev.telnetkit.web

import java.net.URI

/** Same-origin checks: a browser's `Origin` header against the `Host` it asked for, or a list. */
internal object Origins {
    /** `scheme://host:port`, lower-case, with the scheme's default port written out; null if [origin] is not one. */
    fun parse(origin: String): String? {
        if (origin.length > 300) return null
        val uri = runCatching { URI(origin.trim()) }.getOrNull() ?: return null
        val scheme = uri.scheme?.lowercase() ?: return null
        val host = uri.host?.lowercase() ?: return null
        if (uri.rawPath?.let { it.isNotEmpty() && it != "/" } == true || uri.rawQuery != null) return null
        val port = when {
            uri.port >= 0 -> uri.port
            scheme == "https" || scheme == "wss" -> 443
            scheme == "http" || scheme == "ws" -> 80
            else -> return null
        }
        return "$scheme://$host:$port"
    }

    /**
     * True when a request with [origin] (null: no header, not a browser) and [hostHeader] may go on:
     * no origin, the same host and port as the request's `Host`, or one of [allowed] (parsed already).
     */
    fun allowed(origin: String?, hostHeader: String?, secure: Boolean, allowed: Set<String>): Boolean {
        if (origin == null) return true
        val parsed = parse(origin) ?: return false
        if (parsed in allowed) return true
        val host = hostHeader?.trim()?.lowercase() ?: return false
        val scheme = if (secure) "https" else "http"
        val own = parse("$scheme://$host") ?: return false
        // The scheme may differ behind a TLS proxy: host and port decide.
        return parsed.substringAfter("://") == own.substringAfter("://")
    }
}

/**
 * The names a request's `Host` header may carry: any IP address (a browser reaching an address
 * cannot have been led there by a re-pointed name), `localhost`, the bound host, and the listed
 * names. Anything else is what a DNS-rebinding page sends.
 */
internal class AllowedHosts(bindHost: String, names: Collection<String>, origins: Collection<String>) {
    private val names: Set<String> = buildSet {
        add("localhost")
        add(bindHost.lowercase().removePrefix("[").removeSuffix("]"))
        names.forEach { add(it.lowercase()) }
        origins.mapNotNull { runCatching { URI(it.trim()).host?.lowercase() }.getOrNull() }.forEach { add(it.removePrefix("[").removeSuffix("]")) }
    }

    /** True when [hostHeader] (`name:port`, `[v6]:port`, or without a port) may be served. */
    fun allows(hostHeader: String?): Boolean {
        val header = hostHeader?.trim()?.lowercase() ?: return false
        if (header.isEmpty() || header.length > 300) return false
        val name = when {
            header.startsWith("[") -> header.substringAfter('[').substringBefore(']')
            else -> header.substringBeforeLast(':').takeIf { header.count { it == ':' } == 1 } ?: header
        }.removeSuffix(".")
        return name in names || isAddress(name)
    }

    private fun isAddress(name: String): Boolean =
        IPV4.matches(name) || (name.contains(':') && name.all { it.isDigit() || it in "abcdef:." })

    private companion object {
        val IPV4 = Regex("(\\d{1,3})(\\.\\d{1,3}){3}")
    }
}

/** A control message from the page: the only one is a resize. */
internal sealed class ControlMessage {
    data class Resize(val cols: Int, val rows: Int) : ControlMessage()

    companion object {
        private const val MAX_LENGTH = 1024
        private val RESIZE_TYPE = Regex("\"type\"\\s*:\\s*\"resize\"")
        private val COLS = Regex("\"cols\"\\s*:\\s*(\\d{1,6})\\s*[,}]")
        private val ROWS = Regex("\"rows\"\\s*:\\s*(\\d{1,6})\\s*[,}]")

        /**
         * The message in [text], or null when it is none we know (bad JSON, another type, a size out
         * of 1..10000). Parsed by hand with three bounded regexes rather than with a JSON library:
         * the one message is flat and tiny, the text is capped at 1 KiB first, and the module keeps
         * no serialization dependency (nor its reflection or plugin) for it.
         */
        fun parse(text: String): ControlMessage? {
            if (text.length > MAX_LENGTH) return null
            val trimmed = text.trim()
            if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) return null
            if (!RESIZE_TYPE.containsMatchIn(trimmed)) return null
            val cols = COLS.find(trimmed)?.groupValues?.get(1)?.toIntOrNull() ?: return null
            val rows = ROWS.find(trimmed)?.groupValues?.get(1)?.toIntOrNull() ?: return null
            if (cols !in 1..MAX_DIMENSION || rows !in 1..MAX_DIMENSION) return null
            return Resize(cols, rows)
        }

        const val MAX_DIMENSION = 10_000
    }
}
