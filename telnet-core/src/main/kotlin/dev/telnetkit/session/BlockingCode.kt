package dev.telnetkit.session

import dev.telnetkit.terminal.BlockingCompleter
import dev.telnetkit.terminal.Completer
import dev.telnetkit.terminal.CompletionRequest
import dev.telnetkit.terminal.SuspendingCompleter
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.runInterruptible
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext

/**
 * What a server puts in the coroutine context of each of its sessions: where the session's
 * blocking code runs ([dispatcher], over the server's blocking executor), which server runs it
 * ([server]) and the session's root job ([sessionJob], set as the session's coroutine starts, before
 * anything can read it). `TelnetServer.stop` called from inside a session reads it to tell its own
 * session from the others.
 */
internal class SessionContext(
    val dispatcher: CoroutineDispatcher,
    val server: Any,
) : AbstractCoroutineContextElement(SessionContext) {
    lateinit var sessionJob: Job

    companion object Key : CoroutineContext.Key<SessionContext>
}

// The session whose blocking code runs on this thread: the blocking forms (Session.readLineBlocking,
// TelnetServer.stop for Java) run a coroutine of their own with runBlocking, and put it back in its
// context so blocking code nested in them, and stop, still know their session.
private val blockingCaller = ThreadLocal<SessionContext?>()

/**
 * Runs [block], code that may block (a Java handler, hook or check, a blocking completer, prompt or
 * error formatter), where blocking is allowed: on the blocking executor of the server running the
 * calling session (see `ServerSettings.blockingExecutor`), never on an event-loop thread, and
 * interrupted if the calling coroutine is cancelled (Ctrl-C, the session's end, a timeout). The one
 * place that decides where such code runs. Outside a server's session (a handler called by hand in
 * a test) it runs on [Dispatchers.IO].
 */
internal suspend fun <T> runBlockingCode(block: () -> T): T {
    val context = currentCoroutineContext()[SessionContext]
    return runInterruptible(context?.dispatcher ?: Dispatchers.IO) {
        val previous = blockingCaller.get()
        blockingCaller.set(context)
        try {
            block()
        } finally {
            blockingCaller.set(previous)
        }
    }
}

/**
 * The context for `runBlocking` in a blocking form called from blocking code: the calling session's
 * [SessionContext] when this thread runs one (see [runBlockingCode]), else nothing.
 */
internal fun blockingCallerContext(): CoroutineContext = blockingCaller.get() ?: EmptyCoroutineContext

/**
 * The candidates of this completer for [request]: a [Completer.blocking] one runs with
 * [runBlockingCode], any other where the caller is (it must be quick).
 */
internal suspend fun Completer.candidates(request: CompletionRequest): List<String> = when (this) {
    is BlockingCompleter -> runBlockingCode { delegate.complete(request) }
    is SuspendingCompleter -> completeSuspending(request)
    else -> complete(request)
}
