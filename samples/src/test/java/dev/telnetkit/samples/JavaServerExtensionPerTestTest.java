package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import dev.telnetkit.testkit.junit.TelnetServerExtension;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The testkit's JUnit 5 extension on an instance field: a server of its own for each test, stopped after it. */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaServerExtensionPerTestTest {
    @RegisterExtension
    TelnetServerExtension server = TelnetServerExtension.of(() -> TelnetServer.builder().port(0).prompt("p> ")
        .command(Command.named("ping").handler((session, args) -> session.writeResponse("pong")))
        .build());

    private static TelnetServerExtension first;
    private static TelnetTestClient firstClient;

    @Test
    @Order(1)
    void theFirstTestHasAServer() {
        first = server;
        firstClient = server.connect();
        firstClient.awaitPrompt("p> ");
    }

    @Test
    @Order(2)
    void theNextTestHasAnotherAndTheFirstIsStopped() {
        assertNotSame(first, server);
        assertThrows(IllegalStateException.class, first::server);
        assertTrue(firstClient.isClosed());
        server.connect().awaitPrompt("p> ");
    }
}
