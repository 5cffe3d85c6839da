package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.session.Session;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import dev.telnetkit.testkit.TerminalProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A server built from Java, with the builder and an annotated class, driven by the testkit from Java. */
class JavaTestkitTest {
    private TelnetServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    /** Annotated handlers, as a telnetsrv user would write them. */
    public static final class Tools {
        @dev.telnetkit.annotations.Command(names = "shout", aliases = {"yell"}, usage = "<text>", summary = "Repeat in capitals.")
        public void shout(Session session, List<String> args) {
            session.writeResponse(String.join(" ", args).toUpperCase());
        }

        @dev.telnetkit.annotations.Command(summary = "Show the terminal.")
        public String term(Session session, List<String> args) {
            return session.getTerminalType() + " " + session.getWidth() + "x" + session.getHeight();
        }
    }

    @Test
    void builderAndAnnotatedCommandsAnswerTheTestkitClient() throws Exception {
        server = TelnetServer.builder()
            .port(0)
            .prompt("j> ")
            .welcome("Hello from Java.")
            .command(Command.named("echo").aliases("copy").usage("<text>").summary("Echo text.")
                .handler((session, args) -> session.writeResponse(String.join(" ", args))))
            .annotatedCommands(new Tools())
            .build()
            .start();
        TerminalProfile profile = new TerminalProfile(List.of("VT220"), 100, 30, Map.of("USER", "ann"));
        try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort(), profile)) {
            client.awaitText("Hello from Java.");
            client.awaitPrompt("j> ");
            client.sendLine("copy a  b");
            assertTrue(client.awaitText("a b\r\n").endsWith("a b\r\n"));
            client.awaitPrompt("j> ");
            client.sendLine("YELL quiet please");
            client.awaitText("QUIET PLEASE\r\n");
            client.awaitPrompt("j> ");
            client.sendLine("term");
            client.awaitText("vt220 100x30\r\n");
            client.awaitPrompt("j> ");
            client.sendLine("help");
            String help = client.awaitPrompt("j> ", Duration.ofSeconds(5));
            assertTrue(help.contains("shout <text> - Repeat in capitals. (alias: yell)"), help);
            assertTrue(help.contains("echo <text> - Echo text. (alias: copy)"), help);
            assertEquals(1, server.getSessions().size());
            client.sendLine("bye");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }
}
