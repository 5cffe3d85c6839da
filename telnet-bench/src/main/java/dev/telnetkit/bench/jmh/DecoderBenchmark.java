package dev.telnetkit.bench.jmh;

import org.openjdk.jmh.annotations.Benchmark;

/** Placeholder replaced by the real microbenchmarks. */
public class DecoderBenchmark {
    @Benchmark
    public int nothing() {
        return 1;
    }
}
