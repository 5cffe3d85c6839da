package dev.telnetkit.samples;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.ssh.SshSettings;
import dev.telnetkit.transport.Transport;
import dev.telnetkit.transport.tls.TlsSettings;
import dev.telnetkit.session.Session;
import dev.telnetkit.shell.Command;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A TelnetKit server written only with the Java builder API: commands with aliases, a blocking
 * handler, an asynchronous one, an annotated handler class, a command group and a login check.
 */
public final class JavaSample {
    private JavaSample() {
    }

    /** Handlers declared with annotations, as telnetsrv users are used to. */
    public static final class Tools {
        @dev.telnetkit.annotations.Command(names = "time", summary = "Show the server's time.")
        public String time() {
            return LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        }

        @dev.telnetkit.annotations.Command(names = "upper", usage = "<text>", summary = "Repeat text in capitals.")
        public void upper(Session session, List<String> args) {
            session.writeResponse(String.join(" ", args).toUpperCase());
        }
    }

    /** Builds the sample server on the given address; the caller starts it. */
    public static TelnetServer create(String host, int port, boolean login) {
        return create(host, port, login, Duration.ofMinutes(5), Duration.ofSeconds(1), StandardCharsets.UTF_8);
    }

    /** Builds the sample server with the command line's settings, on the default transport. */
    public static TelnetServer create(String host, int port, boolean login, Duration idleTimeout,
                                      Duration connectMaxWait, Charset encoding) {
        return create(host, port, login, idleTimeout, connectMaxWait, encoding, Transport.nio());
    }

    /** Builds the sample server with the command line's settings, in plain Telnet. */
    public static TelnetServer create(String host, int port, boolean login, Duration idleTimeout,
                                      Duration connectMaxWait, Charset encoding, Transport transport) {
        return create(host, port, login, idleTimeout, connectMaxWait, encoding, transport, null);
    }

    /** Builds the sample server with the command line's settings; {@code tls} null for plain Telnet. */
    public static TelnetServer create(String host, int port, boolean login, Duration idleTimeout,
                                      Duration connectMaxWait, Charset encoding, Transport transport, TlsSettings tls) {
        return create(host, port, login, idleTimeout, connectMaxWait, encoding, transport, tls, null, null);
    }

    /**
     * Builds the sample server with every setting the command line offers; {@code tls} null for plain
     * Telnet, {@code sshPort} null for no SSH. Over SSH the password is the name reversed, as for the
     * Telnet login; a real server would look the user up.
     */
    public static TelnetServer create(String host, int port, boolean login, Duration idleTimeout,
                                      Duration connectMaxWait, Charset encoding, Transport transport, TlsSettings tls,
                                      Integer sshPort, Path sshHostKey) {
        var builder = TelnetServer.builder()
            .transport(transport)
            .tls(tls)
            .host(host)
            .port(port)
            .idleTimeout(idleTimeout)
            .connectMaxWait(connectMaxWait)
            .encoding(encoding)
            .prompt("java> ")
            .welcome("Welcome to the TelnetKit Java sample. Type 'help'.")
            .command(Command.named("echo").aliases("copy", "repeat")
                .usage("<text to echo>")
                .summary("Echo text back to the console.")
                .handler((session, args) -> session.writeResponse(String.join(" ", args))))
            .command(Command.named("sleep")
                .usage("<seconds>")
                .summary("Block for a while; Ctrl-C interrupts it.")
                .handler((session, args) -> {
                    long seconds = args.isEmpty() ? 1 : Long.parseLong(args.get(0));
                    Thread.sleep(seconds * 1000);
                    session.writeResponse("Slept " + seconds + " s.");
                }))
            .command(Command.named("later")
                .usage("<text>")
                .summary("Answer asynchronously, through a CompletionStage.")
                .asyncHandler((session, args) -> CompletableFuture
                    .supplyAsync(() -> String.join(" ", args))
                    .thenAccept(text -> session.writeMessage("later: " + text))))
            .command(Command.named("user")
                .summary("Look at the session's user.")
                .subcommand(Command.named("name").summary("Show your login name.")
                    .handler((session, args) -> session.writeResponse(
                        session.getUsername() == null ? "(not logged in)" : session.getUsername())))
                .subcommand(Command.named("term").summary("Show your terminal.")
                    .handler((session, args) -> session.writeResponse(
                        session.getTerminalType() + " " + session.getWidth() + "x" + session.getHeight()))))
            .annotatedCommands(new Tools())
            // Not for a command run alone (ssh host echo hi) or a pipe (ssh -T): their output is the commands' only.
            .onSessionStart(session -> {
                if (session.isTerminal() && session.getCommand() == null) session.writeLine("Hello from " + session.getRemoteAddress() + ".");
            });
        if (sshPort != null) {
            builder.endpoint(SshSettings.builder()
                .port(sshPort)
                .hostKey(sshHostKey != null ? sshHostKey : Path.of("host.key"))
                .password((user, password) -> new StringBuilder(user).reverse().toString().equals(password))
                .build());
        }
        if (login) {
            // A real check would look the user up; this one wants the password to be the name reversed.
            builder.login((session, user, password) -> new StringBuilder(user).reverse().toString().equals(password));
        }
        return builder.build();
    }

    /** Runs the sample until the process is stopped. */
    public static void main(String[] args) throws Exception {
        TelnetServer server = create("127.0.0.1", args.length > 0 ? Integer.parseInt(args[0]) : 2323, false);
        server.start();
        System.out.println("Java sample listening on 127.0.0.1:" + server.getPort());
        server.awaitTermination();
    }
}
