package dev.telnetkit.session

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runInterruptible

/**
 * Runs [block], code that may block (a Java handler, hook or check), where blocking is allowed:
 * never on an event-loop thread, and interrupted if the calling coroutine is cancelled (Ctrl-C, the
 * session's end, a timeout). The one place that decides where such code runs.
 */
internal suspend fun <T> runBlockingCode(block: () -> T): T = runInterruptible(Dispatchers.IO, block)
