package dev.telnetkit.zmodem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java face of telnet-zmodem, used as a Java server would: the settings builder, ZModemUploads.of
 * with a listener, and ZModem.sendBlocking from a blocking command, here cancelled by the client's
 * five Ctrl-X (a plain socket that answers no negotiation, so BINARY is not agreed).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ZModemJavaTest {
    private TelnetServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    @Test
    void builderChecksItsValues() {
        Path folder = Path.of(".");
        ZModemReceiveSettings settings = ZModemReceiveSettings.builder(folder).maxFileSize(1024).maxFiles(3)
                .allowResume(false).timeout(Duration.ofSeconds(5)).crc32(false).maxErrors(4).build();
        assertEquals(1024, settings.getMaxFileSize());
        assertEquals(3, settings.getMaxFiles());
        assertThrows(IllegalArgumentException.class, () -> ZModemReceiveSettings.builder(folder).maxFiles(-1).build());
    }

    @Test
    void aBlockingSendEndsCancelledOnFiveCtrlX() throws Exception {
        Path folder = Files.createTempDirectory("zmodem-java");
        Path file = Files.write(folder.resolve("hello.txt"), "hello".getBytes(StandardCharsets.US_ASCII));
        LinkedBlockingQueue<ZModemResult> results = new LinkedBlockingQueue<>();
        ZModemUploads uploads = ZModemUploads.of(ZModemReceiveSettings.builder(folder).build(),
                (session, result) -> results.add(result));
        server = TelnetServer.builder()
                .port(0)
                .prompt("j> ")
                .onSessionStart(uploads::install)
                .command(Command.named("download").handler((session, args) ->
                        results.add(ZModem.sendBlocking(session, List.of(file), Duration.ofSeconds(10)))))
                .build()
                .start();
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            InputStream in = socket.getInputStream();
            readUntil(in, "j> ");
            socket.getOutputStream().write("download\r\n".getBytes(StandardCharsets.US_ASCII));
            readUntil(in, ZModem.SENDER_HEADER);
            socket.getOutputStream().write(new byte[] {0x18, 0x18, 0x18, 0x18, 0x18});
            ZModemResult result = results.poll(30, TimeUnit.SECONDS);
            assertEquals(ZModemOutcome.CANCELLED, result.getOutcome());
            socket.getOutputStream().write("download\r\n".getBytes(StandardCharsets.US_ASCII));
            readUntil(in, ZModem.SENDER_HEADER);
        } finally {
            try (var paths = Files.walk(folder)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void readUntil(InputStream in, String expected) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            assertTrue(b >= 0, "the connection ended before \"" + expected + "\"");
            seen.write(b);
            if (seen.toString(StandardCharsets.ISO_8859_1).contains(expected)) return;
        }
    }
}
