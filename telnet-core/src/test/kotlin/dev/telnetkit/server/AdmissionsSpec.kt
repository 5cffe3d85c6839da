package dev.telnetkit.server

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.types.shouldBeInstanceOf

private fun Admissions.admitted(host: String): Admissions.Admission =
    admit(host).shouldBeInstanceOf<Admissions.Result.Admitted>().admission

private fun Admissions.refusal(host: String): Admissions.Refusal =
    admit(host).shouldBeInstanceOf<Admissions.Result.Refused>().reason

class AdmissionsSpec : FunSpec({
    test("opening connections and sessions are counted apart: startups per address bound only the opening ones") {
        val admissions = Admissions(ServerSettings(port = 0, maxSessionsPerAddress = 10, maxStartupsPerAddress = 2))
        val sessions = (1..5).map { admissions.admitted("a").also { it.establish() shouldBe null } }
        admissions.sessionCount shouldBe 5
        admissions.openingCount shouldBe 0
        val first = admissions.admitted("a")
        admissions.admitted("a")
        admissions.refusal("a") shouldBe Admissions.Refusal.STARTUPS_PER_ADDRESS
        admissions.admitted("b") // another address has slots of its own
        first.releaseIfOpening() // its client left while opening: the slot is free at once
        admissions.admitted("a")
        sessions.forEach { it.release() }
        admissions.sessionCount shouldBe 0
    }

    test("a session limit reached refuses at once; one filled during the opening refuses at establish") {
        val admissions = Admissions(ServerSettings(port = 0, maxSessions = 2))
        val a = admissions.admitted("a")
        val b = admissions.admitted("b")
        val c = admissions.admitted("c")
        a.establish() shouldBe null
        b.establish() shouldBe null
        c.establish() shouldBe Admissions.Refusal.SESSIONS
        admissions.openingCount shouldBe 0
        admissions.refusal("d") shouldBe Admissions.Refusal.SESSIONS
        a.release()
        admissions.admitted("d").establish() shouldBe null
    }

    test("every slot is given back exactly once, whatever the order of release calls") {
        val admissions = Admissions(ServerSettings(port = 0, maxStartups = 3))
        val a = admissions.admitted("a")
        a.releaseIfOpening()
        a.release()
        a.releaseIfOpening()
        admissions.openingCount shouldBe 0
        val b = admissions.admitted("a")
        b.establish() shouldBe null
        b.releaseIfOpening() // a running session keeps its slot
        admissions.sessionCount shouldBe 1
        b.release()
        b.release()
        admissions.sessionCount shouldBe 0
        a.establish() shouldBe Admissions.Refusal.GONE // ended: cannot become a session
        admissions.sessionCount shouldBe 0
    }

    test("maxStartups: accepting pauses at the limit, and transports that accept anyway are refused") {
        val admissions = Admissions(ServerSettings(port = 0, maxStartups = 2))
        admissions.admitted("a")
        admissions.acceptsMore shouldBe true
        val last = admissions.admitted("b")
        admissions.acceptsMore shouldBe false
        admissions.refusal("c") shouldBe Admissions.Refusal.STARTUPS
        last.establish() shouldBe null
        admissions.acceptsMore shouldBe true
    }
})
