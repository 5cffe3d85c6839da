package dev.telnetkit.shell

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.longs.shouldBeGreaterThan
import io.kotest.matchers.shouldBe

class LoginThrottleSpec : FunSpec({
    class Clock(var now: Long = 1_000_000)

    fun throttle(clock: Clock, threshold: Int = 3, window: Long = 60_000, lockout: Long = 30_000, maxAddresses: Int = 10_000) =
        LoginThrottle(threshold, window, lockout, maxAddresses) { clock.now }

    test("threshold failures within the window lock the address for the lockout, then a new count starts") {
        val clock = Clock()
        val t = throttle(clock)
        t.failed("a").shouldBeFalse()
        t.failed("a").shouldBeFalse()
        t.failures("a") shouldBe 2
        t.failed("a").shouldBeTrue()
        t.lockedFor("a") shouldBe 30_000
        clock.now += 29_999
        t.lockedFor("a") shouldBe 1
        clock.now += 1
        t.lockedFor("a") shouldBe 0
        t.failed("a").shouldBeFalse()
        t.failures("a") shouldBe 1
    }

    test("failures further apart than the window do not add up") {
        val clock = Clock()
        val t = throttle(clock, threshold = 2, window = 1_000)
        t.failed("a").shouldBeFalse()
        clock.now += 1_001
        t.failed("a").shouldBeFalse()
        t.failures("a") shouldBe 1
    }

    test("a failure reported while the address is locked (an attempt already in flight) says locked and does not extend or reset it") {
        val clock = Clock()
        val t = throttle(clock, threshold = 1)
        t.failed("a").shouldBeTrue()
        clock.now += 10_000
        t.failed("a").shouldBeTrue()
        t.lockedFor("a") shouldBe 20_000
    }

    test("addresses are counted apart") {
        val clock = Clock()
        val t = throttle(clock, threshold = 2)
        t.failed("a")
        t.failed("a").shouldBeTrue()
        t.lockedFor("b") shouldBe 0
        t.failures("b") shouldBe 0
    }

    test("at most maxAddresses are tracked; stale records go first, then the oldest unlocked ones; locked ones stay while unlocked ones remain") {
        val clock = Clock()
        val t = throttle(clock, threshold = 2, window = 1_000, lockout = 100_000, maxAddresses = 100)
        // 10 locked addresses, then 90 with one failure each.
        repeat(10) { i -> t.failed("locked-$i"); t.failed("locked-$i").shouldBeTrue() }
        repeat(90) { i -> clock.now += 1; t.failed("one-$i") }
        t.size shouldBe 100
        // 10,000 more addresses with one failure each, arriving fast: never more than 100 tracked,
        // and the locked ones survive all of it.
        repeat(10_000) { i -> clock.now += 1; t.failed("flood-$i") }
        t.size shouldBeLessThanOrEqualTo 100
        repeat(10) { i -> t.lockedFor("locked-$i") shouldBeGreaterThan 0L }
    }

    test("when every tracked address is locked, the lock that ends soonest is dropped to make room") {
        val clock = Clock()
        val t = throttle(clock, threshold = 1, lockout = 100_000, maxAddresses = 3)
        t.failed("first").shouldBeTrue()
        clock.now += 10
        t.failed("second").shouldBeTrue()
        clock.now += 10
        t.failed("third").shouldBeTrue()
        clock.now += 10
        t.failed("fourth").shouldBeTrue()
        t.size shouldBe 3
        t.lockedFor("first") shouldBe 0
        t.lockedFor("second") shouldBeGreaterThan 0L
    }

    test("attempts under way count: parallel sessions cannot ask the authenticator more than the threshold allows") {
        val t = throttle(Clock(), threshold = 2)
        t.begin("a") shouldBe LoginThrottle.Attempt.GO
        t.begin("a") shouldBe LoginThrottle.Attempt.GO
        // Two attempts under way could lock the address: a third waits for their outcome.
        t.begin("a") shouldBe LoginThrottle.Attempt.WAIT
        t.finish("a", succeeded = false) shouldBe false
        t.begin("a") shouldBe LoginThrottle.Attempt.WAIT
        t.finish("a", succeeded = false) shouldBe true
        t.begin("a") shouldBe LoginThrottle.Attempt.LOCKED
        // A success frees its place without counting.
        t.begin("b") shouldBe LoginThrottle.Attempt.GO
        t.begin("b") shouldBe LoginThrottle.Attempt.GO
        t.finish("b", succeeded = true) shouldBe false
        t.begin("b") shouldBe LoginThrottle.Attempt.GO
    }
})
