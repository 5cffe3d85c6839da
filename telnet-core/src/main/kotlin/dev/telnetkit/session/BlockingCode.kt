package dev.telnetkit.session

import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.runInterruptible
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

/**
 * What a server puts in the coroutine context of each of its sessions: where the session's
 * blocking code runs ([dispatcher], over the server's blocking executor).
 */
internal class SessionContext(
    val dispatcher: CoroutineDispatcher,
) : AbstractCoroutineContextElement(SessionContext) {
    companion object Key : CoroutineContext.Key<SessionContext>
}

/**
 * Runs [block], code that may block (a Java handler, hook or check), where blocking is allowed: on
 * the blocking executor of the server running the calling session (see
 * `ServerSettings.blockingExecutor`), never on an event-loop thread, and interrupted if the calling
 * coroutine is cancelled (Ctrl-C, the session's end, a timeout). The one place that decides where
 * such code runs. Outside a server's session (a handler called by hand in a test) it runs on
 * [Dispatchers.IO].
 */
internal suspend fun <T> runBlockingCode(block: () -> T): T =
    runInterruptible(currentCoroutineContext()[SessionContext]?.dispatcher ?: Dispatchers.IO, block)
