package dev.telnetkit.transport

import dev.telnetkit.annotations.EngineApi
import dev.telnetkit.session.OutputQueue
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.first
import kotlin.coroutines.EmptyCoroutineContext

/**
 * Drains a session's [OutputQueue] for a transport that sends whole messages asynchronously (an
 * SSH channel write, a WebSocket frame): each batch queued becomes one message, the next sent when
 * the previous one is done, so a client that reads slowly holds the output in the queue, where the
 * session's output limits see it. Runs on [dispatcher], the connection's.
 */
@EngineApi
public class MessageOutput(
    private val dispatcher: CoroutineDispatcher,
    private val sender: MessageSender,
) {
    private var output: OutputQueue? = null
    // True while a message is out; changed on the dispatcher only.
    private val sending = MutableStateFlow(false)
    private val drainTask = Runnable { drain() }

    /** Starts sending what is offered to [output] (the connection's `Connection.attachOutput`). */
    public fun attach(output: OutputQueue) {
        this.output = output
        output.attach { dispatcher.dispatch(EmptyCoroutineContext, drainTask) }
    }

    /** Returns once no message is being sent (for the connection's `Connection.shutdownOutput`); for Kotlin. */
    @JvmSynthetic
    public suspend fun awaitIdle() {
        sending.first { !it }
    }

    private fun drain() {
        if (sending.value) return
        val output = output ?: return
        val bytes = output.takeBatchBytes() ?: return
        if (sender.isClosed) {
            output.writeFailed()
            return
        }
        sending.value = true
        sender.send(bytes) { sent ->
            sending.value = false
            if (sent) {
                output.written(bytes.size.toLong())
                drain()
            } else {
                output.writeFailed()
                sender.failed()
            }
        }
    }
}

/** What a [MessageOutput] sends through: the transport's side. */
@EngineApi
public interface MessageSender {
    /** True once the connection is closed: nothing more is sent. */
    public val isClosed: Boolean

    /**
     * Sends [bytes] as one message, without blocking, and calls [done] on the connection's
     * dispatcher once it went out (true) or failed (false).
     */
    public fun send(bytes: ByteArray, done: SendCompletion)

    /** A message failed to go out: the connection is to close. */
    public fun failed()
}

/** The end of one [MessageSender.send]. */
@EngineApi
public fun interface SendCompletion {
    /** [sent]: whether the message went out. */
    public fun done(sent: Boolean)
}
