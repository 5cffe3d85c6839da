package dev.telnetkit.bench

import java.io.File
import java.nio.ByteBuffer
import java.security.KeyStore
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLEngine
import javax.net.ssl.TrustManagerFactory

/**
 * The client side of TLS for the [LoadDriver]: an [SSLContext] that trusts exactly one
 * certificate (the test certificate the demo serves), and the engines made from it.
 *
 * Every engine is made without a peer host and port, so the JDK never resumes a cached session:
 * each connection pays a full handshake, as a new client does. No host name check is made (the
 * certificate is trusted as it is).
 */
class TlsClientContext(private val context: SSLContext) {
    /** A client-mode engine for one connection. */
    fun newEngine(): SSLEngine = context.createSSLEngine().apply { useClientMode = true }

    companion object {
        /** A context trusting the X.509 certificate(s) in the PEM file [certificate]. */
        fun trusting(certificate: File): TlsClientContext {
            val certificates = certificate.inputStream().use { CertificateFactory.getInstance("X.509").generateCertificates(it) }
            require(certificates.isNotEmpty()) { "no certificate in $certificate" }
            val store = KeyStore.getInstance(KeyStore.getDefaultType()).apply { load(null, null) }
            certificates.forEachIndexed { i, c -> store.setCertificateEntry("trusted-$i", c as X509Certificate) }
            val trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }
            val context = SSLContext.getInstance("TLS").apply { init(null, trust.trustManagers, null) }
            return TlsClientContext(context)
        }
    }
}

/** The TLS state of one driver session: its engine, ciphertext not decrypted yet, plain text waiting for the handshake. */
class TlsLink(
    /** The client-mode engine. */
    val engine: SSLEngine,
) {
    /** Received bytes of an incomplete TLS record, kept for the next read; null when none. */
    var leftover: ByteBuffer? = null

    /** Plain text sent before the handshake finished, sent when it has; null when none. */
    var early: ByteBuffer? = null

    /** The handshake has finished once. */
    var established: Boolean = false
}

/** What the driver's TLS connections negotiated (from the first finished handshake). */
data class TlsFacts(val protocol: String, val cipherSuite: String)

/** Writes a self-signed test certificate and its key for the demo's TLS with openssl. */
object TestCertificate {
    /** `openssl req -x509 -newkey ec (P-256) -nodes` into [dir]: returns (cert.pem, key.pem). */
    fun generate(dir: File): Pair<File, File> {
        dir.mkdirs()
        val cert = File(dir, "cert.pem")
        val key = File(dir, "key.pem")
        val result = runProcess(
            listOf(
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", key.path, "-out", cert.path, "-days", "2", "-subj", "/CN=localhost",
            ),
            60,
        )
        check(result != null && result.exitCode == 0 && cert.isFile && key.isFile) {
            "openssl could not make a test certificate in $dir:\n${result?.text ?: "(not started or timed out)"}"
        }
        return cert to key
    }
}
