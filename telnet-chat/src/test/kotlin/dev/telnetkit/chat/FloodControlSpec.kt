package dev.telnetkit.chat

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe

/** The token bucket, driven by a clock the test holds. */
class FloodControlSpec : FunSpec({
    val second = 1_000_000_000L

    test("a burst passes, the next is refused, and one more is earned per interval") {
        val flood = FloodControl(burst = 3, refillNanos = second, now = 0)
        (1..3).map { flood.tryTake(0) } shouldBe listOf(true, true, true)
        flood.tryTake(0) shouldBe false
        flood.tryTake(second / 2) shouldBe false
        flood.tryTake(second) shouldBe true
        flood.tryTake(second) shouldBe false
    }

    test("a long pause earns the burst back, never more") {
        val flood = FloodControl(burst = 2, refillNanos = second, now = 0)
        flood.tryTake(0) shouldBe true
        flood.tryTake(0) shouldBe true
        (1..3).map { flood.tryTake(100 * second) } shouldBe listOf(true, true, false)
    }

    test("refused attempts cost nothing") {
        val flood = FloodControl(burst = 1, refillNanos = second, now = 0)
        flood.tryTake(0) shouldBe true
        repeat(50) { flood.tryTake(second / 2) shouldBe false }
        flood.tryTake(second) shouldBe true
    }
})
