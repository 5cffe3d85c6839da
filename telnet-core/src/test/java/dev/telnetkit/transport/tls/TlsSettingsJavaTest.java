package dev.telnetkit.transport.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.testkit.TestCertificates;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

/** TLS settings as a Java caller writes them: the builder, the factories, the checked mistakes. */
class TlsSettingsJavaTest {
    private final TestCertificates certs = TestCertificates.shared();

    @Test
    void builderStartsAtTheDefaultsAndBuildsAContext() throws Exception {
        TlsSettings tls = TlsSettings.builder(TlsIdentity.pkcs12(certs.getServer().getKeyStore(), TestCertificates.PASSWORD))
            .mode(TlsMode.AUTO_DETECT)
            .handshakeTimeout(Duration.ofSeconds(5))
            .build();
        assertEquals(TlsMode.AUTO_DETECT, tls.getMode());
        assertEquals(ClientAuth.NONE, tls.getClientAuth());
        assertEquals(List.of("TLSv1.3", "TLSv1.2"), tls.getProtocols());
        assertEquals(TlsSettings.DEFAULT_PROTOCOLS, tls.getProtocols());
        assertEquals(Duration.ofMillis(300), tls.getDetectWait());
        SSLContext context = tls.sslContext();
        assertEquals("TLS", context.getProtocol());
    }

    @Test
    void pemIdentityAndClientCertificatesFromJava() {
        TlsSettings tls = TlsSettings.builder(TlsIdentity.pem(certs.getServer().getCertificatePem(), certs.getServer().getPrivateKeyPem()))
            .clientAuth(ClientAuth.REQUIRED)
            .trust(TlsTrust.pem(certs.getCaPem()))
            .protocols("TLSv1.3")
            .build();
        assertEquals(List.of("TLSv1.3"), tls.getProtocols());
        tls.sslContext();
        // The @JvmOverloads constructor, as Java sees it.
        TlsSettings same = new TlsSettings(TlsIdentity.pkcs12(certs.getServer().getKeyStore(), TestCertificates.PASSWORD, "localhost"), ClientAuth.WANTED, TlsTrust.pkcs12(certs.getTrustStore(), TestCertificates.PASSWORD));
        same.sslContext();
    }

    @Test
    void mistakesAreIllegalArgumentsWithAMessage() {
        IllegalArgumentException noTrust = assertThrows(IllegalArgumentException.class, () ->
            TlsSettings.builder(TlsIdentity.pkcs12(certs.getServer().getKeyStore(), "x")).clientAuth(ClientAuth.REQUIRED).build());
        assertTrue(noTrust.getMessage().contains("needs a trust store"), noTrust.getMessage());
        Path missing = Path.of("/nonexistent/server.p12");
        TlsConfigurationException notThere = assertThrows(TlsConfigurationException.class, () ->
            TlsSettings.builder(TlsIdentity.pkcs12(missing, "x")).build().sslContext());
        assertEquals("keystore " + missing + " does not exist", notThere.getMessage());
    }
}
