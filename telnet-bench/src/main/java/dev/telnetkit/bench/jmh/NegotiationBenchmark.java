package dev.telnetkit.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.telnetkit.protocol.NegotiationSink;
import dev.telnetkit.protocol.OptionNegotiator;
import dev.telnetkit.protocol.OptionPolicy;
import dev.telnetkit.protocol.OptionSide;
import dev.telnetkit.protocol.ProtocolEvent;
import dev.telnetkit.protocol.ProtocolSettings;
import dev.telnetkit.protocol.TelnetCommand;
import dev.telnetkit.protocol.TelnetOption;
import dev.telnetkit.protocol.TelnetProtocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The opening negotiation of one connection, in <b>negotiations/s</b>: one JMH op is one complete
 * opening exchange with a fresh protocol object, so ops/s = openings/s.
 *
 * <p>{@code protocolOpening} runs the whole {@link TelnetProtocol}: {@code open()} sends
 * {@code DO TTYPE}, then the replies of an inetutils-style telnet client in an xterm arrive in three
 * reads (round trips), as a real client would send them:
 * <ol>
 * <li>{@code WILL TTYPE} plus the client's own offers: {@code WILL NAWS, TSPEED, LFLOW, LINEMODE,
 *     NEW-ENVIRON, XDISPLOC} and {@code DO STATUS};</li>
 * <li>{@code DO SGA, DO ECHO, WONT CHARSET}, a NAWS of 80x24, {@code TTYPE IS XTERM-256COLOR},
 *     {@code TSPEED IS 38400,38400}, {@code XDISPLOC IS} and {@code NEW-ENVIRON IS} with three
 *     variables;</li>
 * <li>{@code TTYPE IS XTERM-256COLOR} again, which ends the TTYPE cycle.</li>
 * </ol>
 * After that the protocol is settled (checked in setup). Everything sent and every event goes to a
 * {@link Blackhole}. This includes decoding, the Q-method negotiator, the subnegotiation parsers
 * and building the replies.
 *
 * <p>{@code negotiatorOpening} runs only the {@link OptionNegotiator} (the RFC 1143 state machine)
 * through the same verbs: the server's six requests and the client's eleven WILL/WONT/DO messages.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "negotiations/s", per = "opening")
public class NegotiationBenchmark {
    private static final int IAC = TelnetCommand.IAC;
    private static final int IS = 0;

    private ProtocolSettings settings;
    private byte[][] clientReads;
    /** The client's messages as (verb, option) pairs, in the order the protocol sees them. */
    private int[] clientVerbs;

    @Setup
    public void setup() {
        settings = new ProtocolSettings();
        clientReads = new byte[][] {firstRead(), secondRead(), thirdRead()};
        clientVerbs = new int[] {
            TelnetCommand.WILL, TelnetOption.TTYPE,
            TelnetCommand.WILL, TelnetOption.NAWS,
            TelnetCommand.WILL, TelnetOption.TSPEED,
            TelnetCommand.WILL, TelnetOption.LFLOW,
            TelnetCommand.WILL, TelnetOption.LINEMODE,
            TelnetCommand.WILL, TelnetOption.NEW_ENVIRON,
            TelnetCommand.DO, TelnetOption.STATUS,
            TelnetCommand.WILL, TelnetOption.XDISPLOC,
            TelnetCommand.DO, TelnetOption.SGA,
            TelnetCommand.DO, TelnetOption.ECHO,
            TelnetCommand.WONT, TelnetOption.CHARSET,
        };
        // The script must take the protocol to the settled state, with the facts reported.
        List<ProtocolEvent> events = new ArrayList<>();
        TelnetProtocol protocol = new TelnetProtocol(settings, bytes -> { }, events::add);
        protocol.open();
        for (byte[] read : clientReads) protocol.receive(read, 0, read.length);
        boolean size = events.stream().anyMatch(e -> e.equals(new ProtocolEvent.WindowSize(80, 24)));
        boolean type = events.stream().anyMatch(e -> e instanceof ProtocolEvent.TerminalTypes
                && ((ProtocolEvent.TerminalTypes) e).getChosen().equals("xterm-256color"));
        boolean env = events.stream().anyMatch(e -> e instanceof ProtocolEvent.Environment
                && ((ProtocolEvent.Environment) e).getVariables().size() == 3);
        boolean warnings = events.stream().anyMatch(e -> e instanceof ProtocolEvent.Warning);
        if (!protocol.isSettled() || !size || !type || !env || warnings) {
            throw new IllegalStateException("opening script did not settle the protocol: " + events);
        }
        NegotiationSink sink = new CountingSink();
        if (!negotiatorOpening(new OptionNegotiator(OptionPolicy.SERVER), sink)) {
            throw new IllegalStateException("negotiator script left requests pending");
        }
    }

    @Benchmark
    public boolean protocolOpening(Blackhole bh) {
        TelnetProtocol protocol = new TelnetProtocol(settings, bh::consume, bh::consume);
        protocol.open();
        for (byte[] read : clientReads) protocol.receive(read, 0, read.length);
        return protocol.isSettled();
    }

