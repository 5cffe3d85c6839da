package dev.telnetkit.transport.tls

import io.github.oshai.kotlinlogging.KotlinLogging
import java.io.ByteArrayInputStream
import java.io.IOException
import java.nio.file.Path
import java.security.GeneralSecurityException
import java.security.KeyStore
import java.security.PrivateKey
import java.security.PublicKey
import java.security.Signature
import java.security.UnrecoverableKeyException
import java.security.cert.CertificateExpiredException
import java.security.cert.CertificateNotYetValidException
import java.security.cert.X509Certificate
import java.security.interfaces.RSAKey
import javax.net.ssl.KeyManager
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.TrustManager
import javax.net.ssl.TrustManagerFactory

private val logger = KotlinLogging.logger {}

/**
 * Turns [TlsIdentity] and [TlsTrust] into the JDK's key and trust managers, checking on the way
 * what the JDK would otherwise only discover during a client's handshake (or never explain): a
 * wrong password, a missing entry, a key that does not belong to the certificate.
 */
internal object KeyMaterial {
    private val IN_MEMORY_PASSWORD = "telnetkit".toCharArray()

    /** The server's key and certificate chain (leaf first), checked to belong together. */
    class Identity(val key: PrivateKey, val chain: List<X509Certificate>)

    fun keyManagers(identity: TlsIdentity): Array<KeyManager> {
        val loaded = load(identity)
        val store = KeyStore.getInstance("PKCS12").apply { load(null, null) }
        store.setKeyEntry("server", loaded.key, IN_MEMORY_PASSWORD, loaded.chain.toTypedArray())
        return try {
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(store, IN_MEMORY_PASSWORD) }.keyManagers
        } catch (e: GeneralSecurityException) {
            throw TlsConfigurationException("$identity: the key cannot be used for TLS (${e.message})", e)
        }
    }

    fun trustManagers(trust: TlsTrust): Array<TrustManager> {
        val certificates = when (trust) {
            is TlsTrust.Pem -> PemFiles.certificates(trust.certificates, "trust file")
            is TlsTrust.Pkcs12 -> {
                val store = openPkcs12(trust.path, trust.password, "trust store")
                val found = store.aliases().toList().flatMap { alias ->
                    when {
                        store.isCertificateEntry(alias) -> listOfNotNull(store.getCertificate(alias) as? X509Certificate)
                        store.isKeyEntry(alias) -> listOfNotNull(store.getCertificateChain(alias)?.firstOrNull() as? X509Certificate)
                        else -> emptyList()
                    }
                }
                if (found.isEmpty()) {
                    val hint = if (trust.password == null) " readable without a password (its certificates may be encrypted: give the store's password)" else " to trust"
                    throw TlsConfigurationException("trust store ${trust.path} holds no certificate$hint")
                }
                found
            }
        }
        val store = KeyStore.getInstance("PKCS12").apply { load(null, null) }
        certificates.forEachIndexed { index, certificate -> store.setCertificateEntry("ca-$index", certificate) }
        return TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(store) }.trustManagers
    }

    fun load(identity: TlsIdentity): Identity = when (identity) {
        is TlsIdentity.Pkcs12 -> loadPkcs12(identity)
        is TlsIdentity.Pem -> loadPem(identity)
    }.also { warnIfNotValidNow(it.chain.first(), identity) }

    private fun loadPem(identity: TlsIdentity.Pem): Identity {
        val chain = PemFiles.certificates(identity.certificateChain)
        val key = PemFiles.privateKey(identity.privateKey)
        if (!matches(key, chain.first().publicKey)) {
            val other = chain.indexOfFirst { matches(key, it.publicKey) }
            if (other > 0) {
                throw TlsConfigurationException(
                    "certificate file ${identity.certificateChain}: the private key belongs to certificate ${other + 1} " +
                        "(${chain[other].subjectX500Principal.name}), not the first; put the server's certificate first, then its CA certificates",
                )
            }
            throw TlsConfigurationException(
                "the private key in ${identity.privateKey} does not belong to the certificate in ${identity.certificateChain} " +
                    "(${chain.first().subjectX500Principal.name}, ${chain.first().publicKey.algorithm} key; the private key is ${key.algorithm})",
            )
        }
        return Identity(key, chain)
    }

    private fun loadPkcs12(identity: TlsIdentity.Pkcs12): Identity {
        val path = identity.path
        val store = openPkcs12(path, identity.password, "keystore")
        val keyAliases = store.aliases().toList().filter { store.isKeyEntry(it) }
        val alias = identity.alias ?: when (keyAliases.size) {
            1 -> keyAliases.single()
            0 -> throw TlsConfigurationException(
                "keystore $path holds no private key" + store.aliases().toList().let { if (it.isEmpty()) " (it is empty)" else " (only trusted certificates: ${it.joinToString()})" },
            )
            else -> throw TlsConfigurationException("keystore $path holds several keys (${keyAliases.joinToString()}); name the server's with an alias")
        }
        if (!store.containsAlias(alias)) {
            throw TlsConfigurationException("keystore $path has no entry '$alias' (its entries: ${store.aliases().toList().joinToString().ifEmpty { "none" }})")
        }
        if (!store.isKeyEntry(alias)) throw TlsConfigurationException("entry '$alias' of keystore $path holds no private key (a trusted certificate only)")
        val key = try {
            store.getKey(alias, identity.password.toCharArray()) as? PrivateKey
        } catch (e: UnrecoverableKeyException) {
            throw TlsConfigurationException("the key of entry '$alias' in keystore $path has another password than the store; give both the same password", e)
        } ?: throw TlsConfigurationException("entry '$alias' of keystore $path holds a secret key, not a private key")
        val chain = store.getCertificateChain(alias)?.map { it as? X509Certificate ?: throw TlsConfigurationException("entry '$alias' of keystore $path has a non-X.509 certificate") }
        if (chain.isNullOrEmpty()) throw TlsConfigurationException("entry '$alias' of keystore $path has no certificate chain")
        if (!matches(key, chain.first().publicKey)) throw TlsConfigurationException("entry '$alias' of keystore $path: the private key does not belong to its certificate")
        return Identity(key, chain)
    }

    /** Opens a PKCS#12 file, telling a wrong password from a file that is not PKCS#12. */
    private fun openPkcs12(path: Path, password: String?, what: String): KeyStore {
        val bytes = PemFiles.readBytes(path, what)
        if (bytes.isEmpty()) throw TlsConfigurationException("$what $path is empty")
        if (String(bytes, 0, minOf(bytes.size, 64), Charsets.US_ASCII).trimStart().startsWith("-----BEGIN")) {
            throw TlsConfigurationException("$what $path is a PEM file, not PKCS#12; name it as PEM (TlsIdentity.pem / TlsTrust.pem)")
        }
        if (bytes.size >= 4 && bytes[0] == 0xFE.toByte() && bytes[1] == 0xED.toByte() && bytes[2] == 0xFE.toByte() && bytes[3] == 0xED.toByte()) {
            throw TlsConfigurationException(
                "$what $path is a JKS keystore, not PKCS#12; convert it (keytool -importkeystore -srckeystore $path -destkeystore store.p12 -deststoretype PKCS12)",
            )
        }
        val store = KeyStore.getInstance("PKCS12")
        try {
            store.load(ByteArrayInputStream(bytes), password?.toCharArray())
        } catch (e: IOException) {
            val wrongPassword = e.cause is UnrecoverableKeyException || e.message?.contains("password", ignoreCase = true) == true
            if (wrongPassword) throw TlsConfigurationException("$what $path: wrong password", e)
            throw TlsConfigurationException("$what $path is not a readable PKCS#12 keystore (${e.message ?: e.javaClass.simpleName})", e)
        } catch (e: GeneralSecurityException) {
            throw TlsConfigurationException("$what $path cannot be opened (${e.message ?: e.javaClass.simpleName})", e)
        }
        return store
    }

    /** True if [key] is the private half of [public]: by the RSA modulus, or by signing and verifying. */
    fun matches(key: PrivateKey, public: PublicKey): Boolean {
        if (key is RSAKey || public is RSAKey) return key is RSAKey && public is RSAKey && key.modulus == public.modulus
        val algorithm = when (key.algorithm) {
            "EC" -> "SHA256withECDSA"
            "DSA" -> "SHA256withDSA"
            "EdDSA", "Ed25519", "Ed448" -> key.algorithm
            else -> return key.algorithm == public.algorithm // nothing better to check with
        }
        if (public.algorithm != key.algorithm && !(key.algorithm.startsWith("Ed") && public.algorithm.startsWith("Ed"))) return false
        return try {
            val message = "telnetkit key check".toByteArray()
            val signature = Signature.getInstance(algorithm).run { initSign(key); update(message); sign() }
            Signature.getInstance(algorithm).run { initVerify(public); update(message); verify(signature) }
        } catch (e: GeneralSecurityException) {
            logger.debug { "key check with $algorithm failed: ${e.message}" }
            false
        }
    }

    private fun warnIfNotValidNow(certificate: X509Certificate, identity: TlsIdentity) {
        try {
            certificate.checkValidity()
        } catch (e: CertificateExpiredException) {
            logger.warn { "the TLS certificate of $identity (${certificate.subjectX500Principal.name}) expired on ${certificate.notAfter}: clients will refuse it" }
        } catch (e: CertificateNotYetValidException) {
            logger.warn { "the TLS certificate of $identity (${certificate.subjectX500Principal.name}) is not valid before ${certificate.notBefore}: clients will refuse it" }
        }
    }
}
