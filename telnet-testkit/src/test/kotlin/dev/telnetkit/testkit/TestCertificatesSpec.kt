package dev.telnetkit.testkit

import dev.telnetkit.transport.tls.ClientAuth
import dev.telnetkit.transport.tls.TlsIdentity
import dev.telnetkit.transport.tls.TlsSettings
import dev.telnetkit.transport.tls.TlsTrust
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import java.nio.file.Files

class TestCertificatesSpec : FunSpec({
    val certs = TestCertificates.shared()

    test("the shared set is made once, and its server certificate is for localhost, signed by the test CA") {
        TestCertificates.shared() shouldBe certs
        certs.server.chain.map { it.subjectX500Principal.name } shouldContainExactly listOf("CN=localhost", "CN=TelnetKit Test CA")
        certs.server.certificate.verify(certs.ca.certificate.publicKey)
        certs.client.certificate.verify(certs.ca.certificate.publicKey)
        certs.server.certificate.subjectAlternativeNames.map { it[1].toString() } shouldContainExactly listOf("localhost", "127.0.0.1")
        certs.untrustedClient.certificate.issuerX500Principal shouldBe certs.untrustedClient.certificate.subjectX500Principal
    }

    test("every form of every identity is on disk and readable by TLS settings") {
        for (identity in listOf(certs.server, certs.client, certs.untrustedClient)) {
            Files.readString(identity.privateKeyPem) shouldStartWith "-----BEGIN PRIVATE KEY-----"
            Files.readString(identity.certificatePem) shouldStartWith "-----BEGIN CERTIFICATE-----"
            TlsSettings(TlsIdentity.pkcs12(identity.keyStore, TestCertificates.PASSWORD)).sslContext()
            TlsSettings(TlsIdentity.pem(identity.certificatePem, identity.privateKeyPem)).sslContext()
        }
        TlsSettings(TlsIdentity.pem(certs.server.certificatePem, certs.server.privateKeyPem), ClientAuth.REQUIRED, TlsTrust.pkcs12(certs.trustStore, TestCertificates.PASSWORD)).sslContext()
        certs.clientContext(certs.client).protocol shouldBe "TLS"
    }
})
