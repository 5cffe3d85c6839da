package dev.telnetkit.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Chat as a Java server declares it: settings from the builder, the commands, chat mode from a blocking handler, operator calls. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChatRoomsJavaTest {
    private final ChatRooms rooms = ChatRooms.create(ChatSettings.builder().historySize(5).maxMessageLength(200).build());
    private TelnetServer server;

    @BeforeEach
    void startServer() throws IOException {
        server = TelnetServer.builder()
                .host("127.0.0.1")
                .port(0)
                .commands(rooms.commands())
                .command(Command.named("lounge").summary("Chat in the lounge.").handler((session, args) -> rooms.enter(session, "lounge")))
                .build()
                .start();
    }

    @AfterEach
    void stopServer() {
        server.stop(Duration.ZERO);
    }

    @Test
    void chatModeFromABlockingHandlerWhoAndOperatorMessages() {
        try (TelnetTestClient ann = TelnetTestClient.connect("127.0.0.1", server.getPort());
             TelnetTestClient bob = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
            ann.awaitPrompt("> ");
            bob.awaitPrompt("> ");
            ann.sendLine("lounge");
            ann.awaitText("-> guest");
            ann.awaitText("[lounge] ");
            bob.sendLine("who");
            bob.awaitText("lounge");
            bob.awaitPrompt("> ");

            List<ChatPresence> online = rooms.who();
            assertEquals(2, online.size());
            assertEquals("lounge", online.get(0).getRoom());
            String annName = online.get(0).getName();

            assertTrue(rooms.messageUser(annName, "hello from Java"));
            ann.awaitText("!! sysop: hello from Java");
            assertEquals(2, rooms.announce("maintenance tonight", "admin"));
            bob.awaitText("!! admin (to everyone): maintenance tonight");

            ann.sendLine("/quit");
            ann.awaitPrompt("> ");
            // Leaving chat mode leaves the room before the shell prompts again; the session stays online.
            assertEquals(null, rooms.who().get(0).getRoom());
        }
    }
}
