package dev.telnetkit.testkit

// JDK and Kotlin standard library only: telnet-core's own tests compile a copy of this file (see
// telnet-core/pom.xml), because telnet-core cannot depend on the testkit, which depends on it.

import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyStore
import java.security.PrivateKey
import java.security.cert.CertificateFactory
import java.security.cert.X509Certificate
import java.util.Base64
import java.util.Comparator
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory

/** The key types [TestCertificates] can make; [keytoolArguments] are what `keytool -genkeypair` is given. */
public enum class TestKeyAlgorithm(internal val keytoolArguments: List<String>) {
    /** RSA, 2048 bits. */
    RSA(listOf("-keyalg", "RSA", "-keysize", "2048")),

    /** EC on the P-256 curve: the fastest to make. */
    EC(listOf("-keyalg", "EC", "-groupname", "secp256r1")),

    /** Ed25519 (JDK 15 and later). */
    ED25519(listOf("-keyalg", "Ed25519")),
}

/**
 * One test key and its certificate chain, in every form a TLS setting takes.
 *
 * @property name the certificate's common name (CN), and the alias in [keyStore].
 * @property keyStore a PKCS#12 store holding the key and chain under the alias [name], with password [TestCertificates.PASSWORD].
 * @property certificatePem the chain as PEM, leaf first.
 * @property privateKeyPem the key as unencrypted PKCS#8 PEM (`BEGIN PRIVATE KEY`).
 * @property chain the certificate chain, leaf first.
 * @property privateKey the private key.
 */
public class TestIdentity internal constructor(
    public val name: String,
    public val keyStore: Path,
    public val certificatePem: Path,
    public val privateKeyPem: Path,
    public val chain: List<X509Certificate>,
    public val privateKey: PrivateKey,
) {
    /** The leaf certificate. */
    public val certificate: X509Certificate get() = chain.first()

    override fun toString(): String = "TestIdentity($name, ${privateKey.algorithm}, $keyStore)"
}

/**
 * Certificates for TLS tests, made at test time with the JDK's `keytool` (always there, so tests
 * need no openssl): a test [ca], a [server] certificate it signed (for `localhost` and
 * `127.0.0.1`), a [client] certificate it signed, and an [untrustedClient] that signed itself.
 * Every store uses [PASSWORD]. Making a set takes a few seconds (keytool is a JVM per step), so
 * tests share one: [shared].
 *
 * ```kotlin
 * val certs = TestCertificates.shared()
 * val tls = TlsSettings(TlsIdentity.pkcs12(certs.server.keyStore, TestCertificates.PASSWORD))
 * val clientContext = certs.clientContext(certs.client)
 * ```
 *
 * @property directory where the files are.
 * @property ca the certificate authority that signed [server] and [client].
 * @property server the server's identity: chain server, CA.
 * @property client a client identity the CA signed: trusted by [caPem] and [trustStore].
 * @property untrustedClient a self-signed client identity nothing trusts.
 * @property caPem the CA's certificate as PEM: a trust file for servers and clients.
 * @property trustStore a PKCS#12 store holding the CA's certificate as a trusted entry.
 */
