package dev.telnetkit.recording;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.session.SessionTap;
import dev.telnetkit.session.TerminalSize;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.TelnetTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Recording as a Java server author sets it up: the settings builder, the recorder as an observer, a tap of one's own. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaRecordingTest {
    @TempDir
    Path dir;

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(Duration.ZERO);
    }

    @Test
    void theRecorderAsAnObserverWritesOneFilePerSession() throws Exception {
        RecordingSettings settings = RecordingSettings.builder(dir)
                .recordInput(true)
                .maxFileBytes(1 << 20)
                .maxTotalBytes(8 << 20)
                .filter(session -> true)
                .build();
        AsciicastRecorder recorder = new AsciicastRecorder(settings);
        server = TelnetServer.builder()
                .host("127.0.0.1")
                .port(0)
                .observer(recorder)
                .command(Command.named("hello").handler((session, args) -> session.writeLine("hello from java")).build())
                .build()
                .start();
        try (TelnetTestClient client = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
            client.awaitPrompt("> ");
            client.sendLine("hello");
            client.awaitText("hello from java");
            client.awaitPrompt("> ");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!recorder.getActiveRecordings().isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
        recorder.close();
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".cast")).toList();
        }
        assertEquals(1, files.size(), files.toString());
        String text = Files.readString(files.get(0), StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"version\": 2,"), text);
        assertTrue(text.contains("hello from java"), text);
        assertTrue(text.contains("\"i\", \"hello\\r\""), text);
    }

    @Test
    void aTapIsAPlainJavaInterfaceWithDefaults() {
        SessionTap onlyResizes = new SessionTap() {
            @Override
            public void resized(TerminalSize size) {
            }
        };
        onlyResizes.output(new byte[] {1}, 0, 1);
        onlyResizes.input("x");
        onlyResizes.closed();
    }

    @Test
    void settingsOutOfRangeAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordingSettings.builder(dir).maxFileBytes(10).build());
        RecordingSettings defaults = new RecordingSettings(dir);
        assertFalse(defaults.getRecordInput());
        assertEquals(RecordingSettings.DEFAULT_MAX_FILE_BYTES, defaults.getMaxFileBytes());
    }

    @Test
    void aClosedRecorderStartsNothing() throws IOException {
        AsciicastRecorder recorder = new AsciicastRecorder(new RecordingSettings(dir));
        recorder.close();
        recorder.close();
        assertTrue(recorder.getActiveRecordings().isEmpty());
    }
}
