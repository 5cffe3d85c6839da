package dev.telnetkit.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.telnetkit.protocol.TelnetCommand;
import dev.telnetkit.protocol.TelnetDecoder;
import dev.telnetkit.protocol.TelnetEvent;
import dev.telnetkit.protocol.TelnetEventSink;
import dev.telnetkit.protocol.TelnetOption;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decoding speed of {@link TelnetDecoder}, in <b>MB/s</b> of received wire bytes (1 MB = 10^6 bytes).
 *
 * <p>Each invocation decodes one fixed {@value #STREAM_BYTES}-byte client stream, fed in reads of
 * {@code readSize} bytes (default 4096, as from a socket read; try {@code -p readSize=1,64,4096}).
 * {@code @OperationsPerInvocation(STREAM_BYTES)} makes one JMH op one byte, so the score is bytes/s
 * and MB/s = ops/s / 10^6. Every event the decoder reports goes to a {@link Blackhole}. The decoder
 * lives across invocations, as it does across a connection's reads; each stream ends between
 * events, so every invocation starts in the same state.
 *
 * <ul>
 * <li>{@code plainTextLines}: printable ASCII lines of 20-100 chars ending in CR LF.</li>
 * <li>{@code iacAndCommands}: the same kind of lines with a doubled 255 byte ({@code IAC IAC})
 *     about every 16 bytes, an {@code IAC NOP}/{@code AYT}/{@code GA} on each line and a
 *     WILL/DO negotiation on every fourth line.</li>
 * <li>{@code clientStreamWithNaws}: what a character-mode client sends: typed commands with
 *     arrow keys, backspaces and CR NUL line ends, and every third command a burst of three NAWS
 *     subnegotiations (a window being dragged; some widths are 255 and so doubled).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "MB/s", per = "byte", scale = 1e-6)
public class TelnetDecoderBenchmark {
    /** Wire bytes decoded per invocation. */
    public static final int STREAM_BYTES = 64 * 1024;

    private static final int IAC = TelnetCommand.IAC;

    /** Bytes handed to one {@code decode} call. */
    @Param({"4096"})
    public int readSize;

    private byte[] plain;
    private byte[] iac;
    private byte[] client;
    private TelnetDecoder decoder;