public class TestCertificates private constructor(
    public val directory: Path,
    public val ca: TestIdentity,
    public val server: TestIdentity,
    public val client: TestIdentity,
    public val untrustedClient: TestIdentity,
    public val caPem: Path,
    public val trustStore: Path,
) {
    /**
     * An [SSLContext] for a test client: it trusts [ca] and, when [identity] is not null,
     * presents that certificate when the server asks for one.
     */
    @JvmOverloads
    public fun clientContext(identity: TestIdentity? = null): SSLContext = context(identity, ca.certificate)

    /** Factories, and the password of every store. */
    public companion object {
        /** The password of every keystore [TestCertificates] makes. */
        public const val PASSWORD: String = "telnetkit-test"

        private const val VALIDITY_DAYS = "30"

        private val sharedSet: TestCertificates by lazy {
            val directory = Files.createTempDirectory("telnetkit-certificates")
            Runtime.getRuntime().addShutdownHook(Thread { deleteTree(directory) })
            generate(directory)
        }

        /** One set per JVM, made on first use in a temporary directory deleted when the JVM exits. */
        @JvmStatic
        public fun shared(): TestCertificates = sharedSet

        /** Makes a new set in [directory] (created if missing), with [algorithm] keys for the server and clients. */
        @JvmStatic
        @JvmOverloads
        public fun generate(directory: Path, algorithm: TestKeyAlgorithm = TestKeyAlgorithm.EC): TestCertificates {
            Files.createDirectories(directory)
            val ca = selfSigned(directory, "TelnetKit Test CA", TestKeyAlgorithm.EC, "ca", listOf("-ext", "bc:c"))
            val pool = Executors.newFixedThreadPool(2)
            try {
                val server = pool.submit(Callable {
                    signed(directory, "localhost", "server", algorithm, ca, listOf("-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth"))
                })
                val client = pool.submit(Callable { signed(directory, "test client", "client", algorithm, ca, listOf("-ext", "eku=clientAuth")) })
                val untrusted = pool.submit(Callable { selfSigned(directory, "untrusted client", algorithm, "untrusted") })
                val trustStore = directory.resolve("truststore.p12")
                store(trustStore) { setCertificateEntry("ca", ca.certificate) }
                val caPem = directory.resolve("ca.pem")
                Files.writeString(caPem, pem("CERTIFICATE", ca.certificate.encoded))
                return TestCertificates(directory, ca, server.get(), client.get(), untrusted.get(), caPem, trustStore)
            } finally {
                pool.shutdownNow()
            }
        }

        /**
         * A self-signed identity with the common name [name], in files `<file>.p12`, `<file>-chain.pem`
         * and `<file>-key.pem` in [directory]; [extraArguments] go to `keytool -genkeypair`.
         */
        @JvmStatic
        @JvmOverloads
        public fun selfSigned(
            directory: Path,
            name: String,
            algorithm: TestKeyAlgorithm = TestKeyAlgorithm.EC,
            file: String = name.replace(Regex("[^A-Za-z0-9]+"), "-").lowercase(),
            extraArguments: List<String> = emptyList(),
        ): TestIdentity {
            Files.createDirectories(directory)
            val keyStore = directory.resolve("$file.p12")
            Files.deleteIfExists(keyStore)
            keytool(
                listOf("-genkeypair", "-alias", name, "-dname", "CN=$name", "-validity", VALIDITY_DAYS) +
                    algorithm.keytoolArguments + storeArguments(keyStore) + extraArguments,
            )
            return identity(directory, name, file, keyStore, null)
        }

        /** A key in its own store, with a certificate [ca] signed, the chain stored back with it. */
        private fun signed(directory: Path, name: String, file: String, algorithm: TestKeyAlgorithm, ca: TestIdentity, extensions: List<String>): TestIdentity {
            val keyStore = directory.resolve("$file.p12")
            Files.deleteIfExists(keyStore)
            keytool(listOf("-genkeypair", "-alias", name, "-dname", "CN=$name", "-validity", VALIDITY_DAYS) + algorithm.keytoolArguments + storeArguments(keyStore))
            val request = directory.resolve("$file.csr")
            keytool(listOf("-certreq", "-alias", name, "-file", request.toString()) + storeArguments(keyStore))
            val signed = directory.resolve("$file.crt")
            keytool(
                listOf("-gencert", "-alias", ca.name, "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", VALIDITY_DAYS) +
                    storeArguments(ca.keyStore) + extensions,
            )
            val leaf = Files.newInputStream(signed).use { CertificateFactory.getInstance("X.509").generateCertificate(it) as X509Certificate }
            return identity(directory, name, file, keyStore, listOf(leaf, ca.certificate))
        }

        /** Reads the key back from [keyStore]; with a [chain], stores it back with that chain. Writes the PEM files. */
        private fun identity(directory: Path, name: String, file: String, keyStore: Path, chain: List<X509Certificate>?): TestIdentity {
            val loaded = KeyStore.getInstance("PKCS12").apply { Files.newInputStream(keyStore).use { load(it, PASSWORD.toCharArray()) } }
            val key = loaded.getKey(name, PASSWORD.toCharArray()) as PrivateKey
            val fullChain = chain ?: loaded.getCertificateChain(name).map { it as X509Certificate }
            if (chain != null) store(keyStore) { setKeyEntry(name, key, PASSWORD.toCharArray(), chain.toTypedArray()) }
            val certificatePem = directory.resolve("$file-chain.pem")
            Files.writeString(certificatePem, fullChain.joinToString("") { pem("CERTIFICATE", it.encoded) })
            val keyPem = directory.resolve("$file-key.pem")
            Files.writeString(keyPem, pem("PRIVATE KEY", key.encoded)) // PrivateKey.encoded is PKCS#8
            return TestIdentity(name, keyStore, certificatePem, keyPem, fullChain, key)
        }

        /**
         * An [SSLContext] for a test client that trusts [trusted] alone (a self-signed server
         * certificate, say) and presents [identity], if not null, when the server asks for one.
         */
        @JvmStatic
        @JvmOverloads
        public fun clientContextTrusting(trusted: X509Certificate, identity: TestIdentity? = null): SSLContext = context(identity, trusted)

        /** PEM text of [der] with [label], 64 characters a line. */
        @JvmStatic
        public fun pem(label: String, der: ByteArray): String =
            "-----BEGIN $label-----\n" + Base64.getMimeEncoder(64, "\n".toByteArray()).encodeToString(der) + "\n-----END $label-----\n"

        private fun context(identity: TestIdentity?, trusted: X509Certificate): SSLContext {
            val keyManagers = identity?.let {
                val keys = KeyStore.getInstance("PKCS12").apply { load(null, null) }
                keys.setKeyEntry("me", it.privateKey, PASSWORD.toCharArray(), it.chain.toTypedArray())
                KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(keys, PASSWORD.toCharArray()) }.keyManagers
            }
            val trust = KeyStore.getInstance("PKCS12").apply { load(null, null); setCertificateEntry("ca", trusted) }
            val trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(trust) }.trustManagers
            return SSLContext.getInstance("TLS").apply { init(keyManagers, trustManagers, null) }
        }

        private fun store(path: Path, fill: KeyStore.() -> Unit) {
            val store = KeyStore.getInstance("PKCS12").apply { load(null, null) }
            store.fill()
            Files.newOutputStream(path).use { store.store(it, PASSWORD.toCharArray()) }
        }

        private fun storeArguments(keyStore: Path) =
            listOf("-keystore", keyStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)

        /** The JDK's keytool: next to the running JVM, else on the PATH. */
        private val keytoolCommand: String by lazy {
            val home = System.getProperty("java.home")
            val candidate = File(home, "bin/keytool").takeIf { it.canExecute() } ?: File(home, "bin/keytool.exe").takeIf { it.canExecute() }
            candidate?.path ?: "keytool"
        }

        private fun keytool(arguments: List<String>) {
            // C1 only and the serial collector: each keytool run is a short JVM, twice as fast this way.
            val command = listOf(keytoolCommand, "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC") + arguments
            val process = ProcessBuilder(command).redirectErrorStream(true).start()
            process.outputStream.close() // nothing to answer: a prompt fails instead of hanging
            val output = process.inputStream.bufferedReader().readText()
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly()
                error("keytool timed out: ${command.joinToString(" ")}")
            }
            check(process.exitValue() == 0) { "keytool failed (${process.exitValue()}): ${arguments.joinToString(" ")}\n$output" }
        }

        private fun deleteTree(directory: Path) {
            runCatching { Files.walk(directory).use { paths -> paths.sorted(Comparator.reverseOrder()).forEach { Files.deleteIfExists(it) } } }
        }
    }
}
