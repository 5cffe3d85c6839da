package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.shell.LoginSettings;
import dev.telnetkit.testkit.InMemoryClient;
import dev.telnetkit.testkit.InMemoryTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A Java-built server tested through the in-memory transport, from Java: no sockets, no negotiation wait. */
class JavaInMemoryTest {
    private TelnetServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private InMemoryTransport serve() throws java.io.IOException {
        InMemoryTransport memory = new InMemoryTransport();
        server = TelnetServer.builder()
            .transport(memory)
            .prompt("j> ")
            .command(Command.named("whoami").summary("Who is logged in.")
                .handler((session, args) -> session.writeResponse("you are " + session.getUsername() + " via " + session.getTransport())))
            .login(LoginSettings.builder((session, user, password) -> password.equals("pw")).build())
            .build()
            .start();
        return memory;
    }

    @Test
    void theShellsLoginAndACommandRunInMemory() throws Exception {
        InMemoryTransport memory = serve();
        try (InMemoryClient user = memory.connect()) {
            user.awaitText("Username: ");
            user.sendLine("ann");
            user.awaitText("Password: ");
            user.sendLine("pw");
            user.awaitPrompt("j> ");
            user.sendLine("whoami");
            assertTrue(user.awaitPrompt("j> ").contains("you are ann via memory"));
            assertFalse(user.getOutput().contains("pw\r\n"), "the password was echoed");
        }
    }

    @Test
    void aUserTheTransportAuthenticatedSkipsTheLogin() throws Exception {
        InMemoryTransport memory = serve();
        try (InMemoryClient user = memory.connect(InMemoryTransport.terminal("vt100", 100, 30, "bob"))) {
            String before = user.awaitPrompt("j> ");
            assertFalse(before.contains("Username:"), before);
            user.sendLine("whoami");
            assertTrue(user.awaitPrompt("j> ").contains("you are bob via memory"));
            user.close();
            assertTrue(user.awaitClosed());
        }
        assertEquals(0, sessionsLeftAfterWaiting());
    }

    /** The sessions still open once the server had up to 5 s to end them. */
    private int sessionsLeftAfterWaiting() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!server.getSessions().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        return server.getSessions().size();
    }
}
