// README:start java-main
package app;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;

public final class JavaMain {
    /** The server: Telnet on the given port, one command. */
    public static TelnetServer myServer(int port) {
        return TelnetServer.builder()
            .port(port)
            .command(Command.named("hello")
                .handler((session, args) -> session.writeResponse("Hello from Java!")))
            .build();
    }

    public static void main(String[] args) throws Exception {
        TelnetServer server = myServer(2323).start();
        System.out.println("listening on " + server.getPort());
        // SIGTERM or Ctrl-C: the sessions are told, the server stops gracefully, then main returns.
        server.awaitShutdownSignal();
    }
}
// README:end java-main
