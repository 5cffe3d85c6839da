package dev.telnetkit.mud

import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.delay
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.net.Socket
import java.util.zip.Deflater
import java.util.zip.Inflater
import kotlin.concurrent.thread
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * A raw Telnet client over a plain socket for the MCCP specs: it inflates the server's MCCP2
 * streams itself (starting right after `IAC SB 86 IAC SE`, going plain again after zlib's
 * trailer), can compress what it sends (MCCP3), answers negotiation by a fixed policy (only the
 * options in [accept] are agreed to), and writes down the conversation in the golden-transcript
 * notation: `<` what the client sent (before its own compression), `>` what the server sent after
 * decompression, one line per Telnet command or line of text, `=` where a compressed stream starts
 * or ends. The compressed bytes themselves are kept in [raw] but not written down: they depend on
 * the zlib build.
 */
class MccpClient private constructor(private val socket: Socket, private val accept: Set<Int>) : AutoCloseable {
    private val lock = Object()
    // The server's options this client has agreed to (or asked for): a WILL for one of them is a
    // confirmation, not a question, and gets no answer (RFC 1143); a WONT for one is answered DONT.
    private val serverOptions = HashSet<Int>()

    private val transcript = StringBuilder()
    private val pendingText = ByteArrayOutputStream()
    private val text = StringBuilder()
    private var mark = 0
    private val rawIn = ByteArrayOutputStream()
    @Volatile var eof: Boolean = false
        private set
    @Volatile var readError: IOException? = null
        private set
    private val output = socket.getOutputStream()
    private var deflater: Deflater? = null

    // Parser state (reader thread).
    private var state = DATA
    private var verb = 0
    private val sub = ByteArrayOutputStream()
    private var inflater: Inflater? = null
    private val inflated = ByteArray(65536)

    /** The number of MCCP2 streams the server started, and how many it ended with a trailer. */
    @Volatile var streamsStarted: Int = 0
        private set
    @Volatile var streamsEnded: Int = 0
        private set

    /** Every byte received, as it came off the wire. */
    val raw: ByteArray get() = synchronized(lock) { rawIn.toByteArray() }

    // Declared after every field it uses: it starts reading (and answering) at once.
    private val reader = thread(isDaemon = true, name = "mccp-client") {
        val input = socket.getInputStream()
        val buffer = ByteArray(8192)
        try {
            while (true) {
                val n = input.read(buffer)
                if (n < 0) break
                synchronized(lock) {
                    rawIn.write(buffer, 0, n)
                    wire(buffer, 0, n)
                    lock.notifyAll()
                }
            }
        } catch (e: IOException) {
            readError = e
        } finally {
            synchronized(lock) {
                eof = true
                lock.notifyAll()
            }
        }
    }

    /** Bytes off the wire: through the inflater while a stream is on. Under the lock. */
    private fun wire(bytes: ByteArray, offset: Int, length: Int) {
        var at = offset
        val end = offset + length
        while (at < end) {
            val z = inflater
            if (z == null) {
                parse(bytes[at].toInt() and 0xff)
                at++
                continue
            }
            z.setInput(bytes, at, end - at)
            while (true) {
                val n = z.inflate(inflated)
                for (i in 0 until n) parse(inflated[i].toInt() and 0xff)
                if (z.finished() || n == 0) break
            }
            if (z.finished()) {
                at = end - z.remaining
                z.end()
                inflater = null
                flushText()
                transcript.append("= compressed stream ends\n")
                streamsEnded++
            } else {
                at = end
            }
        }
    }

    /** One byte of the logical (decompressed) stream. Under the lock. */
    private fun parse(b: Int) {
        when (state) {
            DATA -> if (b == IAC) state = GOT_IAC else data(b)
            GOT_IAC -> when (b) {
                IAC -> { data(IAC); state = DATA }
                TelnetCommand.DO, TelnetCommand.DONT, TelnetCommand.WILL, TelnetCommand.WONT -> { verb = b; state = GOT_VERB }
                TelnetCommand.SB -> { sub.reset(); state = IN_SB }
                else -> { line(byteArrayOf(IAC.toByte(), b.toByte()), TelnetCommand.name(b)); state = DATA }
            }
            GOT_VERB -> {
                state = DATA
                line(byteArrayOf(IAC.toByte(), verb.toByte(), b.toByte()), "${TelnetCommand.name(verb)} ${TelnetOption.name(b)}")
                answer(verb, b)
            }
            IN_SB -> if (b == IAC) state = SB_IAC else sub.write(b)
            SB_IAC -> when (b) {
                TelnetCommand.SE -> {
                    state = DATA
                    val payload = sub.toByteArray()
                    val all = ByteArrayOutputStream()
                    all.write(IAC); all.write(TelnetCommand.SB); all.write(payload); all.write(IAC); all.write(TelnetCommand.SE)
                    val option = payload.firstOrNull()?.toInt()?.and(0xff) ?: -1
                    line(all.toByteArray(), "SB ${TelnetOption.name(option)}")
                    if (option == TelnetOption.MCCP2 && payload.size == 1) {
                        transcript.append("= compressed stream starts\n")
                        streamsStarted++
                        inflater = Inflater()
                    }
                }
                IAC -> { sub.write(IAC); state = IN_SB }
                else -> state = IN_SB
            }
        }
    }

