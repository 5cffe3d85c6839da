package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import dev.telnetkit.testkit.TestCertificates;
import dev.telnetkit.transport.tls.ClientAuth;
import dev.telnetkit.transport.tls.TlsConfigurationException;
import dev.telnetkit.transport.tls.TlsIdentity;
import dev.telnetkit.transport.tls.TlsMode;
import dev.telnetkit.transport.tls.TlsSettings;
import dev.telnetkit.transport.tls.TlsTrust;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TLS set up from Java: the builder's tls(...) and the testkit's TLS client, as a Java caller writes them. */
class JavaTlsTest {
    private TelnetServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static Command whoami() {
        return Command.named("whoami").summary("The transport and the client certificate.")
            .handler((session, args) -> session.writeResponse(session.getTransport() + " "
                + (session.getPeerCertificates().isEmpty() ? "anonymous" : session.getPeerCertificates().get(0).getSubjectX500Principal().getName())))
            .build();
    }

    @Test
    void pemFilesServeTlsToATlsClient() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        server = TelnetServer.builder()
            .port(0)
            .prompt("j> ")
            .tls(certs.getServer().getCertificatePem(), certs.getServer().getPrivateKeyPem())
            .command(whoami())
            .build()
            .start();
        try (TelnetTestClient client = TelnetTestClient.connectTls("localhost", server.getPort(), certs.clientContext())) {
            client.awaitPrompt("j> ");
            client.sendLine("whoami");
            client.awaitText("tls anonymous\r\n");
        }
    }

    @Test
    void tlsSettingsWithClientCertificatesShowTheClientToHandlers() throws Exception {
        TestCertificates certs = TestCertificates.shared();
        TlsSettings tls = TlsSettings.builder(TlsIdentity.pkcs12(certs.getServer().getKeyStore(), TestCertificates.PASSWORD))
            .mode(TlsMode.AUTO_DETECT)
            .clientAuth(ClientAuth.REQUIRED)
            .trust(TlsTrust.pem(certs.getCaPem()))
            .handshakeTimeout(Duration.ofSeconds(5))
            .build();
        server = TelnetServer.builder().port(0).prompt("j> ").tls(tls).command(whoami()).build().start();
        assertEquals(tls, server.getSettings().getTls());
        try (TelnetTestClient client = TelnetTestClient.connectTls("localhost", server.getPort(), certs.clientContext(certs.getClient()))) {
            client.awaitPrompt("j> ");
            client.sendLine("whoami");
            client.awaitText("tls CN=test client\r\n");
        }
    }

    @Test
    void aMissingCertificateFileFailsTheStartNamingIt() {
        server = TelnetServer.builder()
            .port(0)
            .tls(Path.of("/nonexistent/cert.pem"), Path.of("/nonexistent/key.pem"), TlsMode.AUTO_DETECT)
            .command(whoami())
            .build();
        TlsConfigurationException error = assertThrows(TlsConfigurationException.class, server::start);
        assertTrue(error.getMessage().contains("/nonexistent/cert.pem"), error.getMessage());
        server = null;
    }
}
