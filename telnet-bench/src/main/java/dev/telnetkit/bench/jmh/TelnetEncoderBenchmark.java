package dev.telnetkit.bench.jmh;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.telnetkit.protocol.TelnetEncoder;
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
 * Encoding speed of {@link TelnetEncoder#encodeData} in NVT (non-binary) mode, in <b>MB/s</b> of
 * input data bytes (1 MB = 10^6 bytes; the output is a little longer).
 *
 * <p>Each invocation encodes one fixed {@value #TEXT_BYTES}-byte piece of server output, in writes
 * of {@code writeSize} bytes (default 4096). {@code @OperationsPerInvocation(TEXT_BYTES)} makes
 * one JMH op one input byte, so MB/s = ops/s / 10^6. Each encoded array goes to a {@link Blackhole}.
 *
 * <ul>
 * <li>{@code textLines}: printable ASCII lines of 20-100 chars ending in a bare {@code \n}, which
 *     goes out as CR LF.</li>
 * <li>{@code textLinesWithIac}: the same, with a 255 byte (Latin-1 {@code ÿ}) about every 32 bytes,
 *     which goes out doubled, and a bare CR (goes out CR NUL) every eighth line.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "MB/s", per = "byte", scale = 1e-6)
public class TelnetEncoderBenchmark {
    /** Data bytes encoded per invocation. */
    public static final int TEXT_BYTES = 64 * 1024;

    /** Bytes handed to one {@code encodeData} call. */
    @Param({"4096"})
    public int writeSize;

    private byte[] lines;
    private byte[] linesWithIac;

    @Setup
    public void setup() {
        lines = text(new Random(4), false);
        linesWithIac = text(new Random(5), true);
    }

    @Benchmark
    @OperationsPerInvocation(TEXT_BYTES)
    public void textLines(Blackhole bh) {
        encodeAll(lines, bh);
    }

    @Benchmark
    @OperationsPerInvocation(TEXT_BYTES)
    public void textLinesWithIac(Blackhole bh) {
        encodeAll(linesWithIac, bh);
    }

    private void encodeAll(byte[] text, Blackhole bh) {
        int step = writeSize;
        for (int off = 0; off < text.length; off += step) {
            bh.consume(TelnetEncoder.encodeData(text, off, Math.min(step, text.length - off), false));
        }
    }

    static byte[] text(Random random, boolean withIac) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789 .,:;-_/";
        ByteArrayOutputStream out = new ByteArrayOutputStream(TEXT_BYTES);
        for (int n = 0; out.size() < TEXT_BYTES; n++) {
            int length = 20 + random.nextInt(81);
            for (int i = 0; i < length && out.size() < TEXT_BYTES; i++) {
                if (withIac && random.nextInt(32) == 0) out.write(0xff);
                else out.write(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            if (out.size() < TEXT_BYTES) out.write(withIac && n % 8 == 7 ? '\r' : '\n');
        }
        return out.toByteArray();
    }
}
