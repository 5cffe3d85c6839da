package dev.telnetkit.bench

/** Entry point of telnet-bench.jar; `jmh [JMH options]` runs the microbenchmarks. */
fun main(args: Array<String>) {
    if (args.firstOrNull() == "jmh") {
        org.openjdk.jmh.Main.main(args.drop(1).toTypedArray())
        return
    }
    System.err.println("usage: telnet-bench jmh [JMH options]")
}
