package dev.telnetkit.samples.readme;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;

/**
 * The Java quick start of README.md. ReadmeSnippetsSpec checks that README.md shows exactly the
 * lines between the markers, so the README cannot drift from code that compiles.
 */
public final class ReadmeJava {
    private ReadmeJava() {
    }

    /** The README's Java server, on the given port. */
    public static TelnetServer create(int port) {
        // README:start java
        TelnetServer server = TelnetServer.builder()
            .port(port)
            .prompt("Telnet Server> ")
            .command(Command.named("echo").aliases("copy", "repeat")
                .usage("<text to echo>")
                .summary("Echo text back to the console.")
                .handler((session, args) -> session.writeResponse(String.join(" ", args))))
            .command(Command.named("sleep")
                .usage("<seconds>")
                .summary("Block the handler's thread; Ctrl-C interrupts it.")
                .handler((session, args) -> Thread.sleep(1000L * Long.parseLong(args.get(0)))))
            .build();
        // README:end java
        return server;
    }
}
