package dev.telnetkit.bench.jmh;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.telnetkit.terminal.History;
import dev.telnetkit.terminal.Key;
import dev.telnetkit.terminal.LineEditor;
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
 * Line editing by {@link LineEditor}, in <b>keys/s</b>: keys handled per second, each followed by
 * {@code takeOutput()} as a character-mode session does after every key (the output string goes to
 * a {@link Blackhole}, i.e. a discarding sink).
 *
 * <p>Each invocation shows the prompt {@value #PROMPT} (13 columns) on an 80-column terminal, feeds
 * one line's keys (already decoded {@link Key} objects) and ends with Enter; the finished line is
 * checked in setup. {@code @OperationsPerInvocation} is the number of keys, so one JMH op is one key.
 * The editor has a history (the same line every time, so it stays one entry) and no completer.
 *
 * <ul>
 * <li>{@code line80WithEdits} ({@value #EDIT_KEYS} keys): type 60 chars, 5 × Left, insert 3
 *     chars, 2 × Backspace, End, type 19 chars, 2 × Backspace and retype them at the end, Enter.
 *     The line ends 80 chars long, so with the prompt it wraps onto a second row.</li>
 * <li>{@code line80} ({@value #LINE80_KEYS} keys): type 80 chars and Enter.</li>
 * <li>{@code line400} ({@value #LINE400_KEYS} keys): type 400 chars (six rows) and Enter, the
 *     size of a pasted long command; compare its keys/s with {@code line80}'s to see how the cost
 *     per key grows with the line.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "keys/s", per = "key")
public class LineEditorBenchmark {
    public static final String PROMPT = "user@host:~$ ";
    public static final int WIDTH = 80;
    public static final int EDIT_KEYS = 95;
    public static final int LINE80_KEYS = 81;
    public static final int LINE400_KEYS = 401;

    private static final String TEXT =
            "deploy --env=staging --service api-gateway --tag v2.14.3 --dry-run --verbose -- ";

    private Key[] editKeys;
    private Key[] line80Keys;
    private Key[] line400Keys;
    private LineEditor editor;

    @Setup
    public void setup() {
        String line80 = TEXT.substring(0, 80);
        String line400 = (TEXT.repeat(5)).substring(0, 400);

        List<Key> edits = new ArrayList<>();
        type(edits, line80.substring(0, 60));
        for (int i = 0; i < 5; i++) edits.add(Key.Left.INSTANCE);
        type(edits, "XYZ");
        edits.add(Key.Backspace.INSTANCE);
        edits.add(Key.Backspace.INSTANCE);
        edits.add(Key.End.INSTANCE);
        type(edits, line80.substring(60, 79));
        edits.add(Key.Backspace.INSTANCE);
        edits.add(Key.Backspace.INSTANCE);
        type(edits, line80.substring(77, 79));
        edits.add(Key.Enter.INSTANCE);
        editKeys = edits.toArray(new Key[0]);
        String edited = line80.substring(0, 55) + "X" + line80.substring(55, 79);

        line80Keys = typed(line80);
        line400Keys = typed(line400);

        editor = new LineEditor(4096, new History(), null, true, WIDTH, true);
        check(editKeys, EDIT_KEYS, edited);
        check(line80Keys, LINE80_KEYS, line80);
        check(line400Keys, LINE400_KEYS, line400);
    }

    @Benchmark
    @OperationsPerInvocation(EDIT_KEYS)
    public void line80WithEdits(Blackhole bh) {
        edit(editKeys, bh);
    }

    @Benchmark
    @OperationsPerInvocation(LINE80_KEYS)
    public void line80(Blackhole bh) {
        edit(line80Keys, bh);
    }

    @Benchmark
    @OperationsPerInvocation(LINE400_KEYS)
    public void line400(Blackhole bh) {
        edit(line400Keys, bh);
    }

    private void edit(Key[] keys, Blackhole bh) {
        LineEditor e = editor;
        e.begin(PROMPT);
        bh.consume(e.takeOutput());
        for (Key key : keys) {
            bh.consume(e.handle(key));
            bh.consume(e.takeOutput());
        }
    }

    private void check(Key[] keys, int expectedKeys, String expectedLine) {
        if (keys.length != expectedKeys) {
            throw new IllegalStateException("expected " + expectedKeys + " keys, have " + keys.length);
        }
        editor.begin(PROMPT);
        LineEditor.Outcome last = null;
        for (Key key : keys) last = editor.handle(key);
        editor.takeOutput();
        if (!new LineEditor.Outcome.Done(expectedLine).equals(last)) {
            throw new IllegalStateException("expected the line '" + expectedLine + "', got " + last);
        }
    }

    private static Key[] typed(String line) {
        List<Key> keys = new ArrayList<>();
        type(keys, line);
        keys.add(Key.Enter.INSTANCE);
        return keys.toArray(new Key[0]);
    }

    private static void type(List<Key> keys, String text) {
        text.codePoints().forEach(cp -> keys.add(new Key.Text(cp)));
    }
}
