package dev.telnetkit.transport.tls

import java.time.Duration
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLEngine

/** Whether the server asks TLS clients for a certificate of their own. */
public enum class ClientAuth {
    /** Never asks (the default): clients are anonymous at the TLS level and log in as usual. */
    NONE,

    /**
     * Asks; a client that sends no certificate is still served (with no peer certificate), but one
     * that sends a certificate [TlsSettings.trust] does not vouch for is refused, as the JDK does.
     */
    WANTED,

    /** Asks, and refuses every client without a certificate [TlsSettings.trust] vouches for. */
    REQUIRED,
}

/** What a TLS-enabled port accepts. */
public enum class TlsMode {
    /** TLS only: a client that starts with anything but a TLS handshake is refused with a clear log message. */
    TLS_ONLY,

    /**
     * Plain Telnet and TLS on one port: a client whose first byte is a TLS handshake record (0x16,
     * which no Telnet client sends first) gets TLS, anyone else plain Telnet. See [TlsSettings.detectWait].
     */
    AUTO_DETECT,
}

/**
 * A mistake in the TLS settings or the files they name: a missing or unreadable file, a wrong
 * password, a key that does not belong to the certificate, a file with no certificate or garbage
 * in it. The message names the file and the problem; [cause] keeps the JDK's own exception, if any.
 */
public class TlsConfigurationException internal constructor(message: String, cause: Throwable? = null) :
    IllegalArgumentException(message, cause)

/**
 * How a listener speaks TLS: the server's identity, whether clients must present certificates,
 * which protocol versions, and whether plain Telnet is accepted on the same port.
 *
 * Constructing checks the values ([IllegalArgumentException] naming the setting); [sslContext]
 * reads and checks the files ([TlsConfigurationException] naming the file). Immutable; the files
 * are read again by every [sslContext] call.
 *
 * Kotlin:
 * ```kotlin
 * val tls = TlsSettings(
 *     TlsIdentity.pem(Path.of("fullchain.pem"), Path.of("privkey.pem")),
 *     clientAuth = ClientAuth.REQUIRED,
 *     trust = TlsTrust.pem(Path.of("clients-ca.pem")),
 * )
 * ```
 * Java:
 * ```java
 * TlsSettings tls = TlsSettings.builder(TlsIdentity.pkcs12(Path.of("server.p12"), "secret"))
 *     .mode(TlsMode.AUTO_DETECT)
 *     .handshakeTimeout(Duration.ofSeconds(5))
 *     .build();
 * ```
 *
 * @property identity the server's certificate chain and private key.
 * @property clientAuth whether clients are asked for a certificate (default [ClientAuth.NONE]).
 * @property trust the authorities client certificates must chain to; required unless [clientAuth] is NONE.
 * @param protocols the TLS versions offered, `TLSv1.3` and `TLSv1.2` by default; older ones are refused.
 * @property mode TLS only (the default), or TLS and plain Telnet on one port.
 * @property handshakeTimeout how long a client may take to finish the handshake before it is disconnected.
 * @property detectWait in [TlsMode.AUTO_DETECT], how long to wait for the client's first byte before
 *   taking it for a plain Telnet client that waits for the server to speak first (and starting the
 *   Telnet negotiation). A client that speaks first is told apart as soon as its first byte arrives:
 *   TLS clients always speak first, and so do most Telnet clients (they negotiate at once), so the
 *   wait only delays the silent ones such as netcat. A TLS client whose ClientHello takes longer
 *   than this to arrive is taken for plain Telnet, so keep it above the clients' round-trip time.
 */
