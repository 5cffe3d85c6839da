package dev.telnetkit.transport.tls

import javax.net.ssl.SSLException

/**
 * Turns the JDK's TLS failures into log lines a server operator understands: what happened in
 * plain words, then the JDK's own message in brackets (the text varies between JDK versions, so
 * it is matched loosely and always kept).
 */
internal object TlsFailures {
    fun explain(e: SSLException, handshakeComplete: Boolean, enabledProtocols: Array<String>): String {
        val message = generateSequence<Throwable>(e) { it.cause }.mapNotNull { it.message }.firstOrNull() ?: e.javaClass.simpleName
        val stage = if (handshakeComplete) "TLS failed" else "TLS handshake failed"
        val reason = reason(message, enabledProtocols) ?: return "$stage: $message"
        return "$stage: $reason ($message)"
    }

    private fun reason(message: String, enabledProtocols: Array<String>): String? {
        val lower = message.lowercase()
        return when {
            "empty client certificate chain" in lower || "certificate_required" in lower ->
                "the client sent no certificate, and this server requires one"
            "pkix path" in lower || "unable to find valid certification path" in lower || "path does not chain" in lower ->
                "the client's certificate is not trusted (it does not chain to the trust store)"
            "certificate expired" in lower || "notafter" in lower ->
                "the client's certificate has expired"
            "no appropriate protocol" in lower || "unsupported protocol" in lower || "not accepted by server preferences" in lower || "protocol_version" in lower || "client requested protocol" in lower ->
                "no TLS version in common with the client (this server offers ${enabledProtocols.joinToString()})"
            "no cipher suites in common" in lower || "insufficient_security" in lower ->
                "no cipher suite in common with the client"
            lower.startsWith("received fatal alert: ") -> {
                val alert = message.substringAfter(": ")
                when (alert) {
                    "bad_certificate", "certificate_unknown", "unknown_ca", "certificate_expired" ->
                        "the client refused the server's certificate (alert $alert: it does not trust it, or the name does not match)"
                    else -> "the client ended the handshake with alert $alert"
                }
            }
            "unexpected end of file" in lower || "closed" in lower && "peer" in lower ->
                "the client closed the connection during the handshake"
            else -> null
        }
    }
}
