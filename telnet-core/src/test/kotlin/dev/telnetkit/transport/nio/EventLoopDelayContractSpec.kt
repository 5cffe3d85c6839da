package dev.telnetkit.transport.nio

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldNotContain
import io.kotest.matchers.shouldBe
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.DisposableHandle
import kotlinx.coroutines.delay
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.lang.reflect.Method
import java.lang.reflect.Modifier
import kotlin.coroutines.CoroutineContext
import kotlin.time.Duration.Companion.milliseconds

/**
 * [EventLoop] implements `kotlinx.coroutines.Delay`, an internal kotlinx API
 * (`@InternalCoroutinesApi`) that may change in any release without notice, so that `delay` and
 * `withTimeout` on a loop are the loop's own timers (see EventLoop's KDoc). This spec pins what that
 * relies on, so that a kotlinx.coroutines upgrade that changes it fails the build here, saying what
 * to do, rather than quietly moving every session timer to another thread or breaking at run time.
 */
class EventLoopDelayContractSpec : FunSpec({
    val whatToDo = "kotlinx.coroutines.Delay (internal API) is no longer what EventLoop " +
        "(telnet-core transport/nio/EventLoop.kt) was written against. After a kotlinx.coroutines upgrade, either " +
        "bring EventLoop's scheduleResumeAfterDelay/invokeOnTimeout in line with the new Delay (read its source) and " +
        "update the signatures expected here, or stop implementing Delay in EventLoop (timers then run on " +
        "kotlinx's DefaultExecutor thread and each expiry reaches the loop through a dispatch: measure that) and " +
        "delete this spec."
    val loops = mutableListOf<EventLoop>()
    fun loop(): EventLoop = EventLoop("delay-contract-${loops.size}").start().also { loops.add(it) }
    afterEach { EventLoop.shutdownAll(loops, 2000); loops.clear() }

    fun signature(method: Method): String =
        "${method.returnType.name} ${method.name}(${method.parameterTypes.joinToString(", ") { it.name }})"

    /** The methods of the call stack right now, as `Class.method`. */
    fun stack(): List<String> = Throwable().stackTrace.map { "${it.className}.${it.methodName}" }

    val runTimers = "${EventLoop::class.java.name}.runTimers"

    test("kotlinx.coroutines.Delay still declares exactly the methods EventLoop was written against") {
        val delayType = Class.forName("kotlinx.coroutines.Delay")
        withClue(whatToDo) {
            delayType.isAssignableFrom(EventLoop::class.java).shouldBeTrue()
            val declared = delayType.declaredMethods
                .filter { !it.isSynthetic && !Modifier.isStatic(it.modifiers) }
                .map(::signature)
                .toSet()
            declared shouldBe setOf(
                "void scheduleResumeAfterDelay(long, ${CancellableContinuation::class.java.name})",
                "${DisposableHandle::class.java.name} invokeOnTimeout(long, java.lang.Runnable, ${CoroutineContext::class.java.name})",
                // The deprecated member delay, kept for binary compatibility; EventLoop leaves it alone.
                "java.lang.Object delay(long, kotlin.coroutines.Continuation)",
            )
            // The two EventLoop overrides: the same signatures, declared by EventLoop itself.
            for (name in listOf("scheduleResumeAfterDelay", "invokeOnTimeout")) {
                val inDelay = delayType.declaredMethods.single { it.name == name && !Modifier.isStatic(it.modifiers) }
                val own = EventLoop::class.java.getDeclaredMethod(name, *inDelay.parameterTypes)
                signature(own) shouldBe signature(inDelay)
            }
        }
    }

    test("a delay on the loop is a timer of the loop: it resumes on the loop's thread, straight from the loop's timer queue") {
        val loop = loop()
        val (onLoop, frames) = withContext(loop) {
            delay(20.milliseconds)
            loop.inLoop to stack()
        }
        withClue(whatToDo) {
            onLoop.shouldBeTrue()
            frames shouldContain runTimers
        }
    }

    test("withTimeout on the loop expires through the loop's timers, on the loop's thread") {
        val loop = loop()
        var cancelledOnLoop = false
        var framesAtCancel: List<String> = emptyList()
        val result = withContext(loop) {
            withTimeoutOrNull(20.milliseconds) {
                suspendCancellableCoroutine<Unit> { continuation ->
                    continuation.invokeOnCancellation {
                        cancelledOnLoop = loop.inLoop
                        framesAtCancel = stack()
                    }
                }
            }
        }
        result shouldBe null
        withClue(whatToDo) {
            cancelledOnLoop.shouldBeTrue()
            framesAtCancel shouldContain runTimers
            framesAtCancel shouldNotContain "kotlinx.coroutines.DefaultExecutor.run"
        }
    }
})
