package dev.telnetkit.screens;

import dev.telnetkit.server.ServerSettings;
import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.session.SessionHandler;
import dev.telnetkit.testkit.TelnetTestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The screens as a Java caller writes them: builders, blocking SAM handlers, the app as the session handler. */
class JavaScreensTest {
    private TelnetServer server;

    private Screens app() {
        return Screens.builder()
                .value("motd", session -> "Java says hi")
                .screen(Screen.builder("main")
                        .text("JAVA MAIN {{ value(\"motd\") }} [J]oin [Q]uit\n")
                        .hotKey('j', context -> Navigation.go("join"))
                        .hotKey('q', context -> Navigation.exit()))
                .screen(Screen.builder("join")
                        .text("JOIN\n")
                        .field(ScreenField.builder("name").prompt("Name: ").maxLength(10)
                                .validator(value -> value.isBlank() ? "Name required." : null))
                        .field(ScreenField.builder("pin").prompt("PIN: ").mask('#')
                                .handler((context, value) -> value.length() == 4 ? Navigation.keepReading() : Navigation.stay()))
                        .onSubmit((context, values) -> {
                            context.getSession().writeLine("JOINED " + values.get("name"));
                            return Navigation.back();
                        }))
                .build();
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop(Duration.ZERO);
    }

    @Test
    void javaBuiltScreensNavigateValidateAndSubmit() throws Exception {
        server = new TelnetServer(new ServerSettings().withPort(0), app().handler()).start();
        TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort());
        client.awaitText("JAVA MAIN Java says hi");
        client.send("j");
        client.awaitText("Name: ");
        client.sendLine("");
        client.awaitText("Name required.");
        client.sendLine("jo");
        client.awaitText("PIN: ");
        client.sendLine("12");
        client.awaitText("PIN: ");
        client.sendLine("9876");
        String shown = client.awaitText("JOINED jo");
        assertTrue(shown.contains("####"), shown);
        assertFalse(client.getOutput().contains("9876"));
        client.awaitText("JAVA MAIN");
        client.send("q");
        assertTrue(client.awaitClosed());
    }
}
