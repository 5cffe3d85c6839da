package dev.telnetkit.zmodem

import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.io.OutputStream
import java.net.Socket
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * A Telnet client for the tests that bridges the connection to an lrzsz process, as a terminal
 * program with ZModem support would: it agrees to BINARY both ways and refuses every other option,
 * takes the Telnet layer off what the server sends (IAC IAC is one 0xFF, negotiations and
 * subnegotiations are removed) and doubles IAC in what it sends. While no process is attached, the
 * server's text is collected for [awaitText].
 */
internal class TelnetBridge(port: Int, private val scope: CoroutineScope) : AutoCloseable {
    private val socket = Socket("127.0.0.1", port).apply { tcpNoDelay = true }
    private val output = socket.getOutputStream()
    private val text = ByteArrayOutputStream()

    @Volatile
    private var processInput: OutputStream? = null

    /** Whether BINARY is on, each way, as last agreed. */
    @Volatile var binaryToServer = false
        private set

    @Volatile var binaryFromServer = false
        private set

    /** How many times the server asked for BINARY and gave it back. */
    @Volatile var binaryOffers = 0
        private set

    @Volatile var binaryReleases = 0
        private set

    private val reader: Job = scope.launch(Dispatchers.IO) { readLoop() }

    private fun readLoop() {
        val input = socket.getInputStream()
        val buffer = ByteArray(64 * 1024)
        val data = ByteArrayOutputStream()
        var state = 0 // 0 data, 1 after IAC, 2 option byte for command [command], 3 in SB, 4 IAC in SB
        var command = 0
        try {
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                for (i in 0 until n) {
                    val b = buffer[i].toInt() and 0xff
                    when (state) {
                        0 -> if (b == IAC) state = 1 else data.write(b)
                        1 -> when (b) {
                            IAC -> { data.write(IAC); state = 0 }
                            WILL, WONT, DO, DONT -> { command = b; state = 2 }
                            SB -> state = 3
                            else -> state = 0
                        }
                        2 -> { negotiate(command, b); state = 0 }
                        3 -> if (b == IAC) state = 4
                        4 -> state = if (b == SE) 0 else 3
                    }
                }
                deliver(data.toByteArray())
                data.reset()
            }
        } catch (_: IOException) {
        }
    }

    private fun deliver(bytes: ByteArray) {
        if (bytes.isEmpty()) return
        val process = processInput
        if (process != null) {
            try {
                process.write(bytes)
                process.flush()
                return
            } catch (_: IOException) {
                // the process has gone: keep the text
            }
        }
        synchronized(text) { text.write(bytes) }
    }

    private fun negotiate(command: Int, option: Int) {
        if (option == BINARY) {
            when (command) {
                WILL -> if (!binaryFromServer) { binaryFromServer = true; binaryOffers++; send(DO, option) }
                WONT -> if (binaryFromServer) { binaryFromServer = false; binaryReleases++; send(DONT, option) }
                DO -> if (!binaryToServer) { binaryToServer = true; send(WILL, option) }
                DONT -> if (binaryToServer) { binaryToServer = false; send(WONT, option) }
            }
            return
        }
        when (command) {
            WILL -> send(DONT, option)
            DO -> send(WONT, option)
        }
    }

    private fun send(command: Int, option: Int) = writeRaw(byteArrayOf(IAC.toByte(), command.toByte(), option.toByte()))

    private fun writeRaw(bytes: ByteArray, length: Int = bytes.size) {
        synchronized(output) {
            output.write(bytes, 0, length)
            output.flush()
        }
    }

    /** Sends [bytes] as data (IAC doubled). */
    fun sendData(bytes: ByteArray, length: Int = bytes.size) {
        val escaped = ByteArrayOutputStream(length + 16)
        for (i in 0 until length) {
            val b = bytes[i].toInt() and 0xff
            escaped.write(b)
            if (b == IAC) escaped.write(IAC)
        }
        writeRaw(escaped.toByteArray())
    }

    /** Types [line] and Enter. */
    fun sendLine(line: String) = sendData((line + "\r\n").toByteArray(Charsets.ISO_8859_1))

    /** The server's text so far (while no process was attached). */
    fun text(): String = synchronized(text) { String(text.toByteArray(), Charsets.ISO_8859_1) }

    /** Waits until the text holds [expected] after [from] (an index into [text]); the index after it. */
    suspend fun awaitText(expected: String, from: Int = 0, timeoutMillis: Long = 10_000): Int =
        withTimeoutOrNull(timeoutMillis) {
            while (true) {
                val at = text().indexOf(expected, from)
                if (at >= 0) return@withTimeoutOrNull at + expected.length
                delay(20)
            }
            @Suppress("UNREACHABLE_CODE") -1
        } ?: throw AssertionError("no \"$expected\" from the server in $timeoutMillis ms; text so far: ${text().takeLast(400)}")

    /**
     * Runs [command] in [directory] with the connection bridged to it, as a terminal program runs
     * its `sz`/`rz`, until it exits (killed after [seconds]); its exit code. [whileRunning] runs
     * once it has started (for instance to type a command to the server).
     */
    suspend fun bridge(command: List<String>, directory: Path, seconds: Long = 120, whileRunning: suspend (Process) -> Unit = {}): Int {
        val process = ProcessBuilder(command).directory(directory.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD).start()
        processInput = process.outputStream
        val pump = scope.launch(Dispatchers.IO) {
            val from = process.inputStream
            val buffer = ByteArray(64 * 1024)
            try {
                while (true) {
                    val n = from.read(buffer)
                    if (n < 0) break
                    sendData(buffer, n)
                }
            } catch (_: IOException) {
            }
        }
        try {
            whileRunning(process)
            return runInterruptible(Dispatchers.IO) {
                if (!process.waitFor(seconds, TimeUnit.SECONDS)) process.destroyForcibly()
                process.waitFor()
            }
        } finally {
            processInput = null
            process.destroyForcibly()
            withContext(Dispatchers.IO) { pump.join() }
        }
    }

    override fun close() {
        socket.close()
        reader.cancel()
    }

    private companion object {
        const val IAC = 255
        const val DONT = 254
        const val DO = 253
        const val WONT = 252
        const val WILL = 251
        const val SB = 250
        const val SE = 240
        const val BINARY = 0
    }
}