    @Setup
    public void setup() {
        plain = plainTextLines(new Random(1));
        iac = iacAndCommands(new Random(2));
        client = clientStream(new Random(3));
        decoder = new TelnetDecoder();
        // The streams must decode cleanly: no dropped subnegotiation, nothing left half-way.
        for (byte[] stream : new byte[][] {plain, iac, client}) {
            int[] errors = {0};
            decodeAll(stream, event -> {
                if (event instanceof TelnetEvent.SubnegotiationError) errors[0]++;
            });
            if (errors[0] != 0 || decoder.getBufferedSubnegotiationBytes() != 0) {
                throw new IllegalStateException("benchmark stream does not decode cleanly");
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(STREAM_BYTES)
    public void plainTextLines(Blackhole bh) {
        decodeAll(plain, bh::consume);
    }

    @Benchmark
    @OperationsPerInvocation(STREAM_BYTES)
    public void iacAndCommands(Blackhole bh) {
        decodeAll(iac, bh::consume);
    }

    @Benchmark
    @OperationsPerInvocation(STREAM_BYTES)
    public void clientStreamWithNaws(Blackhole bh) {
        decodeAll(client, bh::consume);
    }

    private void decodeAll(byte[] stream, TelnetEventSink sink) {
        int step = readSize;
        for (int off = 0; off < stream.length; off += step) {
            decoder.decode(stream, off, Math.min(step, stream.length - off), sink);
        }
    }

    // ---- streams, each exactly STREAM_BYTES long ----

    private static final String WORDS_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789-_./";

    static byte[] plainTextLines(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(STREAM_BYTES);
        while (true) {
            byte[] line = textLine(random, 20 + random.nextInt(81));
            if (out.size() + line.length + 2 > STREAM_BYTES) break;
            out.writeBytes(line);
            out.write('\r');
            out.write('\n');
        }
        return padded(out);
    }

    static byte[] iacAndCommands(Random random) {
        int[] commands = {TelnetCommand.NOP, TelnetCommand.AYT, TelnetCommand.GA};
        ByteArrayOutputStream out = new ByteArrayOutputStream(STREAM_BYTES);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int n = 0; ; n++) {
            line.reset();
            byte[] text = textLine(random, 20 + random.nextInt(81));
            for (int i = 0; i < text.length; i++) {
                if (i % 16 == 7) {
                    line.write(IAC);
                    line.write(IAC);
                }
                if (i == text.length / 2) {
                    line.write(IAC);
                    line.write(commands[n % commands.length]);
                }
                line.write(text[i]);
            }
            if (n % 4 == 3) {
                line.write(IAC);
                line.write(n % 8 == 3 ? TelnetCommand.WILL : TelnetCommand.DO);
                line.write(n % 8 == 3 ? TelnetOption.NAWS : TelnetOption.SGA);
            }
            line.write('\r');
            line.write('\n');
            if (out.size() + line.size() > STREAM_BYTES) break;
            out.writeBytes(line.toByteArray());
        }
        return padded(out);
    }

    static byte[] clientStream(Random random) {
        String[] commands = {
            "ls -la /var/log", "cd /srv/app", "grep -rn \"TODO\" src", "tail -f app.log", "help",
            "status --verbose", "echo hello world", "set prompt '> '",
        };
        byte[][] keys = {
            "\u001b[A".getBytes(StandardCharsets.US_ASCII), // Up
            "\u001b[D".getBytes(StandardCharsets.US_ASCII), // Left
            "\u001b[C".getBytes(StandardCharsets.US_ASCII), // Right
            {0x7f},                                          // Backspace (DEL)
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream(STREAM_BYTES);
        ByteArrayOutputStream unit = new ByteArrayOutputStream();
        int width = 80;
        for (int n = 0; ; n++) {
            unit.reset();
            unit.writeBytes(commands[random.nextInt(commands.length)].getBytes(StandardCharsets.US_ASCII));
            unit.writeBytes(keys[random.nextInt(keys.length)]);
            unit.writeBytes(keys[random.nextInt(keys.length)]);
            unit.write('x');
            unit.write('\r');
            unit.write(0); // CR NUL, as character-mode clients send Enter
            if (n % 3 == 2) {
                for (int k = 0; k < 3; k++) {
                    width = width >= 300 ? 80 : width + 35; // passes 255 on the way: doubled IAC
                    naws(unit, width, 24 + k);
                }
            }
            if (out.size() + unit.size() > STREAM_BYTES) break;
            out.writeBytes(unit.toByteArray());
        }
        return padded(out);
    }

    private static void naws(ByteArrayOutputStream out, int width, int height) {
        out.write(IAC);
        out.write(TelnetCommand.SB);
        out.write(TelnetOption.NAWS);
        for (int v : new int[] {width >> 8, width & 0xff, height >> 8, height & 0xff}) {
            out.write(v);
            if (v == IAC) out.write(IAC);
        }
        out.write(IAC);
        out.write(TelnetCommand.SE);
    }

    private static byte[] textLine(Random random, int length) {
        byte[] line = new byte[length];
        for (int i = 0; i < length; i++) {
            line[i] = random.nextInt(6) == 0 ? (byte) ' ' : (byte) WORDS_ALPHABET.charAt(random.nextInt(WORDS_ALPHABET.length()));
        }
        return line;
    }

    /** Plain letters up to exactly STREAM_BYTES; they cannot change the decoder's state. */
    private static byte[] padded(ByteArrayOutputStream out) {
        while (out.size() < STREAM_BYTES) out.write('z');
        return out.toByteArray();
    }
}
