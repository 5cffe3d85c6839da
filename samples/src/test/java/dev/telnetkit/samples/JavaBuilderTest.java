package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.ServerSettings;
import dev.telnetkit.session.SessionHandler;
import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.server.TelnetServerBuilder;
import dev.telnetkit.session.Session;
import dev.telnetkit.shell.Command;
import dev.telnetkit.shell.CommandException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Java builder API from Java: {@code TelnetServer.builder()} with {@code Command.named} commands,
 * driven over a plain socket that answers no negotiation (line mode).
 */
@Timeout(60)
class JavaBuilderTest {
    private static final String PROMPT = "jt> ";
    private static final byte IAC = (byte) 255;
    private static final byte IP = (byte) 244;

    private TelnetServer server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    /** A builder with the settings every test shares: free port, quick line-mode fallback. */
    private static TelnetServerBuilder base() {
        return TelnetServer.builder()
            .host("127.0.0.1")
            .port(0)
            .connectMaxWait(Duration.ofMillis(100))
            .prompt(PROMPT);
    }

    private static Command.Builder echo() {
        return Command.named("echo").aliases("copy", "repeat")
            .usage("<text to echo>")
            .summary("Echo text back to the console.")
            .description("Writes its parameters back,\nseparated by single spaces.")
            .handler((session, args) -> session.writeResponse(String.join(" ", args)));
    }

    private TelnetServer start(TelnetServerBuilder builder) throws IOException {
        server = builder.build().start();
        return server;
    }

