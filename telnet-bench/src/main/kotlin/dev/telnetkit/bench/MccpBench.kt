package dev.telnetkit.bench

import java.io.ByteArrayOutputStream
import java.io.File
import java.io.InputStream
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import java.util.zip.Deflater
import java.util.zip.Inflater

/** `telnet-bench mccp --help`. */
const val MCCP_USAGE: String = """telnet-bench mccp [options]: MCCP2 on against off, on the bench's MCCP server (a separate JVM)
  --sessions N      sessions of the echo and text scenarios, run at once (default 50)
  --echoes N        short commands each session sends in the echo scenario (default 200)
  --looks N         'look' commands (about 2 KB of room text each) per session in the text scenario (default 100)
  --idle N          idle sessions held for the memory figure (default 1000)
  --idle-looks N    'look' commands each of them runs before it idles (default 1; more text touches more of zlib's buffers)
  --idle-finish MS  the server ends idle MCCP2 streams after MS milliseconds (CompressionSettings.idleFinishAfter; default 0, never)
  --jvm OPTIONS     the server's JVM options (default "-Xmx1g -XX:+UseG1GC")
  --out DIR         logs (default target/mccp)
Output bytes are exact (counted by the clients off the wire); CPU is the server process's user+system
time from /proc (10 ms ticks); memory is the server's RSS (and live heap, jcmd) with the idle sessions
held, above the same server before they connected, divided by their number."""

/**
 * MCCP2's cost and gain, in three server modes (off, MCCP2, MCCP2+MCCP3): bytes on the wire and
 * server CPU per session for an echo scenario and a text-heavy one, and memory per idle session.
 */
class MccpBench(args: List<String>) {
    private var sessions = 50
    private var echoes = 200
    private var looks = 100
    private var idle = 1000
    private var idleLooks = 1
    private var idleFinish = 0L
    private var jvm = "-Xmx1g -XX:+UseG1GC"
    private var out = File("target/mccp")
    var help: Boolean = false
        private set

    init {
        var i = 0
        fun value(): String = args.getOrNull(++i) ?: throw IllegalArgumentException("${args[i - 1]} needs a value")
        while (i < args.size) {
            when (args[i]) {
                "--sessions" -> sessions = value().toInt()
                "--echoes" -> echoes = value().toInt()
                "--looks" -> looks = value().toInt()
                "--idle" -> idle = value().toInt()
                "--idle-looks" -> idleLooks = value().toInt()
                "--idle-finish" -> idleFinish = value().toLong()
                "--jvm" -> jvm = value()
                "--out" -> out = File(value())
                "--help", "-h" -> help = true
                else -> throw IllegalArgumentException("unknown option '${args[i]}' (mccp --help)")
            }
            i++
        }
    }

    private class Row(val mode: String, val scenario: String, val wirePerSession: Double, val textPerSession: Double, val cpuMsPerSession: Double)
    private class Memory(val mode: String, val rssPerSession: Double, val heapPerSession: Double?)

    fun run(): Int {
        val jar = File(MccpBench::class.java.protectionDomain.codeSource.location.toURI())
        val java = File(System.getProperty("java.home"), "bin/java").path
        println("telnet-bench mccp: $sessions sessions x $echoes echoes, $sessions x $looks looks, $idle idle sessions after $idleLooks looks, idle finish ${if (idleFinish > 0) "$idleFinish ms" else "off"}; server JVM $jvm")
        println("machine: ${Runtime.getRuntime().availableProcessors()} CPUs, JDK ${System.getProperty("java.version")}")
        val rows = ArrayList<Row>()
        val memory = ArrayList<Memory>()
        for (mode in listOf("off", "on", "both")) {
            val port = ServerProcesses.freePort()
            val command = "$java $jvm -cp ${jar.path} dev.telnetkit.bench.MccpBenchServerKt --port $port --mccp $mode --idle-finish $idleFinish"
            ServerProcesses.startCommand("mccp server ($mode)", command, port, File(out, "server-$mode.log"), 60).use { server ->
                val probe = ServerProbe(server.process.pid())
                val address = server.address
                val compress = mode != "off"
                val compressInput = mode == "both"
                // Warm-up: the JIT sees every path once before anything is measured.
                repeat(3) { many(address, 20, compress, compressInput) { c -> repeat(50) { c.command("echo warm up") }; repeat(20) { c.command("look") } } }
                memory += memoryOf(mode, address, probe, compress, compressInput)
                rows += scenario(mode, "echo", address, probe, compress, compressInput) { c -> repeat(echoes) { c.command("echo hello world") } }
                rows += scenario(mode, "text", address, probe, compress, compressInput) { c -> repeat(looks) { c.command("look") } }
            }
        }
        println()
        println("| scenario | server | wire bytes out / session | text bytes / session | ratio | server CPU ms / session |")
        println("|---|---|---:|---:|---:|---:|")
        for (r in rows) {
            println("| ${r.scenario} | ${label(r.mode)} | ${"%,.0f".format(r.wirePerSession)} | ${"%,.0f".format(r.textPerSession)} | ${"%.2f".format(r.textPerSession / r.wirePerSession)} | ${"%.2f".format(r.cpuMsPerSession)} |")
        }
        println()
        println("| server | RSS / idle session | live heap / idle session | RSS above MCCP off |")
        println("|---|---:|---:|---:|")
        val base = memory.first { it.mode == "off" }.rssPerSession
        for (m in memory) {
            println("| ${label(m.mode)} | ${kib(m.rssPerSession)} | ${m.heapPerSession?.let(::kib) ?: "n/a"} | ${kib(m.rssPerSession - base)} |")
        }
        return 0
    }

