package dev.telnetkit.testkit

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.OutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.nio.file.Path
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.minutes
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * A Telnet client that bridges the connection to a local program, the way a terminal program with
 * ZModem support (SyncTERM, NetRunner, a `telnet` piped through lrzsz) hands the session to its
 * `sz` or `rz`: this is how a test drives real `sz`/`rz` against a server, byte for byte.
 *
 * It agrees to BINARY both ways and refuses every other option, takes the Telnet layer off what the
 * server sends (`IAC IAC` is one 0xFF, negotiations and subnegotiations are removed) and doubles
 * `IAC` in what it sends. While a program runs ([runProgram]), the server's data goes to its stdin
 * and its stdout goes to the server; otherwise the server's data is collected as [text], one
 * character per byte (ISO-8859-1), so indexes into it never move.
 *
 * ```kotlin
 * TelnetProgramBridge.connect("127.0.0.1", port).use { bridge ->
 *     bridge.awaitText("> ")
 *     bridge.sendLine("download")
 *     bridge.awaitText("**\u0018B00")                    // the server's ZModem sender announced itself
 *     bridge.runProgram(listOf("rz", "-q"), downloads) // rz's exit code
 * }
 * ```
 *
 * Java uses the blocking forms: `TelnetProgramBridge.connect(host, port)`, `awaitText(...)` and
 * `runProgram(command, directory, timeout)`.
 */
