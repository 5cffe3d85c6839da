package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import dev.telnetkit.testkit.junit.TelnetServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's JUnit 5 extension: a server for the class, clients handed out, logged in if asked. */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaServerExtensionTest {
    // README:start junit
    @RegisterExtension
    static TelnetServerExtension server = TelnetServerExtension.of(() -> TelnetServer.builder()
            .port(0)
            .welcome("Hello from Java.")
            .prompt("j> ")
            .login((session, user, password) -> user.equals("ann") && password.equals("secret"))
            .command(Command.named("whoami").handler((session, args) -> session.writeResponse("user=" + session.getUsername())))
            .build())
        .prompt("j> ");
    // README:end junit

    private static TelnetTestClient fromFirstTest;

    @Test
    @Order(1)
    void connectHandsOutAClientOfTheServer() {
        assertTrue(server.port() > 0);
        TelnetTestClient client = server.connect();
        fromFirstTest = client;
        client.awaitText("Hello from Java.");
        client.awaitPrompt("Username: ");
        assertEquals(1, server.server().getSessions().size());
    }

    @Test
    @Order(2)
    void theClientsOfATestAreClosedAfterIt() {
        assertTrue(fromFirstTest.isClosed());
    }

    @Test
    @Order(3)
    void loginAnswersThePromptsAndReturnsAtTheShellPrompt() {
        TelnetTestClient client = server.login("ann", "secret");
        client.sendLine("whoami");
        client.awaitText("user=ann");
        client.awaitPrompt("j> ");
        client.sendLine("bye");
        assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
    }

    @Test
    @Order(4)
    void aFailedAwaitNamesTheCallAndThisLine() {
        TelnetTestClient client = server.connect();
        client.awaitPrompt("Username: ");
        int line = new Throwable().getStackTrace()[0].getLineNumber() + 1;
        AssertionError error = assertThrows(AssertionError.class, () -> client.awaitText("never sent", Duration.ofMillis(200)));
        assertTrue(error.getMessage().startsWith("awaitText(\"never sent\") at JavaServerExtensionTest.java:" + line + " failed:"), error.getMessage());
        assertEquals(null, error.getCause());
    }
}