    private fun label(mode: String) = when (mode) { "off" -> "MCCP off"; "on" -> "MCCP2"; else -> "MCCP2+MCCP3" }

    private fun kib(bytes: Double) = "%.1f KiB".format(bytes / 1024)

    private fun scenario(mode: String, name: String, address: InetSocketAddress, probe: ServerProbe, compress: Boolean, compressInput: Boolean, work: (MccpLoadClient) -> Unit): Row {
        val clients = (1..sessions).map { MccpLoadClient.open(address, compress, compressInput) }
        val before = probe.cpuTicks()
        val pool = Executors.newFixedThreadPool(sessions)
        try {
            pool.invokeAll(clients.map { c -> Callable { work(c) } }).forEach { it.get() }
        } finally {
            pool.shutdown()
        }
        val ticks = probe.cpuTicks() - before
        val wire = clients.sumOf { it.wireBytesIn - it.wireBytesAtOpen }.toDouble() / sessions
        val text = clients.sumOf { it.textBytesIn - it.textBytesAtOpen }.toDouble() / sessions
        clients.forEach { it.close() }
        return Row(mode, name, wire, text, ticks * 1000.0 / ServerProbe.CLOCK_TICKS / sessions)
    }

    private fun memoryOf(mode: String, address: InetSocketAddress, probe: ServerProbe, compress: Boolean, compressInput: Boolean): Memory {
        Thread.sleep(500)
        val heap0 = probe.liveHeapBytes()
        val rss0 = probe.rssBytes()
        val held = many(address, idle, compress, compressInput, keep = true) { c -> repeat(idleLooks) { c.command("look") } }
        // Past the idle finish, if one is set: what an idle session holds afterwards is the figure.
        Thread.sleep(500 + 2 * idleFinish)
        val heap1 = probe.liveHeapBytes()
        val rss1 = probe.rssBytes()
        held.forEach { it.close() }
        Thread.sleep(1000)
        return Memory(mode, (rss1 - rss0).toDouble() / idle, if (heap0 != null && heap1 != null) (heap1 - heap0).toDouble() / idle else null)
    }

    /** Opens [count] sessions (16 at a time), runs [work] in each, and closes them unless [keep]. */
    private fun many(address: InetSocketAddress, count: Int, compress: Boolean, compressInput: Boolean, keep: Boolean = false, work: (MccpLoadClient) -> Unit): List<MccpLoadClient> {
        val pool = Executors.newFixedThreadPool(16)
        try {
            val clients = pool.invokeAll((1..count).map { Callable { MccpLoadClient.open(address, compress, compressInput).also(work) } }).map { it.get() }
            if (!keep) clients.forEach { it.close() }
            return clients
        } finally {
            pool.shutdown()
        }
    }
}

/**
 * One bench session: a blocking socket that answers the opening negotiation (agreeing to MCCP2 when
 * [compress], to MCCP3 when [compressInput], refusing the rest), inflates the server's MCCP2 stream,
 * and counts bytes off the wire and the text they stand for.
 */
