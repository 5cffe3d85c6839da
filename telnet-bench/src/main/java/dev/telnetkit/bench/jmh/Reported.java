package dev.telnetkit.bench.jmh;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The unit a benchmark's score is really in, for the converted table {@link JmhMain} prints.
 *
 * <p>Every benchmark in this package counts its JMH "operations" in a natural unit through
 * {@code @OperationsPerInvocation}: one byte, one key, one line or one opening exchange. JMH then
 * reports that unit per second as {@code ops/s}; {@link #scale()} turns it into {@link #unit()}
 * (for bytes: {@code 1e-6}, so the table shows MB/s with 1 MB = 10^6 bytes).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Reported {
    /** The unit shown in the converted table, such as {@code "MB/s"} or {@code "keys/s"}. */
    String unit();

    /** What one JMH operation is, such as {@code "byte"}; used for the allocation column. */
    String per();

    /** Multiplier from JMH's ops/s to {@link #unit()}. */
    double scale() default 1.0;
}