    @Test
    void builderSettingsReachTheServerAndTheWire() throws Exception {
        TelnetServer s = start(base().welcome("Welcome, Java user.").goodbye("See you, Java user.").command(echo()));
        assertEquals(0, s.getSettings().getPort());
        assertNotEquals(0, s.getPort());
        assertEquals(Duration.ofMillis(100), s.getSettings().getConnectMaxWait());
        try (LineClient client = LineClient.connect(s.getPort())) {
            String before = client.awaitPrompt(PROMPT);
            assertTrue(before.contains("Welcome, Java user.\r\n"), before);
            client.sendLine("echo hello   world");
            assertEquals("hello world\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("bye");
            client.awaitText("See you, Java user.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void startStopAndAwaitTerminationBlockInJava() throws Exception {
        TelnetServer s = base().command(echo()).build();
        assertSame(s, s.start());
        int port = s.getPort();
        AtomicBoolean terminated = new AtomicBoolean();
        Thread waiter = new Thread(() -> {
            try {
                s.awaitTermination();
                terminated.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiter.start();
        try (LineClient client = LineClient.connect(port)) {
            client.awaitPrompt(PROMPT);
            assertEquals(1, s.getSessions().size());
            s.stop(Duration.ofSeconds(2));
            client.awaitText("The server is shutting down.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        waiter.join(5000);
        assertTrue(terminated.get(), "awaitTermination() returned after stop()");
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
    }

    @Test
    void aliasesAnyCaseAndHelpShowUsageSummaryAndDescription() throws Exception {
        start(base().command(echo()).command(Command.named("hidden-one").hidden(true).summary("Not listed.")
            .handler((session, args) -> session.writeResponse("found me"))));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("copy a  b");
            assertEquals("a b\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("REPEAT \"c   d\"");
            assertEquals("c   d\r\n", client.awaitPrompt(PROMPT));

            client.sendLine("help");
            String help = client.awaitPrompt(PROMPT);
            assertTrue(help.contains("echo <text to echo> - Echo text back to the console. (aliases: copy, repeat)\r\n"), help);
            assertTrue(help.contains("help [command]"), help);
            assertFalse(help.contains("hidden-one"), help);

            client.sendLine("help copy");
            String one = client.awaitPrompt(PROMPT);
            assertEquals("echo <text to echo>\r\n\r\nWrites its parameters back,\r\nseparated by single spaces.\r\n", one);

            client.sendLine("hidden-one");
            assertEquals("found me\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void aBlockingHandlerBlocksOnlyItsOwnSessionAndCtrlCInterruptsIt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        start(base()
            .command(Command.named("slow").handler((session, args) -> {
                Thread.sleep(300);
                session.writeResponse("slept");
            }))
            .command(echo())
            .command(Command.named("hang").handler((session, args) -> {
                started.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    throw e;
                }
            })));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("slow");
            assertEquals("slept\r\n", client.awaitPrompt(PROMPT));

            client.sendLine("hang");
            assertTrue(started.await(5, TimeUnit.SECONDS));
            // While one session's handler blocks its thread, another session is served.
            try (LineClient other = LineClient.connect(server.getPort())) {
                other.awaitPrompt(PROMPT);
                other.sendLine("echo meanwhile");
                assertEquals("meanwhile\r\n", other.awaitPrompt(PROMPT));
            }
            assertEquals("", client.unread());
            client.sendBytes(IAC, IP); // Telnet's interrupt: what Ctrl-C sends in line mode
            assertEquals("^C\r\n", client.awaitPrompt(PROMPT));
            assertTrue(interrupted.get(), "the blocked thread was interrupted");
            client.sendLine("echo still here");
            assertEquals("still here\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void anAsyncHandlerEndsTheCommandWhenItsStageCompletes() throws Exception {
        start(base().command(echo()).command(Command.named("later").usage("<text>")
            .asyncHandler((session, args) -> CompletableFuture
                .supplyAsync(() -> {
                    try {
                        Thread.sleep(300);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return String.join(" ", args);
                })
                .thenAccept(text -> session.writeResponse("later: " + text)))));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("later a b");
            // The prompt comes back only after the stage completed, so nothing stands between.
            assertEquals("later: a b\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("echo next");
            assertEquals("next\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void anAsyncHandlerMayWriteBeforeItReturnsTheStageAndFromAStageThatIsAlreadyComplete() throws Exception {
        start(base()
            .command(Command.named("first").asyncHandler((session, args) -> {
                // Runs where blocking is allowed: a blocking write before the stage is returned works.
                session.writeResponse("starting " + args);
                return CompletableFuture.runAsync(() -> session.writeResponse("finished"));
            }))
            .command(Command.named("done").asyncHandler((session, args) ->
                // thenAccept on a completed future runs its action at once, on the handler's thread.
                CompletableFuture.completedFuture(String.join("+", args)).thenAccept(text -> session.writeResponse("done: " + text))))
            .command(echo()));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("first a b");
            assertEquals("starting [a, b]\r\nfinished\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("done x y");
            assertEquals("done: x+y\r\n", client.awaitPrompt(PROMPT));
            assertFalse(client.output().contains("internal error"), client.output());
        }
    }

    @Test
    void ctrlCCancelsTheStageOfAnAsyncHandlerAndReturnsToThePrompt() throws Exception {
        AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();
        CountDownLatch returned = new CountDownLatch(1);
        start(base()
            .command(Command.named("wait").asyncHandler((session, args) -> {
                CompletableFuture<Void> never = new CompletableFuture<>();
                pending.set(never);
                returned.countDown();
                return never;
            }))
            .command(echo()));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("wait");
            assertTrue(returned.await(5, TimeUnit.SECONDS));
            client.sendBytes(IAC, IP);
            assertEquals("^C\r\n", client.awaitPrompt(PROMPT));
            assertTrue(pending.get().isCancelled(), "the stage was cancelled");
            client.sendLine("echo after");
            assertEquals("after\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void anAsyncHandlerThatBlocksBeforeReturningItsStageBlocksNoEventLoopAndCtrlCInterruptsIt() throws Exception {
        CountDownLatch blocking = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        // One event loop for every session: a handler blocking it would stall the other client too.
        start(base().eventLoops(1)
            .command(Command.named("stall").asyncHandler((session, args) -> {
                blocking.countDown();
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    interrupted.set(true);
                    Thread.currentThread().interrupt();
                }
                return CompletableFuture.completedFuture(null);
            }))
            .command(echo()));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("stall");
            assertTrue(blocking.await(5, TimeUnit.SECONDS));
            try (LineClient other = LineClient.connect(server.getPort())) {
                other.awaitPrompt(PROMPT);
                other.sendLine("echo not stuck");
                assertEquals("not stuck\r\n", other.awaitPrompt(PROMPT));
            }
            client.sendBytes(IAC, IP);
            assertEquals("^C\r\n", client.awaitPrompt(PROMPT));
            assertTrue(interrupted.get(), "the blocked handler was interrupted");
        }
    }

    @Test
    void aGroupRunsItsSubcommandsAndDescribesThem() throws Exception {
        start(base().command(Command.named("user").summary("Look at users.")
            .subcommand(Command.named("add").usage("<name>").summary("Add a user.")
                .handler((session, args) -> session.writeResponse("added " + args)))
            .subcommand(Command.named("list").aliases("ls").summary("List users.")
                .handler((session, args) -> session.writeResponse("ann, bob")))));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("user add carol");
            assertEquals("added [carol]\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("USER ls");
            assertEquals("ann, bob\r\n", client.awaitPrompt(PROMPT));

            client.sendLine("help");
            assertTrue(client.awaitPrompt(PROMPT).contains("user <command> - Look at users.\r\n"));
            client.sendLine("user");
            String groupHelp = client.awaitPrompt(PROMPT);
            assertTrue(groupHelp.contains("Commands:\r\n  user add <name> - Add a user.\r\n  user list - List users. (alias: ls)\r\n"), groupHelp);
            client.sendLine("user lsit");
            assertEquals("Unknown command 'user lsit'. Did you mean 'user list'?\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void loginHooksAndTheErrorFormatter() throws Exception {
        BlockingQueue<String> ended = new LinkedBlockingQueue<>();
        AtomicReference<Long> startedId = new AtomicReference<>();
        start(base()
            .welcome("Members only.")
            .login((session, user, password) -> {
                Thread.sleep(10); // a real check may block
                return password.equals(new StringBuilder(user).reverse().toString());
            })
            .onSessionStart(session -> {
                startedId.set(session.getId());
                session.writeLine("Hello, " + session.getUsername() + ".");
            })
            .onSessionEnd(session -> ended.add(session.getUsername() + "#" + session.getId()))
            .errorFormatter((session, text) -> "ERROR(" + session.getUsername() + "): " + text)
            .command(Command.named("whoami").handler((session, args) -> session.writeResponse(session.getUsername())))
            .command(Command.named("fail").handler((session, args) -> {
                throw new CommandException("that did not work");
            })));
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitText("Members only.");
            client.awaitPrompt("Username: ");
            client.sendLine("ann");
            client.awaitPrompt("Password: ");
            client.sendLine("wrong");
            client.awaitText("Login incorrect.");
            client.awaitPrompt("Username: ");
            assertNull(startedId.get(), "onSessionStart waits for the login");
            client.sendLine("ann");
            client.awaitPrompt("Password: ");
            client.sendLine("nna");
            assertTrue(client.awaitPrompt(PROMPT).endsWith("Hello, ann.\r\n"));
            client.sendLine("whoami");
            assertEquals("ann\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("bogus");
            assertEquals("ERROR(ann): Unknown command 'bogus'. Type 'help' for a list.\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("fail");
            assertEquals("ERROR(ann): that did not work\r\n", client.awaitPrompt(PROMPT));
            assertTrue(ended.isEmpty());
            client.sendLine("quit");
            client.awaitText("Goodbye.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        assertEquals("ann#" + startedId.get(), ended.poll(5, TimeUnit.SECONDS));
        server.stop();
        assertNull(ended.poll(200, TimeUnit.MILLISECONDS), "onSessionEnd ran exactly once");
    }

    @Test
    void onSessionEndRunsWhenTheClientDisconnectsAndWhenTheServerStops() throws Exception {
        BlockingQueue<Long> ended = new LinkedBlockingQueue<>();
        start(base().command(echo()).onSessionEnd(session -> ended.add(session.getId())));
        long first;
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            first = server.getSessions().get(0).getId();
        }
        assertEquals(first, ended.poll(5, TimeUnit.SECONDS));

        LineClient second = LineClient.connect(server.getPort());
        second.awaitPrompt(PROMPT);
        long secondId = server.getSessions().get(0).getId();
        server.stop(Duration.ofSeconds(2));
        second.awaitText("The server is shutting down.");
        assertEquals(secondId, ended.poll(5, TimeUnit.SECONDS));
        second.close();
        assertNull(ended.poll(200, TimeUnit.MILLISECONDS));
    }

    @Test
    void aPromptProviderAndBroadcastFromJava() throws Exception {
        start(base()
            .prompt(session -> "s" + session.getId() + "> ")
            .command(Command.named("shout").handler((session, args) ->
                session.writeResponse("sent to " + server.broadcast(String.join(" ", args), other -> other != session))))
            .command(echo()));
        try (LineClient a = LineClient.connect(server.getPort()); LineClient b = LineClient.connect(server.getPort())) {
            a.awaitPrompt("> ");
            b.awaitPrompt("> ");
            List<Session> sessions = server.getSessions();
            assertEquals(2, sessions.size());
            String aPrompt = a.output().trim();
            String bPrompt = b.output().trim();
            assertNotEquals(aPrompt, bPrompt);
            assertTrue(aPrompt.matches("s\\d+>"), aPrompt);

            a.sendLine("shout hi all");
            assertEquals("sent to 1\r\n", a.awaitPrompt(aPrompt + " "));
            b.awaitText("hi all\r\n");
            b.sendLine("echo x");
            b.awaitText("x\r\n");
            assertFalse(a.output().contains("hi all\r\n"), a.output());
        }
    }

    @Test
    void everyServerProtocolAndShellSettingOfTheBuilderTakesEffect() throws Exception {
        TelnetServer s = start(base()
            .shutdownNotice("Closing shop.")
            .outputStallTimeout(Duration.ofSeconds(9))
            .escapeTimeout(Duration.ofMillis(90))
            .maxSessions(1)
            .busyMessage("Full, sorry.")
            .areYouThereAnswer("[Here]")
            .maxSubnegotiation(2048)
            .maxTerminalTypes(3)
            .maxEnvironmentVariables(5)
            .maxNegotiationsPerOption(12)
            .maxContinuationLines(2)
            .command(echo()));
        ServerSettings settings = s.getSettings();
        assertEquals("Closing shop.", settings.getShutdownNotice());
        assertEquals(Duration.ofSeconds(9), settings.getOutputStallTimeout());
        assertEquals(Duration.ofMillis(90), settings.getEscapeTimeout());
        assertEquals(1, settings.getMaxSessions());
        assertEquals("Full, sorry.", settings.getBusyMessage());
        assertEquals("[Here]", settings.getAreYouThereAnswer());
        assertEquals(2048, settings.getProtocol().getMaxSubnegotiation());
        assertEquals(3, settings.getProtocol().getMaxTerminalTypes());
        assertEquals(5, settings.getProtocol().getMaxEnvironmentVariables());
        assertEquals(12, settings.getProtocol().getMaxNegotiationsPerOption());
        try (LineClient client = LineClient.connect(s.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendBytes(IAC, (byte) 246); // IAC AYT
            client.awaitText("[Here]\r\n");
            // maxContinuationLines(2): a third line is one too many.
            client.sendLine("echo a \\");
            client.awaitPrompt("... ");
            client.sendLine("b \\");
            assertEquals("The command spans more than 2 lines; it was dropped.\r\n", client.awaitPrompt(PROMPT));
            try (LineClient second = LineClient.connect(s.getPort())) {
                second.awaitText("Full, sorry.");
                assertTrue(second.awaitClosed(Duration.ofSeconds(5)));
            }
            s.stop(Duration.ofSeconds(2));
            client.awaitText("Closing shop.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
            () -> base().command(echo()).maxNegotiationsPerOption(1).build());
        assertTrue(bad.getMessage().contains("maxNegotiationsPerOption"), bad.getMessage());
        IllegalArgumentException lines = assertThrows(IllegalArgumentException.class,
            () -> base().command(echo()).maxContinuationLines(0).build());
        assertTrue(lines.getMessage().contains("maxContinuationLines"), lines.getMessage());
    }

    @Test
    void idleNoticeIsShownBeforeAnIdleSessionIsClosed() throws Exception {
        start(base().idleTimeout(Duration.ofMillis(400)).idleNotice("Too quiet here; bye.").command(echo()));
        assertEquals("Too quiet here; bye.", server.getSettings().getIdleNotice());
        try (LineClient client = LineClient.connect(server.getPort())) {
            client.awaitPrompt(PROMPT);
            client.awaitText("Too quiet here; bye.");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aBlockingSessionHandlerServesSessionsWithoutTheShell() throws Exception {
        // Not a command shell: the handler owns the session and uses the blocking forms throughout.
        ServerSettings settings = new ServerSettings("127.0.0.1", 0, Duration.ofMillis(100));
        server = new TelnetServer(settings, SessionHandler.blocking(session -> {
            session.writeLine("Type lines; 'stop' ends.");
            String line;
            while ((line = session.readLine("say> ")) != null && !line.equals("stop")) {
                session.writeLine("you said: " + line);
            }
            session.writeLine("bye from the handler");
        })).start();
        try (LineClient client = LineClient.connect(server.getPort())) {
            assertEquals("Type lines; 'stop' ends.\r\n", client.awaitPrompt("say> "));
            client.sendLine("hello");
            assertEquals("you said: hello\r\n", client.awaitPrompt("say> "));
            client.sendLine("stop");
            client.awaitText("bye from the handler");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theBuildersSessionHandlerReplacesTheShellAndExcludesCommands() throws Exception {
        // The same as session { } in the DSL: the builder's settings, no shell.
        start(base().welcome("unused without the shell").session(session -> {
            session.writeLine("no shell here");
            String line = session.readLine("say> ");
            session.writeLine("you said: " + line);
        }));
        try (LineClient client = LineClient.connect(server.getPort())) {
            assertEquals("no shell here\r\n", client.awaitPrompt("say> "));
            client.sendLine("hi");
            client.awaitText("you said: hi");
            assertTrue(client.awaitClosed(Duration.ofSeconds(5)));
        }
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
            () -> base().command(echo()).session(session -> { }).build());
        assertTrue(both.getMessage().contains("session(handler)"), both.getMessage());
    }

    @Test
    void commandsTakesCommandValuesBuiltElsewhere() throws Exception {
        List<Command> built = List.of(echo().build(), Command.named("ping").handler((session, args) -> session.writeResponse("pong")).build());
        TelnetServer s = start(base().commands(built));
        try (LineClient client = LineClient.connect(s.getPort())) {
            client.awaitPrompt(PROMPT);
            client.sendLine("ping");
            assertEquals("pong\r\n", client.awaitPrompt(PROMPT));
            client.sendLine("copy a  b");
            assertEquals("a b\r\n", client.awaitPrompt(PROMPT));
        }
    }

    @Test
    void aBuilderWithoutCommandsOrWithBadSettingsFailsWithAClearMessage() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> TelnetServer.builder().build());
        assertTrue(none.getMessage().contains("command"), none.getMessage());
        IllegalArgumentException port = assertThrows(IllegalArgumentException.class, () -> base().port(70000).command(echo()).build());
        assertTrue(port.getMessage().contains("port"), port.getMessage());
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
            () -> base().command(echo()).command(Command.named("copy").handler((s, a) -> { })).build());
        assertTrue(dup.getMessage().contains("'echo'") && dup.getMessage().contains("'copy'"), dup.getMessage());
        IllegalArgumentException noHandler = assertThrows(IllegalArgumentException.class, () -> Command.named("lonely").build());
        assertTrue(noHandler.getMessage().contains("lonely"), noHandler.getMessage());
    }

    @Test
    void closingWithTryWithResourcesStopsTheServer() throws IOException {
        int port;
        try (TelnetServer s = base().command(echo()).build().start()) {
            port = s.getPort();
            new Socket("127.0.0.1", port).close();
        }
        int closedPort = port;
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", closedPort).close());
    }
}