    @Benchmark
    public boolean negotiatorOpening(Blackhole bh) {
        return negotiatorOpening(new OptionNegotiator(OptionPolicy.SERVER), new BlackholeSink(bh));
    }

    private boolean negotiatorOpening(OptionNegotiator negotiator, NegotiationSink sink) {
        negotiator.request(OptionSide.REMOTE, TelnetOption.TTYPE, true, sink);
        int[] verbs = clientVerbs;
        negotiator.receive(verbs[0], verbs[1], sink);
        negotiator.request(OptionSide.LOCAL, TelnetOption.SGA, true, sink);
        negotiator.request(OptionSide.LOCAL, TelnetOption.ECHO, true, sink);
        negotiator.request(OptionSide.REMOTE, TelnetOption.NAWS, true, sink);
        negotiator.request(OptionSide.REMOTE, TelnetOption.NEW_ENVIRON, true, sink);
        negotiator.request(OptionSide.REMOTE, TelnetOption.CHARSET, true, sink);
        for (int i = 2; i < verbs.length; i += 2) negotiator.receive(verbs[i], verbs[i + 1], sink);
        return !negotiator.hasPending();
    }

    private static final class BlackholeSink implements NegotiationSink {
        private final Blackhole bh;

        BlackholeSink(Blackhole bh) {
            this.bh = bh;
        }

        @Override
        public void send(int verb, int option) {
            bh.consume(verb);
            bh.consume(option);
        }

        @Override
        public void changed(OptionSide side, int option, boolean enabled) {
            bh.consume(side);
            bh.consume(option);
            bh.consume(enabled);
        }

        @Override
        public void refused(OptionSide side, int option) {
            bh.consume(option);
        }
    }

    private static final class CountingSink implements NegotiationSink {
        int sent;

        @Override
        public void send(int verb, int option) {
            sent++;
        }

        @Override
        public void changed(OptionSide side, int option, boolean enabled) {
        }

        @Override
        public void refused(OptionSide side, int option) {
        }
    }

    // ---- the client's side of the wire ----

    private static byte[] firstRead() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        verb(out, TelnetCommand.WILL, TelnetOption.TTYPE);
        verb(out, TelnetCommand.WILL, TelnetOption.NAWS);
        verb(out, TelnetCommand.WILL, TelnetOption.TSPEED);
        verb(out, TelnetCommand.WILL, TelnetOption.LFLOW);
        verb(out, TelnetCommand.WILL, TelnetOption.LINEMODE);
        verb(out, TelnetCommand.WILL, TelnetOption.NEW_ENVIRON);
        verb(out, TelnetCommand.DO, TelnetOption.STATUS);
        verb(out, TelnetCommand.WILL, TelnetOption.XDISPLOC);
        return out.toByteArray();
    }

    private static byte[] secondRead() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        verb(out, TelnetCommand.DO, TelnetOption.SGA);
        verb(out, TelnetCommand.DO, TelnetOption.ECHO);
        verb(out, TelnetCommand.WONT, TelnetOption.CHARSET);
        sub(out, TelnetOption.NAWS, new byte[] {0, 80, 0, 24});
        sub(out, TelnetOption.TTYPE, is("XTERM-256COLOR"));
        sub(out, TelnetOption.TSPEED, is("38400,38400"));
        sub(out, TelnetOption.XDISPLOC, is("workstation:0.0"));
        ByteArrayOutputStream env = new ByteArrayOutputStream();
        env.write(IS);
        for (String[] kv : new String[][] {{"USER", "alice"}, {"DISPLAY", "workstation:0.0"}, {"LANG", "en_US.UTF-8"}}) {
            env.write(0); // VAR
            env.writeBytes(kv[0].getBytes(StandardCharsets.US_ASCII));
            env.write(1); // VALUE
            env.writeBytes(kv[1].getBytes(StandardCharsets.US_ASCII));
        }
        sub(out, TelnetOption.NEW_ENVIRON, env.toByteArray());
        return out.toByteArray();
    }

    private static byte[] thirdRead() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sub(out, TelnetOption.TTYPE, is("XTERM-256COLOR"));
        return out.toByteArray();
    }

    private static byte[] is(String text) {
        byte[] ascii = text.getBytes(StandardCharsets.US_ASCII);
        byte[] payload = new byte[ascii.length + 1];
        payload[0] = IS;
        System.arraycopy(ascii, 0, payload, 1, ascii.length);
        return payload;
    }

    private static void verb(ByteArrayOutputStream out, int verb, int option) {
        out.write(IAC);
        out.write(verb);
        out.write(option);
    }

    private static void sub(ByteArrayOutputStream out, int option, byte[] payload) {
        out.write(IAC);
        out.write(TelnetCommand.SB);
        out.write(option);
        out.writeBytes(payload); // no 255 bytes in these payloads
        out.write(IAC);
        out.write(TelnetCommand.SE);
    }
}
