package dev.telnetkit.session

import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.InMemoryTransport
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.ints.shouldBeGreaterThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.seconds

/** Session.schedule and scheduleAtFixedRate: Java's timers, children of their session. */
class SessionTimerSpec : FunSpec({
    val servers = mutableListOf<TelnetServer>()
    afterTest { servers.forEach { it.stop(Duration.ZERO) }; servers.clear() }

    /** A server whose handler calls [setUp], then echoes lines until the input ends. */
    suspend fun serve(setUp: (Session) -> Unit): InMemoryTransport {
        val memory = InMemoryTransport()
        servers += TelnetServer(ServerSettings(port = 0, transport = memory)) { session ->
            setUp(session)
            while (true) {
                val line = session.readLine("> ") ?: break
                session.writeLine("echo $line")
            }
        }.start()
        return memory
    }

    test("a one-shot task runs once after its delay, where blocking is allowed, and may write") {
        val thread = CompletableDeferred<String>()
        val runs = AtomicInteger()
        lateinit var timer: SessionTimer
        val memory = serve { session ->
            timer = session.schedule(Duration.ofMillis(200)) {
                runs.incrementAndGet()
                thread.complete(Thread.currentThread().name)
                Thread.sleep(50) // blocking is allowed here
                session.writeMessage("tick")
            }
        }
        memory.connect().use { user ->
            user.awaitPrompt("> ")
            user.awaitText("tick")
            thread.await() shouldStartWith "telnetkit-blocking-"
            user.sendLine("still here")
            user.awaitText("echo still here")
            delay(300)
            runs.get() shouldBe 1
            timer.isDone.shouldBeTrue()
            timer.isCancelled.shouldBeFalse()
        }
    }

    test("a fixed-rate task repeats, keeps going after a failing run, and stops when cancelled") {
        val runs = AtomicInteger()
        val cancelled = CountDownLatch(1)
        lateinit var timer: SessionTimer
        val memory = serve { session ->
            timer = session.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(50)) {
                val n = runs.incrementAndGet()
                if (n == 2) throw IllegalStateException("run 2 fails")
                session.writeLineBlocking("run $n")
                if (n == 5) {
                    timer.cancel()
                    cancelled.countDown()
                }
            }
        }
        memory.connect().use { user ->
            user.awaitText("run 1")
            user.awaitText("run 5")
            cancelled.await(5, TimeUnit.SECONDS).shouldBeTrue()
            delay(300)
            runs.get() shouldBe 5
            timer.isCancelled.shouldBeTrue()
            timer.isDone.shouldBeTrue()
            // The failing run did not end the session.
            user.sendLine("hello")
            user.awaitText("echo hello")
        }
    }

    test("a slow fixed-rate task never overlaps itself") {
        val running = AtomicInteger()
        val overlapped = AtomicInteger()
        val runs = AtomicInteger()
        val memory = serve { session ->
            session.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(10)) {
                if (running.incrementAndGet() > 1) overlapped.incrementAndGet()
                Thread.sleep(40)
                runs.incrementAndGet()
                running.decrementAndGet()
            }
        }
        memory.connect().use { user ->
            user.awaitPrompt("> ")
            withTimeout(10.seconds) { while (runs.get() < 5) delay(20) }
            overlapped.get() shouldBe 0
        }
    }

    test("the session's end cancels its timers and interrupts a run under way") {
        val started = CountDownLatch(1)
        val interrupted = CountDownLatch(1)
        val later = AtomicInteger()
        lateinit var running: SessionTimer
        lateinit var pending: SessionTimer
        val memory = serve { session ->
            running = session.schedule(Duration.ZERO) {
                started.countDown()
                try {
                    Thread.sleep(60_000)
                } catch (e: InterruptedException) {
                    interrupted.countDown()
                }
            }
            pending = session.schedule(Duration.ofHours(1)) { later.incrementAndGet() }
        }
        val user = memory.connect()
        user.awaitPrompt("> ")
        started.await(5, TimeUnit.SECONDS).shouldBeTrue()
        user.close()
        interrupted.await(5, TimeUnit.SECONDS).shouldBeTrue()
        withTimeout(5.seconds) { while (!(running.isDone && pending.isDone)) delay(10) }
        running.isCancelled.shouldBeTrue()
        pending.isCancelled.shouldBeTrue()
        later.get() shouldBe 0
    }

    test("a timer scheduled once the session has ended never runs") {
        val ended = CompletableDeferred<Session>()
        val memory = InMemoryTransport()
        servers += TelnetServer(ServerSettings(port = 0, transport = memory)) { session ->
            session.readLine("> ")
            ended.complete(session)
        }.start()
        val user = memory.connect()
        user.awaitPrompt("> ")
        user.close()
        val session = withTimeout(5.seconds) { ended.await() }
        withTimeout(5.seconds) { while (servers.single().sessions.isNotEmpty()) delay(10) }
        val runs = AtomicInteger()
        val timer = session.schedule(Duration.ZERO) { runs.incrementAndGet() }
        delay(200)
        timer.isCancelled.shouldBeTrue()
        runs.get() shouldBe 0
    }

    test("negative delays and a period that is not positive are refused") {
        val checked = CompletableDeferred<List<String>>()
        val memory = serve { session ->
            val messages = listOf(
                { session.schedule(Duration.ofMillis(-1)) {} },
                { session.scheduleAtFixedRate(Duration.ofMillis(-1), Duration.ofSeconds(1)) {} },
                { session.scheduleAtFixedRate(Duration.ZERO, Duration.ZERO) {} },
                { session.scheduleAtFixedRate(Duration.ZERO, Duration.ofMillis(-5)) {} },
            ).map { attempt -> shouldThrow<IllegalArgumentException> { attempt() }.message.orEmpty() }
            // Huge delays are accepted (capped), not an overflow.
            session.scheduleAtFixedRate(Duration.ofSeconds(Long.MAX_VALUE), Duration.ofSeconds(Long.MAX_VALUE)) {}.cancel()
            checked.complete(messages)
        }
        memory.connect().use { user ->
            user.awaitPrompt("> ")
            val messages = checked.await()
            messages.size shouldBeGreaterThanOrEqual 4
            messages[0] shouldStartWith "delay must not be negative"
            messages[2] shouldStartWith "period must be positive"
        }
    }
})
