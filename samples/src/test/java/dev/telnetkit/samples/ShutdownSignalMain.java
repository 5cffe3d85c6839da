package dev.telnetkit.samples;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import java.time.Duration;

/**
 * A user's own {@code main}, as small as it gets, run as a child process by ShutdownSignalSpec:
 * starts a server on a free port, prints the port, and lets {@code awaitShutdownSignal} stop it on
 * SIGTERM or SIGINT.
 */
public final class ShutdownSignalMain {
    /** For the {@code shutdown} command: a stop from inside a session, not by a signal. */
    private static volatile TelnetServer SERVER;

    private ShutdownSignalMain() {
    }

    public static void main(String[] args) throws Exception {
        TelnetServer server = TelnetServer.builder()
            .port(0)
            .prompt("sig> ")
            .command(Command.named("echo").handler((session, words) -> session.writeResponse(String.join(" ", words))))
            .command(Command.named("shutdown").handler((session, words) -> SERVER.stop(Duration.ZERO)))
            .build()
            .start();
        SERVER = server;
        System.out.println("listening on " + server.getPort());
        server.awaitShutdownSignal(Duration.ofSeconds(5));
        System.out.println("main returns");
    }
}