    private fun data(b: Int) {
        pendingText.write(b)
        // Written down as on the wire (inside the stream): IAC IAC.
        if (b == IAC) pendingText.write(b)
        text.append(b.toChar())
        if (b == '\n'.code) flushText()
    }

    private fun flushText() {
        if (pendingText.size() == 0) return
        transcript.append("> ").append(render(pendingText.toByteArray())).append('\n')
        pendingText.reset()
    }

    private fun line(bytes: ByteArray, comment: String) {
        flushText()
        transcript.append("> ").append(hex(bytes).padEnd(40)).append(" # ").append(comment).append('\n')
    }

    private fun answer(verb: Int, option: Int) {
        val yes = option in accept
        val reply = when (verb) {
            TelnetCommand.DO -> if (yes) TelnetCommand.WILL else TelnetCommand.WONT
            TelnetCommand.WILL -> when {
                option in serverOptions -> return
                yes -> TelnetCommand.DO.also { serverOptions += option }
                else -> TelnetCommand.DONT
            }
            TelnetCommand.WONT -> if (serverOptions.remove(option)) TelnetCommand.DONT else return
            else -> return
        }
        sendLocked(byteArrayOf(IAC.toByte(), reply.toByte(), option.toByte()), "${TelnetCommand.name(reply)} ${TelnetOption.name(option)}")
    }

    private fun sendLocked(bytes: ByteArray, comment: String? = null) {
        flushText()
        if (bytes.size == 3 && (bytes[0].toInt() and 0xff) == IAC) {
            val option = bytes[2].toInt() and 0xff
            when (bytes[1].toInt() and 0xff) {
                TelnetCommand.DO -> serverOptions += option
                TelnetCommand.DONT -> serverOptions -= option
            }
        }
        transcript.append("< ").append(if (comment == null) render(bytes) else hex(bytes).padEnd(40) + " # " + comment).append('\n')
        val z = deflater
        try {
            output.write(if (z == null) bytes else compress(z, bytes))
            output.flush()
        } catch (_: IOException) {
            // The server cut us off: what it sent is still there to check.
        }
    }

    /** Sends [bytes] (compressed, once [startCompressing] ran), written down as one `<` line. */
    fun send(bytes: ByteArray, comment: String? = null) = synchronized(lock) { sendLocked(bytes, comment) }

    /** Sends [line] and CR LF. */
    fun sendLine(line: String) = send((line + "\r\n").toByteArray(Charsets.ISO_8859_1))

    /**
     * Sends `IAC SB MCCP3 IAC SE` and, in the same write, [first] compressed: from here on everything
     * this client sends is one zlib stream, flushed per write.
     */
    fun startCompressing(first: ByteArray = ByteArray(0)) = synchronized(lock) {
        flushText()
        val z = Deflater(6)
        deflater = z
        val announce = byteArrayOf(IAC.toByte(), TelnetCommand.SB.toByte(), TelnetOption.MCCP3.toByte(), IAC.toByte(), TelnetCommand.SE.toByte())
        transcript.append("< ").append(hex(announce).padEnd(40)).append(" # SB MCCP3\n")
        transcript.append("= client compresses from here\n")
        if (first.isNotEmpty()) transcript.append("< ").append(render(first)).append('\n')
        output.write(announce + (if (first.isEmpty()) ByteArray(0) else compress(z, first)))
        output.flush()
    }

    /** Ends the client's stream with zlib's trailer (and [after], sent plain in the same write). */
    fun finishCompressing(after: ByteArray = ByteArray(0)) = synchronized(lock) {
        flushText()
        val z = checkNotNull(deflater)
        z.finish()
        val out = ByteArrayOutputStream()
        val buf = ByteArray(1024)
        while (!z.finished()) out.write(buf, 0, z.deflate(buf))
        z.end()
        deflater = null
        transcript.append("= client's stream ends\n")
        if (after.isNotEmpty()) transcript.append("< ").append(render(after)).append('\n')
        output.write(out.toByteArray() + after)
        output.flush()
    }

