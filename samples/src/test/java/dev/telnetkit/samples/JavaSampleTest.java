package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.testkit.TelnetTestClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link JavaSample}'s server, driven over a socket by the testkit client from Java: its login
 * (the password is the name reversed), blocking, asynchronous and annotated handlers, and its
 * command group.
 */
@Timeout(60)
class JavaSampleTest {
    private static final String PROMPT = "java> ";

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    /** Sends [line] and returns what came back before the next prompt, without the echoed line. */
    private static String run(TelnetTestClient client, String line) {
        client.sendLine(line);
        String answer = client.awaitPrompt(PROMPT);
        assertTrue(answer.startsWith(line + "\r\n"), answer);
        return answer.substring(line.length() + 2);
    }

    private TelnetTestClient loggedIn(String user) throws Exception {
        TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort());
        client.awaitText("Welcome to the TelnetKit Java sample. Type 'help'.");
        client.awaitPrompt("Username: ");
        client.sendLine(user);
        client.awaitPrompt("Password: ");
        client.sendLine(new StringBuilder(user).reverse().toString());
        String greeting = client.awaitPrompt(PROMPT);
        assertTrue(greeting.contains("Hello from 127.0.0.1:"), greeting);
        return client;
    }

    @Test
    void theLoginWantsTheNameReversedAndNeverShowsThePassword() throws Exception {
        server = JavaSample.create("127.0.0.1", 0, true).start();
        try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
            client.awaitPrompt("Username: ");
            client.sendLine("alice");
            client.awaitPrompt("Password: ");
            client.sendLine("alice");
            client.awaitText("Login incorrect.");
            client.awaitPrompt("Username: ");
            client.sendLine("alice");
            client.awaitPrompt("Password: ");
            client.sendLine("ecila");
            client.awaitPrompt(PROMPT);
            assertEquals("alice\r\n", run(client, "user name"));
            assertFalse(client.getOutput().contains("ecila"), client.getOutput());
        }
    }

    @Test
    void blockingAsyncAnnotatedAndGroupedCommandsAnswer() throws Exception {
        server = JavaSample.create("127.0.0.1", 0, true).start();
        try (TelnetTestClient client = loggedIn("bob")) {
            // Blocking handlers.
            assertEquals("a b  c\r\n", run(client, "copy a  \"b  c\""));
            assertEquals("Slept 0 s.\r\n", run(client, "sleep 0"));
            // The asynchronous one answers through its CompletionStage before the prompt returns.
            assertEquals("later: x y\r\n", run(client, "later x y"));
            // The annotated class.
            assertEquals("SHOUT THIS\r\n", run(client, "upper shout this"));
            assertTrue(run(client, "time").matches("\\d\\d:\\d\\d:\\d\\d\r\n"));
            // The group.
            assertEquals("bob\r\n", run(client, "user name"));
            assertEquals("xterm-256color 80x24\r\n", run(client, "user term"));
            String groupHelp = run(client, "help user");
            assertTrue(groupHelp.contains("  user name - Show your login name.\r\n  user term - Show your terminal.\r\n"), groupHelp);

            String help = run(client, "help");
            for (String line : new String[] {
                "echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)",
                "sleep <seconds> - Block for a while; Ctrl-C interrupts it.",
                "later <text> - Answer asynchronously, through a CompletionStage.",
                "user <command> - Look at the session's user.",
                "time - Show the server's time.",
                "upper <text> - Repeat text in capitals.",
            }) {
                assertTrue(help.contains(line + "\r\n"), line + " in " + help);
            }
            client.sendLine("bye");
            client.awaitText("Goodbye.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void ctrlCInterruptsTheBlockingSleepAndTheSessionGoesOn() throws Exception {
        server = JavaSample.create("127.0.0.1", 0, true).start();
        try (TelnetTestClient client = loggedIn("carol")) {
            client.sendLine("sleep 30");
            // The line is echoed as the command starts; Ctrl-C then reaches the running command.
            client.awaitText("sleep 30\r\n");
            client.send("\u0003");
            assertEquals("^C\r\n", client.awaitPrompt(PROMPT, Duration.ofSeconds(10)));
            assertEquals("still here\r\n", run(client, "echo still here"));
            assertFalse(client.getOutput().contains("Slept 30"), client.getOutput());
        }
    }
}
