package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import dev.telnetkit.ssh.SshSettings;
import dev.telnetkit.testkit.TelnetTestClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import dev.telnetkit.testkit.InteropClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SSH declared from Java: the builder's endpoint(SshSettings), with a password check in a lambda,
 * beside Telnet on the same server; proven with the OpenSSH client (through sshpass).
 */
class JavaSshTest {
    private TelnetServer server;

    @TempDir
    Path dir;

    /** Skipped when the OpenSSH client or sshpass is missing, failed instead with TELNETKIT_REQUIRE_INTEROP=1. */
    @BeforeEach
    void clients() {
        List<InteropClients.Program> programs = List.of(InteropClients.INSTANCE.getOpenSsh(), InteropClients.INSTANCE.getSshpass());
        String skip = InteropClients.INSTANCE.skipReason(programs);
        Assumptions.assumeTrue(skip == null, skip);
        InteropClients.INSTANCE.requireAll(programs);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
    }

    private static Command whoami() {
        return Command.named("whoami").summary("Who and how.")
            .handler((session, args) -> session.writeResponse(session.getUsername() + " via " + session.getTransport()))
            .build();
    }

    /** Runs ssh with [password] for [user] and [remote]; returns exit code, stdout and stderr. */
    private List<String> ssh(int port, String user, String password, String... remote) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
            "sshpass", "-p", password, "ssh", "-p", Integer.toString(port), "-F", "/dev/null",
            "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
            "-o", "PreferredAuthentications=password", "-o", "PubkeyAuthentication=no", "-o", "NumberOfPasswordPrompts=1",
            user + "@127.0.0.1"));
        command.addAll(List.of(remote));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "ssh finished");
        return List.of(Integer.toString(process.exitValue()), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void theBuilderServesTheSameCommandsOverSshAndTelnet() throws Exception {
        server = TelnetServer.builder()
            .port(0)
            .prompt("j> ")
            .command(whoami())
            .endpoint(SshSettings.builder()
                .port(0)
                .hostKey(dir.resolve("host.key"))
                .password((user, password) -> new StringBuilder(user).reverse().toString().equals(password))
                .build())
            .build()
            .start();
        int sshPort = server.portOf("ssh");

        List<String> ok = ssh(sshPort, "alice", "ecila", "whoami");
        assertEquals("0", ok.get(0), ok.get(2));
        assertEquals("alice via ssh\n", ok.get(1));

        List<String> refused = ssh(sshPort, "alice", "alice", "whoami");
        assertEquals("255", refused.get(0));
        assertTrue(refused.get(2).contains("Permission denied"), refused.get(2));

        try (TelnetTestClient telnet = TelnetTestClient.connect("127.0.0.1", server.getPort())) {
            telnet.awaitPrompt("j> ");
            telnet.sendLine("whoami");
            telnet.awaitText("null via nio\r\n");
        }
    }

    @Test
    void theJavaSampleChecksSshPasswordsAsItsTelnetLogin() throws Exception {
        server = JavaSample.create("127.0.0.1", 0, true, java.time.Duration.ofMinutes(5), java.time.Duration.ofSeconds(1),
            StandardCharsets.UTF_8, dev.telnetkit.transport.Transport.nio(), null, 0, dir.resolve("sample.key")).start();
        List<String> result = ssh(server.portOf("ssh"), "bob", "bob", "user", "name");
        assertEquals("0", result.get(0), result.get(2));
        // The sample's greeting is for interactive sessions only: a command run alone prints its output alone.
        assertEquals("bob\n", result.get(1));
    }
}
