package dev.telnetkit.bench.jmh;

import java.util.concurrent.TimeUnit;

import dev.telnetkit.terminal.KeyDecoder;
import dev.telnetkit.terminal.KeySink;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Key decoding by {@link KeyDecoder}, in <b>keys/s</b>: keys emitted per second.
 *
 * <p>Each invocation decodes one fixed string ({@link #INPUT}, {@value #REPEATS} repeats of a
 * 33-key pattern) giving exactly {@value #KEYS} keys (checked in setup), so
 * {@code @OperationsPerInvocation(KEYS)} makes one JMH op one key. The pattern is what an
 * interactive user types: two short commands with a non-ASCII word, Up (CSI and SS3 forms), Left,
 * Right, Delete ({@code CSI 3~}), Ctrl+Left ({@code CSI 1;5D}), Home/End ({@code SS3 H/F}),
 * Backspace (DEL), Tab, Alt+b and Enter (CR). 19 of the 33 keys are text. Every key goes to a
 * {@link Blackhole}. Warm-up is 5 × 1 s: with 3 the last warm-up iteration still ran far below
 * the measured speed.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// C2 takes longer to settle here than elsewhere (3 × 1 s warm-up still ran at a fifth of the final speed).
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "keys/s", per = "key")
public class KeyDecoderBenchmark {
    static final String PATTERN =
            "ls -l\r"                      // 6 keys: 5 text + Enter
            + "\u001b[A\u001bOA"           // Up, Up (CSI, SS3)
            + "\u001b[D\u001b[D"           // Left, Left
            + "grüße"                       // 5 text (ü, ß are not ASCII)
            + "\u001b[C\u001b[3~"          // Right, Delete
            + "\u001b[1;5D\u001bOH\u001bOF" // Ctrl+Left, Home, End
            + "\u007f\t\u001bb"            // Backspace, Tab, Alt+b
            + "cat x.log\r";                // 10 keys: 9 text + Enter
    static final int KEYS_PER_PATTERN = 33;
    static final int REPEATS = 64;
    public static final int KEYS = KEYS_PER_PATTERN * REPEATS;
    static final String INPUT = PATTERN.repeat(REPEATS);

    private KeyDecoder decoder;

    @Setup
    public void setup() {
        decoder = new KeyDecoder();
        int[] count = {0};
        decoder.decode(INPUT, key -> count[0]++);
        if (count[0] != KEYS || decoder.getHasPending()) {
            throw new IllegalStateException("expected " + KEYS + " keys, decoded " + count[0]);
        }
    }

    @Benchmark
    @OperationsPerInvocation(KEYS)
    public void typedTextWithEscapes(Blackhole bh) {
        KeySink emit = bh::consume;
        decoder.decode(INPUT, emit);
    }
}
