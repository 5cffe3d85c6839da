package dev.telnetkit.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The browser terminal as a Java server author sets it up: WebSettings.builder() as an endpoint. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JavaWebTest {
    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.stop(Duration.ZERO);
    }

    /** Collects the server's output as text. */
    private static final class Collector implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            synchronized (text) {
                text.append(new String(bytes, StandardCharsets.UTF_8));
            }
            socket.request(1);
            return null;
        }

        String awaitText(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                synchronized (text) {
                    if (text.toString().contains(expected)) return text.toString();
                }
                Thread.sleep(20);
            }
            throw new AssertionError("no '" + expected + "' in: " + text);
        }
    }

    @Test
    void aServerWithAWebEndpointServesTheShellOverAWebSocket() throws Exception {
        server = TelnetServer.builder()
                .port(0)
                .endpoint(WebSettings.builder()
                        .port(0)
                        .host("127.0.0.1")
                        .title("Java demo")
                        .authenticator(request -> "let-me-in".equals(request.query("token"))
                                ? WebLogin.user("javauser")
                                : WebLogin.refuse(401))
                        .admin(WebAdminSettings.of("admin", "secret"))
                        .build())
                .command(Command.named("hello").handler((session, args) -> session.writeLine("hello " + session.getUsername())).build())
                .build()
                .start();
        int port = server.portOf(WebTransport.NAME);
        Collector collector = new Collector();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=let-me-in&cols=90&rows=30"), collector)
                .get(10, TimeUnit.SECONDS);
        try {
            collector.awaitText("> ");
            socket.sendBinary(ByteBuffer.wrap("hello\r".getBytes(StandardCharsets.UTF_8)), true).get(5, TimeUnit.SECONDS);
            collector.awaitText("hello javauser");
            assertEquals(90, server.getSessions().get(0).getSize().getWidth());
            assertEquals("web", server.getSessions().get(0).getTransport());
        } finally {
            socket.abort();
        }
    }

    @Test
    void theBuilderRefusesWrongSettings() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> WebSettings.builder().path("no-slash").build());
        assertTrue(error.getMessage().contains("web path"), error.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WebSettings.builder().allowedOrigins(List.of("not an origin")).build());
        assertThrows(IllegalArgumentException.class, () -> WebLogin.refuse(500));
        WebSettings settings = WebSettings.builder().allowedOrigins(List.of("https://example.com")).maxFrameBytes(4096).build();
        assertEquals(4096, settings.getMaxFrameBytes());
        assertEquals("web", settings.getTransport().getName());
    }
}
