package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Threads as a Java user meets them: a command handler that stops the server it runs in, and the
 * builder's {@code blockingExecutor}.
 */
@Timeout(60)
class JavaServerThreadsTest {
    private static final String PROMPT = "jt> ";

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    @Test
    void aCommandHandlerCanStopTheServerItRunsIn() throws Exception {
        AtomicReference<TelnetServer> self = new AtomicReference<>();
        CountDownLatch stopReturned = new CountDownLatch(1);
        server = TelnetServer.builder()
            .host("127.0.0.1").port(0).connectMaxWait(Duration.ofMillis(100)).prompt(PROMPT)
            .shutdownNotice("Shutting down, bye.")
            .command(Command.named("shutdown").handler((session, args) -> {
                // A grace far longer than the test: a stop that waited for this very session would sit it out.
                self.get().stop(Duration.ofSeconds(40));
                stopReturned.countDown();
            }))
            .build();
        self.set(server);
        server.start();
        try (LineClient caller = LineClient.connect(server.getPort()); LineClient other = LineClient.connect(server.getPort())) {
            caller.awaitPrompt(PROMPT);
            other.awaitPrompt(PROMPT);
            caller.sendLine("shutdown");
            assertTrue(stopReturned.await(15, TimeUnit.SECONDS), "stop() called by a handler did not return");
            caller.awaitText("Shutting down, bye.");
            other.awaitText("Shutting down, bye.");
            CompletableFuture.runAsync(() -> {
                try {
                    server.awaitTermination();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }).get(15, TimeUnit.SECONDS);
            assertTrue(caller.awaitClosed(Duration.ofSeconds(5)));
            assertTrue(other.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theBuildersBlockingExecutorRunsTheHandlersAndOutlivesTheServer() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "java-blocking");
            thread.setDaemon(true);
            return thread;
        });
        try {
            server = TelnetServer.builder()
                .host("127.0.0.1").port(0).connectMaxWait(Duration.ofMillis(100)).prompt(PROMPT)
                .blockingExecutor(executor)
                .command(Command.named("where").handler((session, args) ->
                    session.writeResponse("on " + Thread.currentThread().getName().split(" @")[0])))
                .build();
            assertSame(executor, server.getSettings().getBlockingExecutor());
            server.start();
            try (LineClient client = LineClient.connect(server.getPort())) {
                client.awaitPrompt(PROMPT);
                client.sendLine("where");
                client.awaitText("on java-blocking");
            }
            server.stop();
            assertFalse(executor.isShutdown(), "the server shut down an executor it was given");
            assertEquals("still running", executor.submit(() -> "still running").get(5, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
        }
    }
}
