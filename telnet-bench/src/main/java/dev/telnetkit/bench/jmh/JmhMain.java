package dev.telnetkit.bench.jmh;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;

/**
 * Runs JMH with the usual command-line options, then prints the scores once more in the units the
 * benchmarks mean (MB/s, keys/s, lines/s, negotiations/s; see {@link Reported}), with the
 * allocation per unit when {@code -prof gc} was given.
 *
 * <p>{@code java -cp telnet-bench.jar dev.telnetkit.bench.jmh.JmhMain [JMH options]}. Listing and
 * help options ({@code -l}, {@code -lp}, {@code -h}, ...) go straight to {@link org.openjdk.jmh.Main}.
 */
public final class JmhMain {
    private JmhMain() {
    }

    public static void main(String[] args) throws Exception {
        CommandLineOptions options;
        try {
            options = new CommandLineOptions(args);
        } catch (CommandLineOptionException e) {
            System.err.println("Error parsing command line: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (options.shouldHelp() || options.shouldList() || options.shouldListWithParams()
                || options.shouldListProfilers() || options.shouldListResultFormats()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        Collection<RunResult> results;
        try {
            results = new Runner(options).run();
        } catch (RunnerException e) {
            System.err.println("ERROR: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println();
        System.out.print(table(results));
    }

    /** The converted table of {@code results}, one row per benchmark and parameter set. */
    public static String table(Collection<RunResult> results) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"Benchmark", "Params", "ops/s", "±", "Converted", "Unit", "Alloc B/unit"});
        for (RunResult r : results) {
            String benchmark = r.getParams().getBenchmark();
            Reported reported = reportedOf(benchmark);
            Result<?> primary = r.getPrimaryResult();
            double score = primary.getScore();
            double error = primary.getScoreError();
            StringBuilder params = new StringBuilder();
            for (String key : r.getParams().getParamsKeys()) {
                if (params.length() > 0) params.append(',');
                params.append(key).append('=').append(r.getParams().getParam(key));
            }
            String converted = "";
            String unit = primary.getScoreUnit();
            if (reported != null) {
                converted = format(score * reported.scale());
                unit = reported.unit();
            }
            String alloc = "";
            Map<String, Result> secondary = r.getSecondaryResults();
            Result<?> norm = secondary.get("gc.alloc.rate.norm");
            if (norm != null) {
                alloc = String.format(Locale.ROOT, "%.2f", norm.getScore());
            }
            rows.add(new String[] {
                    shortName(benchmark), params.toString(), format(score),
                    Double.isNaN(error) ? "" : format(error), converted, unit, alloc});
        }
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                boolean left = i == 0 || i == 1 || i == 5;
                String cell = row[i];
                String pad = " ".repeat(widths[i] - cell.length());
                out.append(left ? cell + pad : pad + cell).append(i == row.length - 1 ? "" : "  ");
            }
            out.append('\n');
        }
        out.append("ops/s: JMH's score; one op is one byte, key, line or opening (see each benchmark's Javadoc);"
                + " ±: JMH's 99.9% confidence half-width.\n");
        out.append("Alloc B/unit: gc.alloc.rate.norm per byte, key, line or opening (only with -prof gc).\n");
        return out.toString();
    }

    private static Reported reportedOf(String benchmark) {
        int dot = benchmark.lastIndexOf('.');
        try {
            Class<?> type = Class.forName(benchmark.substring(0, dot));
            for (Method m : type.getMethods()) {
                if (m.getName().equals(benchmark.substring(dot + 1)) && m.isAnnotationPresent(Reported.class)) {
                    return m.getAnnotation(Reported.class);
                }
            }
            return type.getAnnotation(Reported.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    private static String shortName(String benchmark) {
        String prefix = JmhMain.class.getPackageName() + ".";
        return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
    }

    private static String format(double v) {
        if (Double.isNaN(v)) return "NaN";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
