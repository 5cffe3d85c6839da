package dev.telnetkit.bench

import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.concurrent.TimeUnit

/** A server process the runner started: where it listens and how to stop it. */
class StartedServer(
    /** A name for reports. */
    val name: String,
    /** The process (its pid is the server's: started through `exec`). */
    val process: Process,
    /** Where it listens. */
    val address: InetSocketAddress,
    /** The exact command, for the report. */
    val command: String,
) : AutoCloseable {
    /** Stops it: SIGTERM, then SIGKILL after [graceSeconds]. */
    override fun close() {
        stop(15)
    }

    /** Stops it: SIGTERM, then SIGKILL after [graceSeconds]. */
    fun stop(graceSeconds: Long) {
        if (!process.isAlive) return
        process.destroy()
        if (!process.waitFor(graceSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly()
            process.waitFor(5, TimeUnit.SECONDS)
        }
    }
}

/** Starts the servers the runner compares, each as a separate process with a raised open-files limit. */
object ServerProcesses {
    /** JVM options the demo server runs with unless the command line says otherwise. */
    const val DEFAULT_DEMO_JVM_OPTIONS: String = "-Xmx4g -XX:+UseG1GC"

    /** A free TCP port on 127.0.0.1 (free now; taken by the server right after). */
    fun freePort(): Int = ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")).use { it.localPort }

    /**
     * Starts the demo sample from [jar] on a free port, with [jvmOptions] and the demo options
     * [extraArgs] (a transport's); output goes to [log].
     */
    fun startDemo(jar: File, jvmOptions: String, log: File, cpu: Int?, extraArgs: List<String> = emptyList()): StartedServer {
        require(jar.isFile) { "no samples jar at $jar (build it with: mvn -B -q -DskipTests package)" }
        val port = freePort()
        val args = "${java()} $jvmOptions -jar ${jar.absolutePath} --port $port --idle-timeout 0 --log-level warn " +
            "--max-sessions 20000 --max-sessions-per-address 20000 --bench-broadcast" +
            extraArgs.joinToString("") { " $it" }
        return start("TelnetKit demo", pinned(cpu) + args, port, log, 60)
    }

    /** The options the demo in [jar] lists in its --help (e.g. "--transport", "--tls-cert"); empty if it would not say. */
    fun demoOptions(jar: File): Set<String> {
        require(jar.isFile) { "no samples jar at $jar (build it with: mvn -B -q -DskipTests package)" }
        val help = runProcess(listOf(java(), "-jar", jar.absolutePath, "--help"), 60)?.text ?: return emptySet()
        return Regex("--[a-z][a-z-]*").findAll(help).map { it.value }.toSet()
    }

    private fun java(): String = File(System.getProperty("java.home"), "bin/java").path

    /** Builds the C tool in [source] (a folder with a Makefile) in a temporary copy; returns the binary. */
    fun buildTool(source: File, name: String): File {
        require(File(source, "Makefile").isFile) { "no Makefile in $source" }
        val dir = Files.createTempDirectory("telnet-bench-$name").toFile()
        source.listFiles()!!.filter { it.isFile && (it.name == "Makefile" || it.name.endsWith(".c") || it.name.endsWith(".h")) }
            .forEach { it.copyTo(File(dir, it.name)) }
        val make = runProcess(listOf("make", "-s", "-C", dir.path), 120)
        check(make != null && make.exitCode == 0) { "make $name failed:\n${make?.text ?: "(no output, timed out or not started)"}" }
        return File(dir, name).also { check(it.canExecute()) { "make built no $it" } }
    }

    /** Starts limit-server [binary] on a free port. */
    fun startLimitServer(binary: File, log: File, cpu: Int?): StartedServer {
        val port = freePort()
        return start("limit-server", pinned(cpu) + "${binary.absolutePath} $port", port, log, 10)
    }

    /** Pins every thread of this process (the driver) to [cpu]; false if taskset failed. */
    fun pinSelf(cpu: Int): Boolean = runCatching {
        val p = ProcessBuilder("taskset", "-a", "-p", "-c", cpu.toString(), ProcessHandle.current().pid().toString())
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
        p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
    }.getOrDefault(false)

    private fun pinned(cpu: Int?): String = if (cpu == null) "" else "taskset -c $cpu "

    /** Starts [command] (through sh, with the open-files limit raised) and waits until it listens on [port]. */
    fun startCommand(name: String, command: String, port: Int, log: File, timeoutSeconds: Long): StartedServer =
        start(name, command, port, log, timeoutSeconds)

    private fun start(name: String, command: String, port: Int, log: File, timeoutSeconds: Long): StartedServer {
        log.parentFile?.mkdirs()
        val process = ProcessBuilder("sh", "-c", "ulimit -n \"\$(ulimit -Hn)\"; exec $command")
            .redirectErrorStream(true)
            .redirectOutput(log)
            .start()
        val address = InetSocketAddress("127.0.0.1", port)
        val server = StartedServer(name, process, address, command)
        val deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L
        while (System.nanoTime() < deadline) {
            if (!process.isAlive) error("$name exited at start (exit ${process.exitValue()}); see $log")
            val up = runCatching { Socket().use { it.connect(address, 500) } }.isSuccess
            if (up) return server
            Thread.sleep(100)
        }
        server.stop(5)
        error("$name did not listen on port $port within $timeoutSeconds s; see $log")
    }
}