public class TelnetProgramBridge private constructor(private val socket: Socket) : AutoCloseable {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.IO)
    private val output = socket.getOutputStream()
    private val text = ByteArrayOutputStream()

    @Volatile
    private var programInput: OutputStream? = null

    /** Whether BINARY is on from the client to the server, as last agreed. */
    @Volatile public var binaryToServer: Boolean = false
        private set

    /** Whether BINARY is on from the server to the client, as last agreed. */
    @Volatile public var binaryFromServer: Boolean = false
        private set

    /** How many times the server offered BINARY (`WILL BINARY`) and the bridge took it. */
    @Volatile public var binaryOffers: Int = 0
        private set

    /** How many times the server gave BINARY back (`WONT BINARY`) after it was on. */
    @Volatile public var binaryReleases: Int = 0
        private set

    /** True once the server closed the connection (or [close] was called). */
    @Volatile public var isClosed: Boolean = false
        private set

    private fun start() {
        scope.launch { readLoop() }
    }

    private suspend fun readLoop() {
        val input = socket.getInputStream()
        val buffer = ByteArray(64 * 1024)
        val data = ByteArrayOutputStream()
        var state = DATA
        var command = 0
        try {
            while (true) {
                val n = runInterruptible { input.read(buffer) }
                if (n < 0) break
                for (i in 0 until n) {
                    val b = buffer[i].toInt() and 0xff
                    when (state) {
                        DATA -> if (b == IAC) state = AFTER_IAC else data.write(b)
                        AFTER_IAC -> when (b) {
                            IAC -> { data.write(IAC); state = DATA }
                            WILL, WONT, DO, DONT -> { command = b; state = OPTION }
                            SB -> state = IN_SB
                            else -> state = DATA
                        }
                        OPTION -> { negotiate(command, b); state = DATA }
                        IN_SB -> if (b == IAC) state = IAC_IN_SB
                        IAC_IN_SB -> state = if (b == SE) DATA else IN_SB
                    }
                }
                deliver(data.toByteArray())
                data.reset()
            }
        } catch (_: IOException) {
            // The socket was closed or reset; that ends the conversation.
        } finally {
            isClosed = true
        }
    }

    private fun deliver(bytes: ByteArray) {
        if (bytes.isEmpty()) return
        val program = programInput
        if (program != null) {
            try {
                program.write(bytes)
                program.flush()
                return
            } catch (_: IOException) {
                // The program has gone: keep the text.
            }
        }
        synchronized(text) { text.write(bytes) }
    }

    private fun negotiate(command: Int, option: Int) {
        if (option == BINARY) {
            when (command) {
                WILL -> if (!binaryFromServer) { binaryFromServer = true; binaryOffers++; sendNegotiation(DO, option) }
                WONT -> if (binaryFromServer) { binaryFromServer = false; binaryReleases++; sendNegotiation(DONT, option) }
                DO -> if (!binaryToServer) { binaryToServer = true; sendNegotiation(WILL, option) }
                DONT -> if (binaryToServer) { binaryToServer = false; sendNegotiation(WONT, option) }
            }
            return
        }
        when (command) {
            WILL -> sendNegotiation(DONT, option)
            DO -> sendNegotiation(WONT, option)
        }
    }

    private fun sendNegotiation(command: Int, option: Int) =
        writeRaw(byteArrayOf(IAC.toByte(), command.toByte(), option.toByte()))

    private fun writeRaw(bytes: ByteArray) {
        synchronized(output) {
            output.write(bytes)
            output.flush()
        }
    }

    /** Sends the first [length] bytes of [bytes] as data, `IAC` doubled (a blocking socket write). */
    @JvmOverloads
    public fun sendData(bytes: ByteArray, length: Int = bytes.size) {
        val escaped = ByteArrayOutputStream(length + 16)
        for (i in 0 until length) {
            val b = bytes[i].toInt() and 0xff
            escaped.write(b)
            if (b == IAC) escaped.write(IAC)
        }
        writeRaw(escaped.toByteArray())
    }

    /** Types [keys] (ISO-8859-1, no line end), such as a menu's hot key. */
    public fun send(keys: String): Unit = sendData(keys.toByteArray(Charsets.ISO_8859_1))

    /** Types [line] and Enter (`CR LF`). */
    public fun sendLine(line: String): Unit = send(line + "\r\n")

    /** The server's data so far, taken while no program was running; one character per byte. */
    public fun text(): String = synchronized(text) { String(text.toByteArray(), Charsets.ISO_8859_1) }

    /**
     * Waits until [text] holds [expected] at or after [from] (an index into [text]); returns the
     * index just after it. Throws [AssertionError], with the end of the text, after [timeout].
     */
    @JvmSynthetic
    public suspend fun awaitText(expected: String, from: Int = 0, timeout: Duration = DEFAULT_TIMEOUT): Int =
        withTimeoutOrNull(timeout) {
            var at = text().indexOf(expected, from)
            while (at < 0) {
                delay(POLL_MILLIS)
                at = text().indexOf(expected, from)
            }
            at + expected.length
        } ?: throw AssertionError("no \"$expected\" from the server in $timeout; text so far: ${text().takeLast(400)}")

    /** [awaitText] for Java. */
    @JvmName("awaitText")
    @JvmOverloads
    public fun awaitTextBlocking(expected: String, from: Int = 0, timeout: java.time.Duration = DEFAULT_TIMEOUT.toJavaDuration()): Int =
        runBlocking { awaitText(expected, from, timeout.toKotlinDuration()) }

    /**
     * Runs [command] in [directory] with the connection bridged to its stdin and stdout (stderr is
     * discarded), as a terminal program runs its `sz` or `rz`, until it exits; returns its exit
     * code. It is killed after [timeout]. [whileRunning] runs once it has started, for instance to
     * type the command that makes the server start its side of a transfer. Afterwards the server's
     * data is collected in [text] again.
     */
    @JvmSynthetic
    public suspend fun runProgram(
        command: List<String>,
        directory: Path,
        timeout: Duration = DEFAULT_PROGRAM_TIMEOUT,
        whileRunning: suspend (Process) -> Unit = {},
    ): Int = coroutineScope {
        val process = withContext(Dispatchers.IO) {
            ProcessBuilder(command).directory(directory.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start()
        }
        programInput = process.outputStream
        val pump = launch(Dispatchers.IO) { pumpToServer(process) }
        try {
            whileRunning(process)
            runInterruptible(Dispatchers.IO) {
                if (!process.waitFor(timeout.inWholeMilliseconds, TimeUnit.MILLISECONDS)) process.destroyForcibly()
                process.waitFor()
            }
        } finally {
            programInput = null
            process.destroyForcibly()
            withContext(Dispatchers.IO) { pump.join() }
        }
    }

    /** [runProgram] for Java (with nothing to do while it runs). */
    @JvmName("runProgram")
    @JvmOverloads
    public fun runProgramBlocking(
        command: List<String>,
        directory: Path,
        timeout: java.time.Duration = DEFAULT_PROGRAM_TIMEOUT.toJavaDuration(),
    ): Int = runBlocking { runProgram(command, directory, timeout.toKotlinDuration()) }

    private fun pumpToServer(process: Process) {
        val from = process.inputStream
        val buffer = ByteArray(64 * 1024)
        try {
            while (true) {
                val n = from.read(buffer)
                if (n < 0) break
                sendData(buffer, n)
            }
        } catch (_: IOException) {
            // The program or the connection has gone.
        }
    }

    /** Closes the connection (a running program is left to [runProgram]'s timeout). */
    override fun close() {
        isClosed = true
        runCatching { socket.close() }
        scope.cancel()
    }

    public companion object {
        /** How long [awaitText] waits unless told otherwise. */
        public val DEFAULT_TIMEOUT: Duration = 10.seconds

        /** How long [runProgram] lets a program run unless told otherwise. */
        public val DEFAULT_PROGRAM_TIMEOUT: Duration = 2.minutes

        /** Connects to [host]:[port]; the bridge answers negotiation from then on. */
        @JvmSynthetic
        public suspend fun connect(host: String, port: Int): TelnetProgramBridge = withContext(Dispatchers.IO) {
            val socket = Socket()
            socket.tcpNoDelay = true
            try {
                socket.connect(InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS)
            } catch (e: IOException) {
                runCatching { socket.close() }
                throw e
            }
            TelnetProgramBridge(socket).also { it.start() }
        }

        /** [connect] for Java. */
        @JvmStatic
        @JvmName("connect")
        public fun connectBlocking(host: String, port: Int): TelnetProgramBridge = runBlocking { connect(host, port) }

        private const val CONNECT_TIMEOUT_MILLIS = 5000
        private const val POLL_MILLIS = 20L

        private const val DATA = 0
        private const val AFTER_IAC = 1
        private const val OPTION = 2
        private const val IN_SB = 3
        private const val IAC_IN_SB = 4

        private const val IAC = 255
        private const val DONT = 254
        private const val DO = 253
        private const val WONT = 252
        private const val WILL = 251
        private const val SB = 250
        private const val SE = 240
        private const val BINARY = 0
    }
}
