package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.session.AttributeKey;
import dev.telnetkit.session.SessionTimer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.testkit.InMemoryClient;
import dev.telnetkit.testkit.InMemoryTransport;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Session timers from Java: Session.schedule and scheduleAtFixedRate, cancelled by hand or with the session. */
class JavaSessionTimerTest {
    private static final AttributeKey<SessionTimer> TICKER = new AttributeKey<>("ticker");

    private TelnetServer server;
    private final AtomicInteger ticks = new AtomicInteger();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch interrupted = new CountDownLatch(1);
    private volatile SessionTimer slow;

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private InMemoryTransport serve() throws java.io.IOException {
        InMemoryTransport memory = new InMemoryTransport();
        server = TelnetServer.builder()
            .transport(memory)
            .prompt("j> ")
            // A reminder, shown above the prompt after a delay.
            .command(Command.named("remind").handler((session, args) -> {
                session.schedule(Duration.ofMillis(100), () -> session.writeMessage("reminder: " + String.join(" ", args)));
                session.writeResponse("ok");
            }))
            // A ticker every 50 ms until `untick`.
            .command(Command.named("tick").handler((session, args) -> {
                SessionTimer timer = session.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(50),
                    () -> session.writeMessage("tick " + ticks.incrementAndGet()));
                session.getAttributes().set(TICKER, timer);
            }))
            .command(Command.named("untick").handler((session, args) -> {
                SessionTimer timer = session.getAttributes().remove(TICKER);
                timer.cancel();
                session.writeResponse("cancelled=" + timer.isCancelled());
            }))
            // A task that blocks until the session ends.
            .command(Command.named("slow").handler((session, args) -> {
                slow = session.schedule(Duration.ZERO, () -> {
                    started.countDown();
                    try {
                        Thread.sleep(60_000);
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                });
            }))
            .build()
            .start();
        return memory;
    }

    @Test
    void aReminderAppearsAboveThePrompt() throws Exception {
        InMemoryTransport memory = serve();
        try (InMemoryClient user = memory.connect()) {
            user.awaitPrompt("j> ");
            user.sendLine("remind tea is ready");
            user.awaitText("reminder: tea is ready");
        }
    }

    @Test
    void aTickerRunsUntilCancelled() throws Exception {
        InMemoryTransport memory = serve();
        try (InMemoryClient user = memory.connect()) {
            user.awaitPrompt("j> ");
            user.sendLine("tick");
            user.awaitText("tick 3");
            user.sendLine("untick");
            user.awaitText("cancelled=true");
            int after = ticks.get();
            Thread.sleep(300);
            assertTrue(ticks.get() <= after + 1, "ticks went on after cancel: " + after + " -> " + ticks.get());
        }
    }

    @Test
    void theSessionsEndCancelsItsTimers() throws Exception {
        InMemoryTransport memory = serve();
        InMemoryClient user = memory.connect();
        user.awaitPrompt("j> ");
        user.sendLine("slow");
        user.awaitPrompt("j> ");
        // The task is running (blocked in sleep) before the session ends: otherwise it is cancelled
        // before it starts, and there is nothing to interrupt.
        assertTrue(started.await(5, TimeUnit.SECONDS), "the task did not start");
        user.close();
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the blocked task was not interrupted");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!slow.isDone() && System.nanoTime() < deadline) Thread.sleep(10);
        assertTrue(slow.isCancelled());
        assertEquals(true, slow.isDone());
    }
}
