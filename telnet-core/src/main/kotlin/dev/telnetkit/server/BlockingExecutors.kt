package dev.telnetkit.server

import io.github.oshai.kotlinlogging.KotlinLogging
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.SynchronousQueue
import java.util.concurrent.ThreadFactory
import java.util.concurrent.ThreadPoolExecutor
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong

private val logger = KotlinLogging.logger {}

/**
 * The executor a server makes for its blocking code when [ServerSettings.blockingExecutor] is null:
 * one thread per blocked task, however many sessions block at once, so that no number of blocked
 * sessions can hold up another session or the server's stop. The server shuts it down when it stops.
 */
internal object BlockingExecutors {
    private const val PREFIX = "telnetkit-blocking-"
    private const val IDLE_KEEP_ALIVE_SECONDS = 60L

    /** Virtual threads where the JVM has them (21 and later), else a cached pool of daemon threads. */
    fun create(): ExecutorService = virtualThreads() ?: cachedPool()

    /**
     * A virtual thread per task, named `telnetkit-blocking-N`; null before Java 21. Found by
     * reflection: TelnetKit is compiled for Java 17.
     */
    private fun virtualThreads(): ExecutorService? {
        if (Runtime.version().feature() < 21) return null
        return try {
            // Through the public Thread.Builder interface: the builder's own class is not accessible.
            val builderType = Class.forName("java.lang.Thread\$Builder")
            val builder = Thread::class.java.getMethod("ofVirtual").invoke(null)
            val named = builderType.getMethod("name", String::class.java, Long::class.javaPrimitiveType).invoke(builder, PREFIX, 1L)
            val factory = builderType.getMethod("factory").invoke(named) as ThreadFactory
            Executors::class.java.getMethod("newThreadPerTaskExecutor", ThreadFactory::class.java).invoke(null, factory) as ExecutorService
        } catch (e: ReflectiveOperationException) {
            logger.warn { "virtual threads not available (${e.cause ?: e}); blocking code runs on platform threads" }
            null
        } catch (e: RuntimeException) {
            logger.warn { "virtual threads not available ($e); blocking code runs on platform threads" }
            null
        }
    }

    /**
     * Daemon threads named `telnetkit-blocking-N`, as many as are blocked at once (no bound: a bound
     * is the stall this executor exists to avoid); a thread idle for a minute ends.
     */
    private fun cachedPool(): ExecutorService {
        val count = AtomicLong()
        val factory = ThreadFactory { task -> Thread(task, PREFIX + count.incrementAndGet()).apply { isDaemon = true } }
        return ThreadPoolExecutor(0, Int.MAX_VALUE, IDLE_KEEP_ALIVE_SECONDS, TimeUnit.SECONDS, SynchronousQueue(), factory)
    }
}