    /**
     * Sends [last] compressed and then drops the stream without zlib's trailer, with [after] plain in
     * the same write (TinTin++ turning MCCP3 off).
     */
    fun dropCompression(last: ByteArray, after: ByteArray) = synchronized(lock) {
        flushText()
        val z = checkNotNull(deflater)
        if (last.size == 3) {
            val option = last[2].toInt() and 0xff
            if ((last[1].toInt() and 0xff) == TelnetCommand.DONT) serverOptions -= option
        }
        transcript.append("< ").append(hex(last).padEnd(40)).append(" # compressed, then no trailer\n")
        val packet = compress(z, last)
        z.end()
        deflater = null
        transcript.append("= client drops compression\n")
        transcript.append("< ").append(render(after)).append('\n')
        output.write(packet + after)
        output.flush()
    }

    /** Writes [bytes] to the socket as they are, not written down (garbage, bombs). */
    fun sendRaw(bytes: ByteArray) {
        output.write(bytes)
        output.flush()
    }

    /** Waits until the text received since the last wait contains [expected]; returns that text up to it. */
    suspend fun awaitText(expected: String, timeout: Duration = 10.seconds): String = withContext(Dispatchers.IO) { awaitTextNow(expected, timeout) }

    private fun awaitTextNow(expected: String, timeout: Duration): String {
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        synchronized(lock) {
            while (true) {
                val at = text.indexOf(expected, mark)
                if (at >= 0) {
                    val got = text.substring(mark, at + expected.length)
                    mark = at + expected.length
                    return got
                }
                val left = (deadline - System.nanoTime()) / 1_000_000
                if (left <= 0 || eof) {
                    throw AssertionError("waited for \"$expected\"${if (eof) " but the connection ended" else ""}; got: \"${text.substring(mark)}\"\n$transcript")
                }
                lock.wait(left)
            }
        }
    }

    /** Waits for the server to close the connection; true if it did within [timeout]. */
    suspend fun awaitClosed(timeout: Duration = 10.seconds): Boolean = withContext(Dispatchers.IO) {
        withTimeoutOrNull(timeout) { while (!eof) delay(10) } != null
    }

    /** Waits until [condition] holds, under the lock, for at most [timeout]. */
    suspend fun awaitState(timeout: Duration = 10.seconds, condition: MccpClient.() -> Boolean): Boolean = withContext(Dispatchers.IO) {
        val deadline = System.nanoTime() + timeout.inWholeNanoseconds
        synchronized(lock) {
            while (!condition()) {
                val left = (deadline - System.nanoTime()) / 1_000_000
                if (left <= 0) return@withContext false
                lock.wait(left)
            }
        }
        true
    }

    /** The conversation so far in the golden notation. */
    fun transcript(): String = synchronized(lock) {
        flushText()
        transcript.toString()
    }

    /** Marks a step in the transcript (a `# comment` line), such as a server-side call. */
    fun note(comment: String) = synchronized(lock) {
        flushText()
        transcript.append("# ").append(comment).append('\n')
    }

    override fun close() {
        runCatching { socket.close() }
        reader.join(2000)
        synchronized(lock) { inflater?.end(); inflater = null; deflater?.end(); deflater = null }
    }

    companion object {
        private const val IAC = 255
        private const val DATA = 0
        private const val GOT_IAC = 1
        private const val GOT_VERB = 2
        private const val IN_SB = 3
        private const val SB_IAC = 4

        fun connect(port: Int, accept: Set<Int>): MccpClient {
            val socket = Socket()
            socket.connect(InetSocketAddress("127.0.0.1", port), 5000)
            socket.tcpNoDelay = true
            return MccpClient(socket, accept)
        }

        fun compress(z: Deflater, bytes: ByteArray): ByteArray {
            z.setInput(bytes)
            val out = ByteArrayOutputStream()
            val buf = ByteArray(8192)
            while (true) {
                val n = z.deflate(buf, 0, buf.size, Deflater.SYNC_FLUSH)
                out.write(buf, 0, n)
                if (n < buf.size) break
            }
            return out.toByteArray()
        }

        /** [bytes] as hex pairs. */
        fun hex(bytes: ByteArray): String = bytes.joinToString(" ") { "%02X".format(it.toInt() and 0xff) }

        /** [bytes] in the notation: printable ASCII in double quotes, everything else as hex pairs. */
        fun render(bytes: ByteArray): String {
            val out = StringBuilder()
            var quoted = false
            for (byte in bytes) {
                val b = byte.toInt() and 0xff
                val printable = b in 0x20..0x7e && b != '"'.code
                if (printable) {
                    if (!quoted) { if (out.isNotEmpty()) out.append(' '); out.append('"'); quoted = true }
                    out.append(b.toChar())
                } else {
                    if (quoted) { out.append('"'); quoted = false }
                    if (out.isNotEmpty()) out.append(' ')
                    out.append("%02X".format(b))
                }
            }
            if (quoted) out.append('"')
            return out.toString()
        }
    }
}