public class TlsSettings @JvmOverloads constructor(
    public val identity: TlsIdentity,
    public val clientAuth: ClientAuth = ClientAuth.NONE,
    public val trust: TlsTrust? = null,
    protocols: List<String> = DEFAULT_PROTOCOLS,
    public val mode: TlsMode = TlsMode.TLS_ONLY,
    public val handshakeTimeout: Duration = Duration.ofSeconds(10),
    public val detectWait: Duration = Duration.ofMillis(300),
) {
    /** The TLS versions offered, in the order given; an immutable copy. */
    public val protocols: List<String> = java.util.List.copyOf(protocols)

    init {
        require(clientAuth == ClientAuth.NONE || trust != null) {
            "clientAuth $clientAuth needs a trust store: the CA certificates client certificates must chain to (TlsTrust.pem or TlsTrust.pkcs12)"
        }
        require(this.protocols.isNotEmpty()) { "TLS protocols must not be empty (default: ${DEFAULT_PROTOCOLS.joinToString()})" }
        require(this.protocols.toSet().size == this.protocols.size) { "TLS protocols repeat a version: ${this.protocols}" }
        for (protocol in this.protocols) {
            require(protocol !in OBSOLETE_PROTOCOLS) { "TLS protocol $protocol is obsolete and refused (RFC 8996); use TLSv1.3 and TLSv1.2" }
            require(protocol in supportedProtocols) { "TLS protocol '$protocol' is not supported by this JDK (supported: ${supportedProtocols.filter { it !in OBSOLETE_PROTOCOLS }.joinToString()})" }
        }
        require(!handshakeTimeout.isNegative && !handshakeTimeout.isZero && handshakeTimeout <= Duration.ofMinutes(5)) {
            "TLS handshakeTimeout must be in (0, 5 min], was $handshakeTimeout"
        }
        require(!detectWait.isNegative && detectWait <= Duration.ofSeconds(10)) { "TLS detectWait must be in 0..10 s, was $detectWait" }
    }

    /**
     * Reads the identity (and the trust store, if any), checks them, and builds a server
     * [SSLContext] from them. Every call reads the files again.
     *
     * @throws TlsConfigurationException naming the file and what is wrong with it.
     */
    @Throws(TlsConfigurationException::class)
    public fun sslContext(): SSLContext {
        val keyManagers = KeyMaterial.keyManagers(identity)
        val trustManagers = trust?.let { KeyMaterial.trustManagers(it) }
        return try {
            SSLContext.getInstance("TLS").apply { init(keyManagers, trustManagers, null) }
        } catch (e: java.security.GeneralSecurityException) {
            throw TlsConfigurationException("TLS context could not be built from $identity: ${e.message}", e)
        }
    }

    /** A server-side engine of [context] (made by [sslContext]) with these settings' protocols and client authentication. */
    internal fun newEngine(context: SSLContext): SSLEngine = context.createSSLEngine().apply {
        useClientMode = false
        val parameters = sslParameters
        parameters.protocols = protocols.toTypedArray()
        parameters.useCipherSuitesOrder = true
        when (clientAuth) {
            ClientAuth.NONE -> parameters.needClientAuth = false
            ClientAuth.WANTED -> parameters.wantClientAuth = true
            ClientAuth.REQUIRED -> parameters.needClientAuth = true
        }
        sslParameters = parameters
    }

    /** A server-side [TlsEngineDriver] over a new engine of [context]. */
    internal fun newDriver(context: SSLContext): TlsEngineDriver = TlsEngineDriver(newEngine(context))

    override fun toString(): String =
        "TlsSettings(identity=$identity, clientAuth=$clientAuth, trust=$trust, protocols=$protocols, mode=$mode, " +
            "handshakeTimeout=$handshakeTimeout, detectWait=$detectWait)"

    /**
     * Builds [TlsSettings] step by step, for Java; every setting starts at the constructor's
     * default. Obtained from [TlsSettings.builder].
     */
    public class Builder internal constructor(private val identity: TlsIdentity) {
        private val defaults = TlsSettings(identity)
        private var clientAuth = defaults.clientAuth
        private var trust: TlsTrust? = defaults.trust
        private var protocols = defaults.protocols
        private var mode = defaults.mode
        private var handshakeTimeout = defaults.handshakeTimeout
        private var detectWait = defaults.detectWait

        /** Whether clients are asked for a certificate (default NONE); WANTED and REQUIRED need [trust]. */
        public fun clientAuth(clientAuth: ClientAuth): Builder = apply { this.clientAuth = clientAuth }

        /** The authorities client certificates must chain to. */
        public fun trust(trust: TlsTrust?): Builder = apply { this.trust = trust }

        /** The TLS versions offered (default `TLSv1.3`, `TLSv1.2`). */
        public fun protocols(vararg protocols: String): Builder = apply { this.protocols = protocols.toList() }

        /** TLS only (default) or TLS and plain Telnet on one port. */
        public fun mode(mode: TlsMode): Builder = apply { this.mode = mode }

        /** How long a client may take to finish the handshake (default 10 s). */
        public fun handshakeTimeout(timeout: Duration): Builder = apply { handshakeTimeout = timeout }

        /** In AUTO_DETECT, how long to wait for a silent client's first byte (default 300 ms). */
        public fun detectWait(wait: Duration): Builder = apply { detectWait = wait }

        /** The settings; throws [IllegalArgumentException] naming the setting that is wrong. */
        public fun build(): TlsSettings = TlsSettings(identity, clientAuth, trust, protocols, mode, handshakeTimeout, detectWait)
    }

    /** Defaults and the Java builder. */
    public companion object {
        /** The protocol versions offered by default: TLS 1.3 and TLS 1.2. */
        @JvmField
        public val DEFAULT_PROTOCOLS: List<String> = java.util.List.of("TLSv1.3", "TLSv1.2")

        private val OBSOLETE_PROTOCOLS = setOf("SSLv2Hello", "SSLv3", "TLSv1", "TLSv1.1")

        private val supportedProtocols: Set<String> by lazy {
            SSLContext.getDefault().supportedSSLParameters.protocols.toSet()
        }

        /** Starts settings for Java with the server's [identity]; every other setting at its default. */
        @JvmStatic
        public fun builder(identity: TlsIdentity): Builder = Builder(identity)
    }
}
