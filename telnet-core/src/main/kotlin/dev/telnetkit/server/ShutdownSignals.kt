package dev.telnetkit.server

import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import sun.misc.Signal
import sun.misc.SignalHandler
import java.time.Duration

private val logger = KotlinLogging.logger {}

/**
 * The process's SIGTERM and SIGINT, for [TelnetServer.awaitShutdownSignal]: one handler per signal
 * for the whole process however many servers wait, installed while at least one waits. The first
 * signal tells every waiting server and gives the signals back to the handlers they had before
 * (by default the JVM's, which exits), so a second Ctrl-C during a slow stop still ends the
 * process at once. Where the signals cannot be handled (the JVM runs with `-Xrs`, or without the
 * `jdk.unsupported` module) a shutdown hook stops the waiting servers instead: the process then
 * ends with the signal's exit status (143 for SIGTERM) rather than 0.
 */
internal object ShutdownSignals {
    private val SIGNALS = listOf("TERM", "INT")

    /** One server waiting: [signal] completes with the signal's name when it comes. */
    class Waiter(val server: TelnetServer, val grace: Duration) {
        val signal = CompletableDeferred<String>()
    }

    private val lock = Any()
    private val waiters = LinkedHashSet<Waiter>()
    // The handlers to give back, while ours are installed; or the hook used instead of them.
    private var previous: Map<Signal, SignalHandler>? = null
    private var hook: Thread? = null

    fun register(waiter: Waiter) {
        synchronized(lock) {
            if (waiters.isEmpty()) install()
            waiters += waiter
        }
    }

    fun unregister(waiter: Waiter) {
        synchronized(lock) {
            if (waiters.remove(waiter) && waiters.isEmpty()) uninstall()
        }
    }

    private fun received(name: String): List<Waiter> {
        val told = synchronized(lock) {
            val all = waiters.toList()
            waiters.clear()
            uninstall()
            all
        }
        for (waiter in told) waiter.signal.complete(name)
        return told
    }

    /** Must hold [lock]. */
    private fun install() {
        try {
            val handler = SignalHandler { signal -> received("SIG${signal.name}") }
            val installed = LinkedHashMap<Signal, SignalHandler>()
            try {
                for (name in SIGNALS) {
                    val signal = Signal(name)
                    installed[signal] = Signal.handle(signal, handler)
                }
            } catch (e: IllegalArgumentException) {
                for ((signal, old) in installed) Signal.handle(signal, old)
                throw e
            }
            previous = installed
        } catch (e: IllegalArgumentException) {
            installHook("cannot handle SIGTERM and SIGINT (${e.message})")
        } catch (e: LinkageError) {
            installHook("sun.misc.Signal is not available ($e)")
        }
    }

    /** A shutdown hook that stops the waiting servers and waits (bounded) until they have stopped. */
    private fun installHook(why: String) {
        logger.info { "$why: a shutdown hook stops the server instead" }
        val thread = Thread({
            for (waiter in received("shutdown")) {
                val bound = waiter.grace.toMillis().coerceAtMost(Long.MAX_VALUE / 2) + HOOK_EXTRA_WAIT_MS
                // The waiting caller stops the server too; stop is shared, so this only waits for it.
                runBlocking { withTimeoutOrNull(bound) { waiter.server.stop(waiter.grace) } }
            }
        }, "telnetkit-shutdown")
        Runtime.getRuntime().addShutdownHook(thread)
        hook = thread
    }

    /** Must hold [lock]. */
    private fun uninstall() {
        previous?.let { handlers -> for ((signal, old) in handlers) Signal.handle(signal, old) }
        previous = null
        hook?.let { thread ->
            // Not from the hook itself (the JVM is shutting down): removing then throws.
            if (thread !== Thread.currentThread()) runCatching { Runtime.getRuntime().removeShutdownHook(thread) }
        }
        hook = null
    }

    // Beyond the grace, what a stop may take: cancelled sessions' few seconds, listeners closing.
    private const val HOOK_EXTRA_WAIT_MS = 15_000L
}
