package dev.telnetkit.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.ServerSettings;
import dev.telnetkit.server.TelnetServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking command declared from Java, interrupted by Telnet IP from a plain socket that speaks
 * no Telnet (it answers no negotiation, so the server runs it in line mode).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BlockingJavaHandlerTest {
    private static final byte IAC = (byte) 255;
    private static final byte IP = (byte) 244;

    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final AtomicBoolean finishedNormally = new AtomicBoolean();
    private TelnetServer server;
    private RawSocket client;

    @BeforeEach
    void startServer() throws IOException {
        BlockingCommandHandler nap = call -> {
            started.countDown();
            call.writeResponse("napping");
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            finishedNormally.set(true);
            call.writeResponse("woke up");
        };
        Command napCommand = new Command("nap", List.of("sleep"), "", "Sleep for a minute.", "", false, null,
                CommandHandler.blocking(nap));
        Command echo = new Command("echo", List.of(), "<text>", "Echo the text.", "", false, null,
                CommandHandler.blocking(call -> call.writeResponse(String.join(" ", call.getArgs()))));
        ShellSettings shell = new ShellSettings(List.of(napCommand, echo), session -> "> ");
        // A client that answers nothing gets its prompt once connectMaxWait has passed: keep it short.
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, Duration.ofMillis(300));
        server = new TelnetServer(settings, new CommandShell(shell)).start();
        client = new RawSocket(server.getPort());
    }

    @AfterEach
    void stopServer() {
        if (client != null) client.close();
        if (server != null) server.stop(Duration.ZERO);
    }

    @Test
    void iacIpInterruptsABlockingJavaHandlerAndTheSessionGoesOn() throws Exception {
        client.awaitEndsWith("> ");
        client.send("nap\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(started.await(10, TimeUnit.SECONDS), "the handler started");
        client.awaitEndsWith("napping\r\n");

        client.send(new byte[] {IAC, IP});

        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the handler saw InterruptedException");
        client.awaitEndsWith("napping\r\n^C\r\n> ");
        assertFalse(finishedNormally.get(), "the handler did not run on after the interrupt");

        client.send("echo still here\r\n".getBytes(StandardCharsets.US_ASCII));
        client.awaitEndsWith("^C\r\n> still here\r\n> ");
        client.send("bye\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(client.awaitEof(), "bye closes the connection");
        String text = client.text();
        assertTrue(text.endsWith("> Goodbye.\r\n"), text);
        assertEquals(1, text.split("\\^C", -1).length - 1, "exactly one ^C in: " + text);
        assertFalse(text.contains("woke up"), text);
    }

    /** A plain TCP client that reads everything in the background and answers nothing. */
    private static final class RawSocket implements AutoCloseable {
        private final Socket socket = new Socket();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final Thread reader;
        private volatile boolean eof;

        RawSocket(int port) throws IOException {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            InputStream in = socket.getInputStream();
            reader = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try {
                    int n;
                    while ((n = in.read(buffer)) >= 0) {
                        synchronized (received) {
                            received.write(buffer, 0, n);
                            received.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // closed
                } finally {
                    synchronized (received) {
                        eof = true;
                        received.notifyAll();
                    }
                }
            }, "raw-socket-reader");
            reader.setDaemon(true);
            reader.start();
        }

        void send(byte[] bytes) throws IOException {
            OutputStream out = socket.getOutputStream();
            out.write(bytes);
            out.flush();
        }

        /** Everything received, as ISO-8859-1 (negotiation bytes included; they never form text). */
        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.ISO_8859_1);
            }
        }

        void awaitEndsWith(String suffix) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            synchronized (received) {
                while (!text().endsWith(suffix)) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left <= 0 || eof) {
                        throw new AssertionError("no '" + suffix + "' at the end; received: " + text().replace("\r", "\\r").replace("\n", "\\n"));
                    }
                    received.wait(left);
                }
            }
        }

        boolean awaitEof() throws InterruptedException {
            reader.join(10_000);
            return eof;
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to do
            }
        }
    }
}
