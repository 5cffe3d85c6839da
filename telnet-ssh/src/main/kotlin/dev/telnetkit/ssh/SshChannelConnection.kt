package dev.telnetkit.ssh

import dev.telnetkit.session.OutputQueue
import dev.telnetkit.session.TerminalSize
import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ConnectionReader
import dev.telnetkit.transport.MessageOutput
import dev.telnetkit.transport.MessageSender
import dev.telnetkit.transport.SendCompletion
import dev.telnetkit.wire.PlainTerminal
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.update
import org.apache.sshd.common.io.IoInputStream
import org.apache.sshd.common.io.IoOutputStream
import org.apache.sshd.common.io.IoWriteFuture
import org.apache.sshd.common.util.buffer.ByteArrayBuffer
import org.apache.sshd.server.Environment
import org.apache.sshd.server.ExitCallback
import org.apache.sshd.server.Signal
import org.apache.sshd.server.channel.ChannelDataReceiver
import org.apache.sshd.server.channel.ChannelSession
import org.apache.sshd.server.channel.ChannelSessionAware
import org.apache.sshd.server.command.AsyncCommandStreamsAware
import org.apache.sshd.server.command.Command
import java.io.IOException
import java.io.InputStream
import java.io.OutputStream
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicBoolean
import java.util.concurrent.atomic.AtomicInteger
import kotlin.coroutines.EmptyCoroutineContext

private val logger = KotlinLogging.logger {}

/**
 * One SSH session channel (a shell, or one `exec` command line) as a TelnetKit [Connection]: MINA
 * runs it as an asynchronous command, so no thread waits for it. The channel's data goes to the
 * session on [dispatcher], and the SSH window is opened again only as the session takes it
 * (back-pressure); the session's output goes out through MINA's asynchronous stream, one write
 * at a time, each started when the previous one is done. Error lines of a channel without a PTY go
 * to the client's stderr. When the session ends, its exit status goes back to the client.
 */
