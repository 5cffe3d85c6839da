package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.shell.LoginSettings;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Login configured from Java: {@code LoginSettings.builder} with a blocking check, over a socket. */
@Timeout(60)
class JavaLoginTest {
    private static final String PROMPT = "in> ";

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    private TelnetServer start(LoginSettings login) throws Exception {
        server = TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(100)).prompt(PROMPT)
            .login(login)
            .command(Command.named("whoami").handler((session, args) -> session.writeResponse(session.getUsername())))
            .build().start();
        return server;
    }

    private static boolean reversed(String user, String password) {
        return password.equals(new StringBuilder(user).reverse().toString());
    }

    @Test
    void everySettingOfTheBuilderIsReadBackAsJavaTypes() {
        LoginSettings settings = LoginSettings.builder((session, user, password) -> true)
            .askUsername(true).askPassword(false)
            .maxAttempts(7).failureDelay(Duration.ofMillis(250)).timeout(Duration.ofSeconds(30))
            .usernamePrompt("login: ").passwordPrompt("secret: ")
            .lockoutThreshold(4).lockoutWindow(Duration.ofMinutes(2)).lockoutDuration(Duration.ofMinutes(1))
            .build();
        assertTrue(settings.getAskUsername());
        assertFalse(settings.getAskPassword());
        assertEquals(7, settings.getMaxAttempts());
        assertEquals(Duration.ofMillis(250), settings.getFailureDelay());
        assertEquals(Duration.ofSeconds(30), settings.getTimeout());
        assertEquals("login: ", settings.getUsernamePrompt());
        assertEquals("secret: ", settings.getPasswordPrompt());
        assertEquals(4, settings.getLockoutThreshold());
        assertEquals(Duration.ofMinutes(2), settings.getLockoutWindow());
        assertEquals(Duration.ofMinutes(1), settings.getLockoutDuration());

        LoginSettings defaults = LoginSettings.builder((session, user, password) -> true).build();
        assertEquals(3, defaults.getMaxAttempts());
        assertEquals(Duration.ofSeconds(60), defaults.getTimeout());
        assertEquals("Username: ", defaults.getUsernamePrompt());

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> LoginSettings.builder((session, user, password) -> true).maxAttempts(0).build());
        assertTrue(bad.getMessage().contains("maxAttempts"), bad.getMessage());
    }

    @Test
    void customPromptsAttemptsAndLockoutWorkOverTheWire() throws Exception {
        start(LoginSettings.builder((session, user, password) -> reversed(user, password))
            .usernamePrompt("login: ").passwordPrompt("secret: ")
            .maxAttempts(2).failureDelay(Duration.ZERO)
            .lockoutThreshold(3).lockoutDuration(Duration.ofMinutes(5))
            .build());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt("login: ");
            client.sendLine("ann");
            client.awaitPrompt("secret: ");
            client.sendLine("nna");
            client.awaitPrompt(PROMPT);
            client.sendLine("whoami");
            assertEquals("ann\r\n", client.awaitPrompt(PROMPT));
        }
        // Two attempts, then the connection is closed.
        try (LineClient client = LineClient.connect(server.getPort())) {
            for (int i = 0; i < 2; i++) {
                client.awaitPrompt("login: ");
                client.sendLine("bob");
                client.awaitPrompt("secret: ");
                client.sendLine("wrong");
                client.awaitText("Login incorrect.");
            }
            client.awaitText("Too many failed attempts.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        // The third failure from this address locks it out, and the next connection is refused at once.
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt("login: ");
            client.sendLine("bob");
            client.awaitPrompt("secret: ");
            client.sendLine("still wrong");
            client.awaitText("Too many failed logins from your address; try again later.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitText("Too many failed logins from your address; try again later.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
            assertFalse(client.output().contains("login: "), client.output());
        }
    }

    @Test
    void anAuthenticatorThatThrowsRejectsTheAttemptWithoutAStackTraceAndTheLoginGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        start(LoginSettings.builder((session, user, password) -> {
            calls.incrementAndGet();
            if (user.equals("boom")) throw new IllegalStateException("directory down: secret-detail-17");
            return reversed(user, password);
        }).failureDelay(Duration.ZERO).build());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt("Username: ");
            client.sendLine("boom");
            client.awaitPrompt("Password: ");
            client.sendLine("x");
            assertEquals("Login incorrect.\r\n", client.awaitPrompt("Username: "));
            client.sendLine("ann");
            client.awaitPrompt("Password: ");
            client.sendLine("nna");
            client.awaitPrompt(PROMPT);
            client.sendLine("whoami");
            assertEquals("ann\r\n", client.awaitPrompt(PROMPT));
            String screen = client.output();
            assertFalse(screen.contains("secret-detail-17"), screen);
            assertFalse(screen.contains("Exception"), screen);
            assertFalse(screen.contains("\tat "), screen);
        }
        assertEquals(2, calls.get());
    }

    @Test
    void theLoginTimeoutClosesTheConnection() throws Exception {
        // The builder itself may be handed to TelnetServerBuilder.login.
        server = TelnetServer.builder().port(0).connectMaxWait(Duration.ofMillis(100)).prompt(PROMPT)
            .login(LoginSettings.builder((session, user, password) -> true).timeout(Duration.ofMillis(400)))
            .command(Command.named("whoami").handler((session, args) -> session.writeResponse(session.getUsername())))
            .build().start();
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt("Username: ");
            client.awaitText("Login timed out.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }
}
