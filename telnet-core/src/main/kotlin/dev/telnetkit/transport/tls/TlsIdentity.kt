package dev.telnetkit.transport.tls

import java.nio.file.Path

/**
 * Where the server's certificate chain and private key come from: a PKCS#12 keystore ([pkcs12])
 * or a pair of PEM files ([pem]). Nothing is read until [TlsSettings.sslContext] is called, and
 * it reads the files again on every call (a renewed certificate is picked up by the next context).
 *
 * ```java
 * TlsIdentity fromKeystore = TlsIdentity.pkcs12(Path.of("server.p12"), "secret");
 * TlsIdentity fromPem = TlsIdentity.pem(Path.of("fullchain.pem"), Path.of("privkey.pem"));
 * ```
 */
public sealed class TlsIdentity {
    /**
     * A PKCS#12 keystore (`.p12`, `.pfx`), as made by `keytool -storetype PKCS12` or
     * `openssl pkcs12 -export`. The key is protected by the same [password] as the store.
     *
     * @property path the keystore file.
     * @property alias the entry holding the server's key and chain; null when the store holds exactly one key.
     */
    public class Pkcs12 internal constructor(
        public val path: Path,
        internal val password: String,
        public val alias: String?,
    ) : TlsIdentity() {
        override fun toString(): String = "PKCS#12 $path" + (alias?.let { " (alias '$it')" } ?: "")
    }

    /**
     * PEM files, as made by Let's Encrypt clients or `openssl`: [certificateChain] holds the
     * server's certificate first, then the intermediate CA certificates; [privateKey] holds one
     * unencrypted key, as `BEGIN PRIVATE KEY` (PKCS#8: RSA, EC, Ed25519), `BEGIN RSA PRIVATE KEY`
     * (PKCS#1) or `BEGIN EC PRIVATE KEY` (SEC1). Both may name the same file.
     *
     * @property certificateChain the certificate file, leaf first.
     * @property privateKey the private key file.
     */
    public class Pem internal constructor(
        public val certificateChain: Path,
        public val privateKey: Path,
    ) : TlsIdentity() {
        override fun toString(): String = "PEM $certificateChain, key $privateKey"
    }

    /** Factories. */
    public companion object {
        /** The server's identity from the PKCS#12 keystore at [path], opened with [password]; [alias] names the entry when it holds several keys. */
        @JvmStatic
        @JvmOverloads
        public fun pkcs12(path: Path, password: String, alias: String? = null): Pkcs12 {
            require(alias == null || alias.isNotBlank()) { "PKCS#12 alias must not be blank (pass null to take the only key in $path)" }
            return Pkcs12(path, password, alias)
        }

        /** The server's identity from a PEM [certificateChain] file (leaf first) and a PEM [privateKey] file. */
        @JvmStatic
        public fun pem(certificateChain: Path, privateKey: Path): Pem = Pem(certificateChain, privateKey)
    }
}

/**
 * The certificate authorities client certificates must chain to ([TlsSettings.clientAuth]): a PEM
 * file of CA certificates ([pem]) or a PKCS#12 store of trusted certificates ([pkcs12]). Read by
 * [TlsSettings.sslContext], like [TlsIdentity].
 */
public sealed class TlsTrust {
    /**
     * A PEM file of one or more `BEGIN CERTIFICATE` blocks, each trusted as an authority.
     * @property certificates the file.
     */
    public class Pem internal constructor(public val certificates: Path) : TlsTrust() {
        override fun toString(): String = "PEM $certificates"
    }

    /**
     * A PKCS#12 store whose certificates (trusted-certificate entries, and the certificates of
     * key entries) are trusted as authorities.
     * @property path the store file.
     */
    public class Pkcs12 internal constructor(public val path: Path, internal val password: String?) : TlsTrust() {
        override fun toString(): String = "PKCS#12 $path"
    }

    /** Factories. */
    public companion object {
        /** Trusts the CA certificates in the PEM file at [certificates]. */
        @JvmStatic
        public fun pem(certificates: Path): Pem = Pem(certificates)

        /** Trusts the certificates in the PKCS#12 store at [path]; [password] may be null for a store of certificates only. */
        @JvmStatic
        @JvmOverloads
        public fun pkcs12(path: Path, password: String? = null): Pkcs12 = Pkcs12(path, password)
    }
}
