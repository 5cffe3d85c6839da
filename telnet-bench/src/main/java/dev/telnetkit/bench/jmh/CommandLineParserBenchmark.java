package dev.telnetkit.bench.jmh;

import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.telnetkit.shell.CommandLineParser;
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

/**
 * Command-line splitting by {@link CommandLineParser#parse}, in <b>lines/s</b>: one JMH op parses
 * one line, so ops/s = lines/s. The result is returned (JMH consumes it).
 *
 * <ul>
 * <li>{@code plainEcho}: {@value #PLAIN} (16 chars, 3 words).</li>
 * <li>{@code quoted}: {@value #QUOTED} (62 chars, 6 words: double and single quotes, escaped
 *     quotes inside double quotes, adjacent quoted parts).</li>
 * <li>{@code escapes}: {@value #ESCAPED} (49 chars, 5 words: backslash-escaped spaces, a dollar
 *     sign and backslashes).</li>
 * <li>{@code continuedLines}: three lines joined with {@code \n}, ending inside and after quotes
 *     and with a continuing backslash (30 chars, 6 words).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Reported(unit = "lines/s", per = "line")
public class CommandLineParserBenchmark {
    public static final String PLAIN = "echo hello world";
    public static final String QUOTED = "grep -n \"hello   world\" 'it''s here' \"say \\\"hi\\\"\" --color=auto";
    public static final String ESCAPED = "cp my\\ file.txt /tmp/new\\ dir/ \\$HOME \\\\server\\\\x";
    public static final String CONTINUED = "echo 1 \\\n2 \"3\n4\"  \"5\\\n6\" 'a b'";

    // Fields, not constants, so the JIT cannot fold the input.
    private String plain;
    private String quoted;
    private String escaped;
    private String continued;

    @Setup
    public void setup() {
        plain = PLAIN;
        quoted = QUOTED;
        escaped = ESCAPED;
        continued = CONTINUED;
        check(plain, List.of("echo", "hello", "world"));
        check(quoted, List.of("grep", "-n", "hello   world", "its here", "say \"hi\"", "--color=auto"));
        check(escaped, List.of("cp", "my file.txt", "/tmp/new dir/", "$HOME", "\\server\\x"));
        check(continued, List.of("echo", "1", "2", "3\n4", "56", "a b"));
    }

    private static void check(String line, List<String> expected) {
        CommandLineParser.Result result = CommandLineParser.parse(line);
        if (!result.equals(new CommandLineParser.Result.Complete(expected))) {
            throw new IllegalStateException("unexpected parse of " + line + ": " + result);
        }
    }

    @Benchmark
    public CommandLineParser.Result plainEcho() {
        return CommandLineParser.parse(plain);
    }

    @Benchmark
    public CommandLineParser.Result quoted() {
        return CommandLineParser.parse(quoted);
    }

    @Benchmark
    public CommandLineParser.Result escapes() {
        return CommandLineParser.parse(escaped);
    }

    @Benchmark
    public CommandLineParser.Result continuedLines() {
        return CommandLineParser.parse(continued);
    }
}