internal class SshChannelConnection(
    private val commandLine: String?,
    override val dispatcher: CoroutineDispatcher,
    private val onStart: (Connection) -> Unit,
) : Command, AsyncCommandStreamsAware, ChannelSessionAware, Connection {
    private lateinit var channel: ChannelSession
    private lateinit var out: IoOutputStream
    private lateinit var err: IoOutputStream
    @Volatile private var exitCallback: ExitCallback? = null
    @Volatile private var plainTerminal: PlainTerminal? = null
    @Volatile private var address = "unknown"
    @Volatile private var host = "unknown"
    private val closed = AtomicBoolean()
    private val exited = AtomicBoolean()

    override val remoteAddress: String get() = address
    override val remoteHost: String get() = host
    override val terminal: PlainTerminal? get() = plainTerminal
    override val isClosed: Boolean get() = closed.get()

    // ---- MINA's side: called on its threads ----

    override fun setChannelSession(session: ChannelSession) {
        channel = session
        // Installed before MINA would install its own: the input comes here, never to a stream.
        session.setDataReceiver(receiver)
    }

    override fun setIoInputStream(`in`: IoInputStream?) {}

    override fun setIoOutputStream(out: IoOutputStream) {
        this.out = out
    }

    override fun setIoErrorStream(err: IoOutputStream) {
        this.err = err
    }

    override fun setInputStream(`in`: InputStream?) {}

    override fun setOutputStream(out: OutputStream?) {}

    override fun setErrorStream(err: OutputStream?) {}

    override fun setExitCallback(callback: ExitCallback) {
        exitCallback = callback
    }

    override fun start(channel: ChannelSession, env: Environment) {
        val session = channel.session
        address = SshAddresses.full(session)
        host = SshAddresses.host(session)
        val pty = (channel as? BoundedChannelSession)?.ptyRequested == true
        val variables = env.env
        plainTerminal = PlainTerminal(
            terminalType = if (pty) variables[Environment.ENV_TERM]?.takeIf { it.isNotBlank() } ?: "xterm" else "dumb",
            size = if (pty) sizeOf(env) ?: TerminalSize.DEFAULT else TerminalSize.DEFAULT,
            user = session.username,
            environment = variables.filterKeys { it != Environment.ENV_TERM && it != Environment.ENV_COLUMNS && it != Environment.ENV_LINES },
            characterMode = pty,
            command = commandLine,
            tty = pty,
            // With a PTY the client's terminal shows both streams as one, as a PTY does.
            errorOutput = if (pty) null else PlainTerminal.ErrorOutput(::offerError),
        )
        env.addSignalListener({ _, signal -> signalled(signal, env) }, Signal.WINCH, Signal.INT, Signal.QUIT, Signal.TERM, Signal.HUP, Signal.KILL)
        onStart(this)
    }

    override fun destroy(channel: ChannelSession) {
        // The channel is gone (the client closed it, or the connection dropped).
        exited.set(true)
        clientEnded()
    }

    private fun signalled(signal: Signal, env: Environment) {
        when (signal) {
            Signal.WINCH -> sizeOf(env)?.let { plainTerminal?.resize(it) }
            Signal.INT, Signal.QUIT -> plainTerminal?.interrupt()
            else -> close()
        }
    }

    private fun sizeOf(env: Environment): TerminalSize? {
        val columns = env.env[Environment.ENV_COLUMNS]?.toIntOrNull() ?: return null
        val lines = env.env[Environment.ENV_LINES]?.toIntOrNull() ?: return null
        if (columns !in 1..MAX_DIMENSION || lines !in 1..MAX_DIMENSION) return null
        return TerminalSize(columns, lines)
    }

    // ---- input: copied off MINA's thread, handed to the session on the dispatcher ----

    private val incoming = ConcurrentLinkedQueue<ByteArray>()
    @Volatile private var inputEnded = false
    // Dispatcher only.
    private var reader: ConnectionReader? = null
    private var reading = false
    private var endDelivered = false
    private var partial: ByteArray? = null
    private var partialOffset = 0
    private val deliverTask = Runnable { deliver() }

    private val receiver = object : ChannelDataReceiver {
        override fun data(channel: ChannelSession, buf: ByteArray, start: Int, len: Int): Int {
            if (len > 0 && !closed.get()) {
                incoming.add(buf.copyOfRange(start, start + len))
                dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
            }
            // Nothing counted as consumed yet: the window opens again as the session takes the bytes.
            return 0
        }

        override fun close() {
            // EOF from the client: no more input.
            inputEnded = true
            dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
        }
    }

    private fun clientEnded() {
        inputEnded = true
        closed.set(true)
        dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
    }

    override suspend fun open() {}

    override fun startReading(reader: ConnectionReader) {
        this.reader = reader
        setReading(true)
    }

    override fun setReading(on: Boolean) {
        reading = on
        if (on) deliver()
    }

    private fun deliver() {
        val reader = reader ?: return
        while (reading) {
            val bytes = partial ?: incoming.poll()
            if (bytes == null) {
                if (inputEnded && !endDelivered) {
                    endDelivered = true
                    reader.onEnd()
                }
                return
            }
            var offset = if (bytes === partial) partialOffset else 0
            partial = null
            while (offset < bytes.size) {
                val n = minOf(reader.maxChunk, bytes.size - offset)
                reader.onData(bytes, offset, n)
                offset += n
                if (!reading && offset < bytes.size) {
                    partial = bytes
                    partialOffset = offset
                    return
                }
            }
            openWindow(bytes.size)
        }
    }

    private fun openWindow(bytes: Int) {
        if (closed.get()) return
        try {
            channel.localWindow.release(bytes.toLong())
        } catch (e: IOException) {
            logger.debug { "SSH window adjust for $address failed: ${e.message}" }
        }
    }

    // ---- output: one asynchronous write at a time, on the dispatcher ----

    private val messages = MessageOutput(dispatcher, object : MessageSender {
        override val isClosed: Boolean get() = closed.get()

        override fun send(bytes: ByteArray, done: SendCompletion) = write(out, bytes) { done.done(it) }

        override fun failed() = close()
    })
    // Error lines not yet written: shutdownOutput waits for none (and for the output's last message).
    private val pendingWrites = MutableStateFlow(0)

    override fun attachOutput(output: OutputQueue) = messages.attach(output)

    /** Writes [bytes] to [stream]; [done] runs on the dispatcher with whether they went out. */
    private fun write(stream: IoOutputStream, bytes: ByteArray, done: (Boolean) -> Unit) {
        val future: IoWriteFuture = try {
            stream.writeBuffer(ByteArrayBuffer(bytes))
        } catch (e: IOException) {
            logger.debug { "SSH write to $address failed: ${e.message}" }
            dispatcher.dispatch(EmptyCoroutineContext) { done(false) }
            return
        }
        future.addListener { f -> dispatcher.dispatch(EmptyCoroutineContext) { done(f.isWritten) } }
    }

    // ---- error lines (stderr), for channels without a PTY ----

    private val errors = ConcurrentLinkedQueue<ByteArray>()
    private val errorBytes = AtomicInteger()
    private var writingError = false
    private val errorDrainTask = Runnable { drainErrors() }

    private fun offerError(line: ByteArray): Boolean {
        if (closed.get()) return false
        if (errorBytes.addAndGet(line.size) > MAX_QUEUED_ERRORS) {
            errorBytes.addAndGet(-line.size)
            return false
        }
        pendingWrites.update { it + 1 }
        errors.add(line)
        dispatcher.dispatch(EmptyCoroutineContext, errorDrainTask)
        return true
    }

    private fun drainErrors() {
        if (writingError) return
        val line = errors.poll() ?: return
        if (closed.get()) {
            errorBytes.addAndGet(-line.size)
            pendingWrites.update { it - 1 }
            drainErrors()
            return
        }
        writingError = true
        write(err, line) {
            writingError = false
            errorBytes.addAndGet(-line.size)
            pendingWrites.update { it - 1 }
            drainErrors()
        }
    }

    // ---- the end ----

    override suspend fun shutdownOutput() {
        messages.awaitIdle()
        pendingWrites.first { it <= 0 }
        exit(immediately = false)
    }

    /** Sends the session's exit status, an EOF and closes the channel (after what is written, unless [immediately]). */
    private fun exit(immediately: Boolean) {
        if (!exited.compareAndSet(false, true)) return
        val status = plainTerminal?.exitStatus ?: 0
        try {
            exitCallback?.onExit(status, immediately)
        } catch (e: Exception) {
            logger.debug { "SSH channel of $address did not close cleanly: ${e.message}" }
        }
    }

    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        exit(immediately = true)
        dispatcher.dispatch(EmptyCoroutineContext, deliverTask)
    }

    private companion object {
        // Error lines queued for a client that reads nothing; more are dropped.
        const val MAX_QUEUED_ERRORS = 64 * 1024
        const val MAX_DIMENSION = 10_000
    }
}
