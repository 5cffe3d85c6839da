package dev.telnetkit.pty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The OS shell as a Java server author uses it: the settings builder, the command factory, the blocking run. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaOsShellTest {
    private TelnetServer server;
    private TelnetTestClient client;

    private static OsShellSettings.Builder sh() {
        OsShellSettings.Builder builder = OsShellSettings.builder("/bin/sh", "-i")
                .environment("PS1", "javash$ ")
                .hangupGrace(Duration.ofSeconds(1));
        String user = PtySupport.INSTANCE.getTestUser();
        return user == null ? builder : builder.runAs(user);
    }

    @BeforeEach
    void startServer() throws Exception {
        OsShellSettings settings = sh().build();
        // A blocking Java handler that runs the shell itself and reports its status its own way.
        Command blocking = Command.named("blocking")
                .handler((session, args) -> session.writeLine("blocking status " + OsShell.runBlocking(session, settings)))
                .build();
        server = TelnetServer.builder()
                .port(0)
                .command(OsShell.command("shell", settings))
                .command(blocking)
                .build()
                .start();
        client = TelnetTestClient.connect("127.0.0.1", server.getPort());
    }

    @AfterEach
    void stopServer() {
        if (client != null) client.close();
        if (server != null) server.stop(Duration.ZERO);
    }

    @Test
    void theCommandFactoryRunsTheShellAndReportsItsExitStatus() {
        client.awaitPrompt("> ");
        client.sendLine("shell");
        client.awaitText("javash$ ");
        client.sendLine("echo J=$((6*7))");
        client.awaitText("J=42");
        client.sendLine("exit 4");
        client.awaitText("[OS shell ended, exit status 4]");
        client.awaitPrompt("> ");
    }

    @Test
    void runBlockingFromAJavaHandlerReturnsTheExitStatus() {
        client.awaitPrompt("> ");
        client.sendLine("blocking");
        client.awaitText("javash$ ");
        client.sendLine("exit 7");
        client.awaitText("blocking status 7");
    }

    @Test
    void theBuilderRefusesSettingsWithoutACommand() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> OsShellSettings.builder().build());
        assertTrue(error.getMessage().contains("no command configured"), error.getMessage());
        assertEquals(OsShell.REFUSED, 126);
    }
}