class MccpLoadClient private constructor(private val socket: Socket, private val compress: Boolean, private val compressInput: Boolean) : AutoCloseable {
    private val input: InputStream = socket.getInputStream()
    private val output: OutputStream = socket.getOutputStream()
    private val buffer = ByteArray(16384)
    private val inflated = ByteArray(65536)
    private var inflater: Inflater? = null
    private var deflater: Deflater? = null
    private var state = 0
    private var verb = 0
    private var lastData = 0
    private var prompts = 0
    private val sub = ByteArrayOutputStream()
    private var mccp3Agreed = false
    var wireBytesIn: Long = 0
        private set
    var textBytesIn: Long = 0
        private set
    var wireBytesAtOpen: Long = 0
        private set
    var textBytesAtOpen: Long = 0
        private set

    /** Sends [line] and waits for the next prompt. */
    fun command(line: String) {
        send((line + "\r\n").toByteArray())
        awaitPrompts(prompts + 1)
    }

    private fun send(bytes: ByteArray) {
        val z = deflater
        output.write(if (z == null) bytes else deflate(z, bytes))
        output.flush()
    }

    private fun awaitPrompts(target: Int) {
        while (prompts < target) {
            val n = input.read(buffer)
            if (n < 0) error("the server closed the connection")
            wireBytesIn += n
            wire(buffer, n)
        }
    }

    private fun wire(bytes: ByteArray, length: Int) {
        var at = 0
        while (at < length) {
            val z = inflater
            if (z == null) { parse(bytes[at].toInt() and 0xff); at++; continue }
            z.setInput(bytes, at, length - at)
            while (true) {
                val n = z.inflate(inflated)
                for (i in 0 until n) parse(inflated[i].toInt() and 0xff)
                if (z.finished() || n == 0) break
            }
            if (z.finished()) { at = length - z.remaining; z.end(); inflater = null } else at = length
        }
    }

    private fun parse(b: Int) {
        when (state) {
            0 -> if (b == 255) state = 1 else {
                textBytesIn++
                if (lastData == '>'.code && b == ' '.code) prompts++
                lastData = b
            }
            1 -> state = when (b) {
                251, 252, 253, 254 -> { verb = b; 2 }
                250 -> { sub.reset(); 3 }
                255 -> { textBytesIn++; 0 }
                else -> 0
            }
            2 -> { state = 0; answer(verb, b) }
            3 -> if (b == 255) state = 4 else sub.write(b)
            4 -> if (b == 240) {
                state = 0
                if (sub.size() == 1 && sub.toByteArray()[0].toInt() == 86) inflater = Inflater()
            } else state = 3
        }
    }

    private fun answer(verb: Int, option: Int) {
        val reply = when (verb) {
            253 -> 252 // DO -> WONT
            251 -> when {
                option == 86 && compress -> 253
                option == 87 && compressInput -> { mccp3Agreed = true; 253 }
                else -> 254
            }
            else -> return
        }
        send(byteArrayOf(255.toByte(), reply.toByte(), option.toByte()))
    }

    override fun close() {
        runCatching { socket.close() }
        inflater?.end()
        deflater?.end()
    }

    companion object {
        /** Connects, negotiates, waits for the first prompt and, with MCCP3 agreed, starts compressing its input. */
        fun open(address: InetSocketAddress, compress: Boolean, compressInput: Boolean): MccpLoadClient {
            val socket = Socket()
            socket.connect(address, 10_000)
            socket.tcpNoDelay = true
            socket.soTimeout = 60_000
            val client = MccpLoadClient(socket, compress, compressInput)
            client.awaitPrompts(1)
            if (client.mccp3Agreed) {
                client.output.write(byteArrayOf(255.toByte(), 250.toByte(), 87, 255.toByte(), 240.toByte()))
                client.deflater = Deflater(6)
            }
            client.wireBytesAtOpen = client.wireBytesIn
            client.textBytesAtOpen = client.textBytesIn
            return client
        }

        private fun deflate(z: Deflater, bytes: ByteArray): ByteArray {
            z.setInput(bytes)
            val out = ByteArrayOutputStream()
            val buf = ByteArray(4096)
            while (true) {
                val n = z.deflate(buf, 0, buf.size, Deflater.SYNC_FLUSH)
                out.write(buf, 0, n)
                if (n < buf.size) break
            }
            return out.toByteArray()
        }
    }
}
