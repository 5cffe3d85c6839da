package dev.telnetkit.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.telnetkit.protocol.OptionSide;
import dev.telnetkit.protocol.TelnetCommand;
import dev.telnetkit.protocol.TelnetOption;
import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.wire.OptionOffer;
import dev.telnetkit.wire.TelnetOptionHandler;
import dev.telnetkit.wire.TelnetOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A Telnet option of the application's, written in Java with the builder: the page of code the option API promises. */
@Timeout(60)
class JavaTelnetOptionTest {
    private static final int OPTION = 91;
    private static final int IAC = TelnetCommand.IAC;
    private TelnetServer server;

    /** Answers every "ping" subnegotiation with "pong", and says "ready" when the client agrees. */
    static final class PingOption extends TelnetOptionHandler {
        final List<String> heard = new CopyOnWriteArrayList<>();

        PingOption() {
            super(OPTION);
        }

        @Override
        public OptionOffer getLocal() {
            return OptionOffer.AT_CONNECT;
        }

        @Override
        public void onEnabled(OptionSide side) {
            getContext().sendSubnegotiation("ready".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void onSubnegotiation(byte[] payload) {
            String text = new String(payload, StandardCharsets.US_ASCII);
            heard.add(text);
            if (text.equals("ping")) getContext().sendSubnegotiation("pong".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) server.stop(Duration.ZERO);
    }

    @Test
    void anOptionWrittenInJavaNegotiatesSendsAndReceives() throws Exception {
        CompletableFuture<PingOption> found = new CompletableFuture<>();
        server = TelnetServer.builder()
            .host("127.0.0.1")
            .port(0)
            .telnetOption(session -> new PingOption())
            .session(session -> {
                found.complete(TelnetOptions.telnetOption(session, PingOption.class));
                session.readLine("> ");
            })
            .build()
            .start();
        try (Socket socket = new Socket("127.0.0.1", server.getPort())) {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            assertArrayEquals(bytes(IAC, TelnetCommand.DO, TelnetOption.TTYPE), readExactly(in, 3));
            socket.getOutputStream().write(bytes(IAC, TelnetCommand.WONT, TelnetOption.TTYPE));
            byte[] offers = readExactly(in, 18);
            assertArrayEquals(bytes(IAC, TelnetCommand.WILL, OPTION), java.util.Arrays.copyOfRange(offers, 15, 18));
            socket.getOutputStream().write(concat(
                bytes(IAC, TelnetCommand.DO, TelnetOption.SGA, IAC, TelnetCommand.DO, TelnetOption.ECHO,
                    IAC, TelnetCommand.WONT, TelnetOption.NAWS, IAC, TelnetCommand.WONT, TelnetOption.NEW_ENVIRON,
                    IAC, TelnetCommand.WONT, TelnetOption.CHARSET, IAC, TelnetCommand.DO, OPTION),
                sb("ping")));
            assertArrayEquals(sb("ready"), readExactly(in, sb("ready").length));
            assertArrayEquals(sb("pong"), readExactly(in, sb("pong").length));
            PingOption option = found.get(5, TimeUnit.SECONDS);
            assertEquals(List.of("ping"), option.heard);
            assertTrue(new String(readExactly(in, 2), StandardCharsets.US_ASCII).startsWith(">"));
        }
    }

    private static byte[] sb(String payload) {
        return concat(bytes(IAC, TelnetCommand.SB, OPTION), payload.getBytes(StandardCharsets.US_ASCII), bytes(IAC, TelnetCommand.SE));
    }

    private static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (byte) values[i];
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    private static byte[] readExactly(InputStream in, int n) throws IOException {
        byte[] out = in.readNBytes(n);
        if (out.length < n) throw new IOException("only " + out.length + " of " + n + " bytes");
        return out;
    }
}
