package dev.telnetkit.bench

import kotlin.system.exitProcess

/**
 * Entry point of telnet-bench.jar: `run [options]` runs the load scenarios (see [RUN_USAGE]),
 * `cold [options]` reconnect storms against servers just started (see [COLD_USAGE]), `ssh` SSH beside
 * Telnet, `mccp` MCCP2 on against off, `metrics`
 * the cost of TelnetMetrics, `jmh [JMH options]` runs the microbenchmarks.
 */
fun main(args: Array<String>) {
    when (args.firstOrNull()) {
        "jmh" -> dev.telnetkit.bench.jmh.JmhMain.main(args.drop(1).toTypedArray())
        "run" -> {
            val options = try {
                RunOptions.parse(args.drop(1)) ?: run { println(RUN_USAGE); return }
            } catch (e: IllegalArgumentException) {
                System.err.println("telnet-bench: ${e.message}")
                exitProcess(2)
            }
            exitProcess(reportingFailures { BenchRunner(options).run() })
        }
        "cold" -> {
            val cold = try {
                ColdStart(args.drop(1))
            } catch (e: IllegalArgumentException) {
                System.err.println("telnet-bench: ${e.message}")
                exitProcess(2)
            }
            if (cold.help) { println(COLD_USAGE); return }
            exitProcess(reportingFailures { cold.run() })
        }
        "mccp" -> {
            val bench = try {
                MccpBench(args.drop(1))
            } catch (e: IllegalArgumentException) {
                System.err.println("telnet-bench: ${e.message}")
                exitProcess(2)
            }
            if (bench.help) { println(MCCP_USAGE); return }
            exitProcess(reportingFailures { bench.run() })
        }
        "metrics" -> {
            val bench = try {
                MetricsBench(args.drop(1))
            } catch (e: IllegalArgumentException) {
                System.err.println("telnet-bench: ${e.message}")
                exitProcess(2)
            }
            if (bench.help) { println(METRICS_USAGE); return }
            exitProcess(reportingFailures { bench.run() })
        }
        "ssh" -> {
            val bench = try {
                SshBench(args.drop(1))
            } catch (e: IllegalArgumentException) {
                System.err.println("telnet-bench: ${e.message}")
                exitProcess(2)
            }
            if (bench.help) { println(SSH_USAGE); return }
            exitProcess(bench.run())
        }
        else -> {
            System.err.println("usage: telnet-bench run [options] | telnet-bench cold [options] | telnet-bench ssh [options] | telnet-bench mccp [options] | telnet-bench metrics [options] | telnet-bench jmh [JMH options]  (run --help for more)")
            exitProcess(2)
        }
    }
}

/** Runs [block]; a failure it reports (bad options, a server that would not start) is one line and exit status 1. */
private inline fun reportingFailures(block: () -> Int): Int = try {
    block()
} catch (e: IllegalStateException) {
    System.err.println("telnet-bench: ${e.message}")
    1
} catch (e: IllegalArgumentException) {
    System.err.println("telnet-bench: ${e.message}")
    1
}
