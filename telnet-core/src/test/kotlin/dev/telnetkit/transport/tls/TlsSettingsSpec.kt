package dev.telnetkit.transport.tls

import dev.telnetkit.testkit.TestCertificates
import dev.telnetkit.testkit.TestIdentity
import dev.telnetkit.testkit.TestKeyAlgorithm
import dev.telnetkit.transport.tls.TlsFixtures.certs
import dev.telnetkit.transport.tls.TlsFixtures.clientEngine
import dev.telnetkit.transport.tls.TlsFixtures.pair
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.Enabled
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

class TlsSettingsSpec : FunSpec({
    val dir = Files.createTempDirectory("tls-settings-spec")
    afterSpec { dir.toFile().deleteRecursively() }
    val password = TestCertificates.PASSWORD

    fun file(name: String, text: String): Path = dir.resolve(name).also { Files.writeString(it, text) }
    fun file(name: String, bytes: ByteArray): Path = dir.resolve(name).also { Files.write(it, bytes) }

    /** The settings' context serves a client that trusts [trusted] (by default the test CA). */
    fun handshakes(settings: TlsSettings, trusted: TestIdentity? = null) {
        val client = if (trusted == null) clientEngine() else clientEngine(context = TestCertificates.clientContextTrusting(trusted.certificate))
        val pair = pair(settings, client)
        pair.handshake()
        pair.clientSends("ok".toByteArray())
        pair.serverReceived.toString(Charsets.US_ASCII) shouldBe "ok"
    }

    /** The configuration error of [settings], checked to name [file] and to read as a sentence, not a parser's trace. */
    fun failure(settings: TlsSettings, file: Path): String {
        val message = shouldThrow<TlsConfigurationException> { settings.sslContext() }.message!!
        message shouldContain file.toString()
        message shouldNotContain "Exception"
        return message
    }

    fun pem(certificate: Path, key: Path) = TlsSettings(TlsIdentity.pem(certificate, key))
    fun pkcs12(path: Path, secret: String = password, alias: String? = null) = TlsSettings(TlsIdentity.pkcs12(path, secret, alias))

    context("defaults and checks of the values") {
        test("the defaults: TLS only, TLS 1.3 and 1.2, no client certificates, 10 s handshake, 300 ms detect wait") {
            val settings = pkcs12(certs.server.keyStore)
            settings.mode shouldBe TlsMode.TLS_ONLY
            settings.protocols shouldBe listOf("TLSv1.3", "TLSv1.2")
            settings.clientAuth shouldBe ClientAuth.NONE
            settings.handshakeTimeout shouldBe Duration.ofSeconds(10)
            settings.detectWait shouldBe Duration.ofMillis(300)
            settings.toString() shouldNotContain password
        }

        test("wrong values are refused at construction, naming the setting") {
            val identity = TlsIdentity.pkcs12(certs.server.keyStore, password)
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, clientAuth = ClientAuth.REQUIRED) }.message shouldContain "needs a trust store"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, clientAuth = ClientAuth.WANTED) }.message shouldContain "needs a trust store"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, protocols = listOf("TLSv1.1")) }.message shouldContain "obsolete"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, protocols = listOf("TLSv9")) }.message shouldContain "'TLSv9' is not supported by this JDK"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, protocols = emptyList()) }.message shouldContain "must not be empty"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, handshakeTimeout = Duration.ZERO) }.message shouldContain "handshakeTimeout"
            shouldThrow<IllegalArgumentException> { TlsSettings(identity, detectWait = Duration.ofSeconds(11)) }.message shouldContain "detectWait"
            shouldThrow<IllegalArgumentException> { TlsIdentity.pkcs12(certs.server.keyStore, password, " ") }.message shouldContain "alias"
        }

        test("a TLS 1.3-only server refuses a TLS 1.2-only client with a message saying why") {
            val pair = pair(TlsFixtures.serverSettings(protocols = listOf("TLSv1.3")), clientEngine(protocols = listOf("TLSv1.2")))
            shouldThrow<TlsException> { pair.handshake() }.message shouldContain "no TLS version in common with the client (this server offers TLSv1.3)"
        }
    }

    context("identities that work") {
        test("a PKCS#12 keystore, with or without the alias named") {
            handshakes(pkcs12(certs.server.keyStore))
            handshakes(pkcs12(certs.server.keyStore, alias = "localhost"))
        }

        test("PEM files: a chain and a PKCS#8 key, EC, RSA and Ed25519, and both in one file") {
            handshakes(pem(certs.server.certificatePem, certs.server.privateKeyPem))
            for (algorithm in listOf(TestKeyAlgorithm.RSA, TestKeyAlgorithm.ED25519)) {
                val identity = TestCertificates.selfSigned(dir, "localhost", algorithm, "self-$algorithm", listOf("-ext", "san=dns:localhost"))
                handshakes(pem(identity.certificatePem, identity.privateKeyPem), trusted = identity)
            }
            val both = file("both.pem", Files.readString(certs.server.privateKeyPem) + Files.readString(certs.server.certificatePem))
            handshakes(pem(both, both))
        }

        test("a PKCS#1 RSA key (BEGIN RSA PRIVATE KEY), wrapped in PKCS#8 by hand") {
            val identity = TestCertificates.selfSigned(dir, "localhost", TestKeyAlgorithm.RSA, "pkcs1", listOf("-ext", "san=dns:localhost"))
            val pkcs1 = Der.read(identity.privateKey.encoded).children()[2].value() // PKCS#8's inner key is PKCS#1
            val key = file("pkcs1-key.pem", TestCertificates.pem("RSA PRIVATE KEY", pkcs1))
            handshakes(pem(identity.certificatePem, key), trusted = identity)
        }

        test("a SEC1 EC key (BEGIN EC PRIVATE KEY) with its curve, wrapped in PKCS#8 by hand") {
            // The JDK's own encoding leaves the curve out of the inner key; OpenSSL's has it in [0].
            val inner = Der.read(certs.server.privateKey.encoded).children()[2].value()
            val parts = Der.read(inner).children().map { Der.tlv(it.tag, it.value()) }
            val curve = Der.tlv(0xA0, Der.tlv(0x06, Der.encodeOid("1.2.840.10045.3.1.7")))
            val sec1 = Der.tlv(0x30, parts[0] + parts[1] + curve)
            val key = file("sec1-key.pem", "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n" + TestCertificates.pem("EC PRIVATE KEY", sec1))
            handshakes(pem(certs.server.certificatePem, key))

            val noCurve = file("sec1-no-curve.pem", TestCertificates.pem("EC PRIVATE KEY", Der.tlv(0x30, parts[0] + parts[1])))
            failure(pem(certs.server.certificatePem, noCurve), noCurve) shouldContain "names no curve"
        }

        val openssl = listOf("/usr/bin/openssl", "/usr/local/bin/openssl").firstOrNull { Files.isExecutable(Path.of(it)) }
        test("keys made by openssl: PKCS#1 from genrsa -traditional and SEC1 from ecparam -genkey").config(
            enabledOrReasonIf = { if (openssl != null) Enabled.enabled else Enabled.disabled("openssl is not installed: PKCS#1 and SEC1 keys from openssl not tested") },
        ) {
            fun run(vararg command: String) {
                val process = ProcessBuilder(openssl!!, *command).directory(dir.toFile()).redirectErrorStream(true).start()
                val output = process.inputStream.bufferedReader().readText()
                check(process.waitFor() == 0) { "openssl ${command.joinToString(" ")}: $output" }
            }
            run("genrsa", "-traditional", "-out", "ossl-rsa.pem", "2048")
            run("ecparam", "-name", "prime256v1", "-genkey", "-out", "ossl-ec.pem")
            for (name in listOf("ossl-rsa", "ossl-ec")) {
                run("req", "-new", "-x509", "-key", "$name.pem", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost", "-days", "2", "-out", "$name-cert.pem")
                Files.readString(dir.resolve("$name.pem")) shouldContain (if (name == "ossl-rsa") "BEGIN RSA PRIVATE KEY" else "BEGIN EC PRIVATE KEY")
                val certificate = PemFiles.certificates(dir.resolve("$name-cert.pem")).single()
                val client = clientEngine(context = TestCertificates.clientContextTrusting(certificate))
                val pair = pair(pem(dir.resolve("$name-cert.pem"), dir.resolve("$name.pem")), client)
                pair.handshake()
                pair.server.isHandshakeComplete shouldBe true
            }
        }

        test("a PKCS#12 trust store and a PEM trust file both admit the CA's client") {
            for (trust in listOf(TlsTrust.pkcs12(certs.trustStore, password), TlsTrust.pem(certs.caPem))) {
                val settings = TlsSettings(TlsIdentity.pkcs12(certs.server.keyStore, password), ClientAuth.REQUIRED, trust)
                val pair = pair(settings, clientEngine(certs.client))
                pair.handshake()
                pair.server.peerCertificates.first().subjectX500Principal.name shouldBe "CN=test client"
            }
        }
    }

    context("mistakes fail at sslContext(), naming the file and the problem") {
        test("a file that does not exist, a directory, an empty file") {
            val missing = dir.resolve("missing.p12")
            failure(pkcs12(missing), missing) shouldContain "does not exist"
            failure(pem(certs.server.certificatePem, missing), missing) shouldContain "does not exist"
            failure(pkcs12(dir), dir) shouldContain "is a directory"
            val empty = file("empty.pem", "")
            failure(pem(empty, certs.server.privateKeyPem), empty) shouldContain "is empty"
        }

        test("a wrong keystore password") {
            failure(pkcs12(certs.server.keyStore, "not the password"), certs.server.keyStore) shouldContain "wrong password"
            failure(TlsSettings(TlsIdentity.pkcs12(certs.server.keyStore, password), ClientAuth.REQUIRED, TlsTrust.pkcs12(certs.trustStore, "nope")), certs.trustStore) shouldContain "wrong password"
        }

        test("a keystore that is garbage, PEM, or holds no key or not the named one") {
            val garbage = file("garbage.p12", ByteArray(300) { (it * 7).toByte() })
            failure(pkcs12(garbage), garbage) shouldContain "is not a readable PKCS#12 keystore"
            failure(pkcs12(certs.server.certificatePem), certs.server.certificatePem) shouldContain "is a PEM file, not PKCS#12"
            failure(pkcs12(certs.server.keyStore, alias = "nope"), certs.server.keyStore) shouldContain "has no entry 'nope' (its entries: localhost)"
            failure(pkcs12(certs.trustStore), certs.trustStore) shouldContain "holds no private key (only trusted certificates: ca)"
        }

        test("a private key that does not belong to the certificate, or a chain in the wrong order") {
            failure(pem(certs.server.certificatePem, certs.client.privateKeyPem), certs.client.privateKeyPem) shouldContain
                "does not belong to the certificate in ${certs.server.certificatePem}"
            val reversed = file("reversed.pem", TestCertificates.pem("CERTIFICATE", certs.ca.certificate.encoded) + TestCertificates.pem("CERTIFICATE", certs.server.certificate.encoded))
            failure(pem(reversed, certs.server.privateKeyPem), reversed) shouldContain "the private key belongs to certificate 2 (CN=localhost), not the first"
        }

        test("a certificate file with no certificate, bad Base64, or a block that is no certificate") {
            failure(pem(certs.server.privateKeyPem, certs.server.privateKeyPem), certs.server.privateKeyPem) shouldContain
                "holds no certificate (expected '-----BEGIN CERTIFICATE-----', found only PRIVATE KEY)"
            val text = file("text.pem", "hello, I am not a certificate\n")
            failure(pem(text, certs.server.privateKeyPem), text) shouldContain "found no PEM block at all"
            val badBase64 = file("bad64.pem", "-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64***\n-----END CERTIFICATE-----\n")
            failure(pem(badBase64, certs.server.privateKeyPem), badBase64) shouldContain "the CERTIFICATE block at line 1 is not valid Base64"
            val notCertificate = file("notcert.pem", TestCertificates.pem("CERTIFICATE", ByteArray(64) { 0x30 }))
            failure(pem(notCertificate, certs.server.privateKeyPem), notCertificate) shouldContain "certificate 1 (line 1) is not a valid X.509 certificate"
            val unterminated = file("unterminated.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n")
            failure(pem(unterminated, certs.server.privateKeyPem), unterminated) shouldContain "has no matching '-----END CERTIFICATE-----'"
            val der = file("cert.der", certs.server.certificate.encoded)
            failure(pem(der, certs.server.privateKeyPem), der) shouldContain "is binary (DER or PKCS#12), not PEM text"
        }

        test("a key file with no key, garbage, an encrypted key, or an OpenSSH key") {
            failure(pem(certs.server.certificatePem, certs.server.certificatePem), certs.server.certificatePem) shouldContain "holds no private key"
            val garbage = file("garbage-key.pem", TestCertificates.pem("PRIVATE KEY", ByteArray(40) { 0x30 }))
            failure(pem(certs.server.certificatePem, garbage), garbage) shouldContain "the PKCS#8 key is not valid DER"
            val encrypted = file("encrypted.pem", TestCertificates.pem("ENCRYPTED PRIVATE KEY", ByteArray(40) { 1 }))
            failure(pem(certs.server.certificatePem, encrypted), encrypted) shouldContain "is encrypted; TelnetKit reads unencrypted PEM keys only"
            val legacy = file("legacy.pem", "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00112233445566778899AABBCCDDEEFF\n\nAAAA\n-----END RSA PRIVATE KEY-----\n")
            failure(pem(certs.server.certificatePem, legacy), legacy) shouldContain "is encrypted"
            val openssh = file("openssh.pem", TestCertificates.pem("OPENSSH PRIVATE KEY", ByteArray(40) { 1 }))
            failure(pem(certs.server.certificatePem, openssh), openssh) shouldContain "OpenSSH's own format"
            val x25519 = file("x25519.pem", TestCertificates.pem("PRIVATE KEY", java.security.KeyPairGenerator.getInstance("X25519").generateKeyPair().private.encoded))
            failure(pem(certs.server.certificatePem, x25519), x25519) shouldContain "key algorithm 1.3.101.110 is not supported"
        }

        test("a trust file with no certificate, and a trust store whose certificates need its password") {
            val identity = TlsIdentity.pkcs12(certs.server.keyStore, password)
            failure(TlsSettings(identity, ClientAuth.REQUIRED, TlsTrust.pem(certs.server.privateKeyPem)), certs.server.privateKeyPem) shouldContain "trust file"
            // The JDK encrypts the certificates of a PKCS#12 store: without the password none is read.
            failure(TlsSettings(identity, ClientAuth.REQUIRED, TlsTrust.pkcs12(certs.trustStore)), certs.trustStore) shouldContain
                "holds no certificate readable without a password"
        }
    }

    test("OIDs survive encoding and decoding") {
        for (oid in listOf("1.2.840.113549.1.1.1", "1.2.840.10045.3.1.7", "1.3.101.112", "2.5.29.17", "2.999.3")) {
            Der.decodeOid(Der.encodeOid(oid)) shouldBe oid
        }
    }
})
