package dev.telnetkit.protocol

import dev.telnetkit.protocol.OptionSide.LOCAL
import dev.telnetkit.protocol.OptionSide.REMOTE
import dev.telnetkit.protocol.TelnetCommand.DO
import dev.telnetkit.protocol.TelnetCommand.DONT
import dev.telnetkit.protocol.TelnetCommand.WILL
import dev.telnetkit.protocol.TelnetCommand.WONT
import dev.telnetkit.protocol.TelnetOption.ECHO
import dev.telnetkit.protocol.TelnetOption.LINEMODE
import dev.telnetkit.protocol.TelnetOption.NAWS
import dev.telnetkit.protocol.TelnetOption.TIMING_MARK
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe

/** What the server lets the client enable (REMOTE) and what it does itself (LOCAL), spelled out. */
private val serverRemote = listOf(
    TelnetOption.BINARY, TelnetOption.SGA, TelnetOption.NAWS, TelnetOption.TTYPE,
    TelnetOption.NEW_ENVIRON, TelnetOption.CHARSET, TelnetOption.TSPEED, TelnetOption.XDISPLOC,
)
private val serverLocal = listOf(TelnetOption.ECHO, TelnetOption.SGA, TelnetOption.BINARY, TelnetOption.CHARSET)

private fun verb(v: Int) = TelnetCommand.name(v)
private fun name(o: Int) = TelnetOption.name(o)

class OptionNegotiatorSpec : FunSpec({

    test("OptionPolicy.SERVER allows exactly the documented options on each side") {
        for (option in 0..255) {
            withClue(name(option)) {
                OptionPolicy.SERVER.allows(REMOTE, option) shouldBe (option in serverRemote)
                OptionPolicy.SERVER.allows(LOCAL, option) shouldBe (option in serverLocal)
            }
        }
    }

    test("WILL for each option the server lets the client enable is answered DO and reported once") {
        for (option in serverRemote) {
            val n = OptionNegotiator(OptionPolicy.SERVER)
            val sink = RecordingSink()
            n.receive(WILL, option, sink)
            withClue(name(option)) {
                sink.sent shouldContainExactly listOf("DO ${name(option)}")
                sink.changes shouldContainExactly listOf("REMOTE ${name(option)} on")
                n.isEnabled(REMOTE, option) shouldBe true
                n.isEnabled(LOCAL, option) shouldBe false
                n.hasPending() shouldBe false
                // A second WILL is a request for the state already in force: no answer, no report.
                n.receive(WILL, option, sink)
                sink.sent.size shouldBe 1
                sink.changes.size shouldBe 1
            }
        }
    }

    test("DO for each option the server performs is answered WILL and reported once") {
        for (option in serverLocal) {
            val n = OptionNegotiator(OptionPolicy.SERVER)
            val sink = RecordingSink()
            n.receive(DO, option, sink)
            withClue(name(option)) {
                sink.sent shouldContainExactly listOf("WILL ${name(option)}")
                sink.changes shouldContainExactly listOf("LOCAL ${name(option)} on")
                n.isEnabled(LOCAL, option) shouldBe true
                n.isEnabled(REMOTE, option) shouldBe false
                n.receive(DO, option, sink)
                sink.sent.size shouldBe 1
                sink.changes.size shouldBe 1
            }
        }
    }

    test("a repeated DO ECHO for an enabled ECHO produces no reply") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(DO, ECHO, sink)
        repeat(5) { n.receive(DO, ECHO, sink) }
        sink.sent shouldContainExactly listOf("WILL ECHO")
        sink.changes shouldContainExactly listOf("LOCAL ECHO on")
    }

    test("refused options are answered DONT or WONT and never enabled: LINEMODE, STATUS, ECHO on the client side") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(WILL, LINEMODE, sink)
        n.receive(DO, LINEMODE, sink)
        n.receive(WILL, TelnetOption.STATUS, sink)
        n.receive(DO, TelnetOption.STATUS, sink)
        n.receive(WILL, ECHO, sink)
        n.receive(DO, TelnetOption.TTYPE, sink)
        n.receive(DO, NAWS, sink)
        sink.sent shouldContainExactly listOf(
            "DONT LINEMODE", "WONT LINEMODE", "DONT STATUS", "WONT STATUS", "DONT ECHO", "WONT TTYPE", "WONT NAWS",
        )
        sink.changes.shouldBeEmpty()
        n.isEnabled(REMOTE, LINEMODE) shouldBe false
        n.isEnabled(LOCAL, LINEMODE) shouldBe false
        n.isEnabled(REMOTE, ECHO) shouldBe false
        n.hasPending() shouldBe false
    }

    test("every option byte is answered by the policy on both sides, and WONT or DONT is answered only to turn an option off") {
        for (option in 0..255) {
            if (option == TIMING_MARK) continue
            val n = OptionNegotiator(OptionPolicy.SERVER)
            val sink = RecordingSink()
            n.receive(WILL, option, sink)
            n.receive(DO, option, sink)
            n.receive(WONT, option, sink)
            n.receive(DONT, option, sink)
            withClue(name(option)) {
                sink.sent shouldContainExactly listOfNotNull(
                    if (option in serverRemote) "DO ${name(option)}" else "DONT ${name(option)}",
                    if (option in serverLocal) "WILL ${name(option)}" else "WONT ${name(option)}",
                    // WONT / DONT turn an enabled option off, which is confirmed once.
                    if (option in serverRemote) "DONT ${name(option)}" else null,
                    if (option in serverLocal) "WONT ${name(option)}" else null,
                )
            }
        }
    }

    test("a refused request repeated by the client is answered every time") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        repeat(3) { n.receive(WILL, LINEMODE, sink) }
        sink.sent shouldContainExactly List(3) { "DONT LINEMODE" }
    }

    test("OptionPolicy.NONE refuses everything") {
        val n = OptionNegotiator(OptionPolicy.NONE)
        val sink = RecordingSink()
        n.receive(WILL, NAWS, sink)
        n.receive(DO, ECHO, sink)
        sink.sent shouldContainExactly listOf("DONT NAWS", "WONT ECHO")
        shouldThrow<IllegalArgumentException> { n.request(REMOTE, NAWS, true, sink) }
    }

    test("request() sends DO or WILL once and marks the option pending") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, true, sink)
        n.request(LOCAL, ECHO, true, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "WILL ECHO")
        n.isPending(REMOTE, NAWS) shouldBe true
        n.isPending(LOCAL, ECHO) shouldBe true
        n.hasPending() shouldBe true
        // Asking again while the first request is pending sends nothing.
        n.request(REMOTE, NAWS, true, sink)
        n.request(LOCAL, ECHO, true, sink)
        sink.sent.size shouldBe 2
        n.receive(WILL, NAWS, sink)
        n.receive(DO, ECHO, sink)
        sink.sent.size shouldBe 2 // answers are never answered
        sink.changes shouldContainExactly listOf("REMOTE NAWS on", "LOCAL ECHO on")
        n.hasPending() shouldBe false
    }

    test("request() for a state already in force sends nothing") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, false, sink)
        n.request(LOCAL, ECHO, false, sink)
        n.request(REMOTE, LINEMODE, false, sink)
        sink.sent.shouldBeEmpty()
        n.receive(WILL, NAWS, sink)
        n.receive(DO, ECHO, sink)
        sink.clear()
        n.request(REMOTE, NAWS, true, sink)
        n.request(LOCAL, ECHO, true, sink)
        sink.sent.shouldBeEmpty()
        sink.changes.shouldBeEmpty()
        n.hasPending() shouldBe false
    }

    test("request() to enable an option the policy refuses is an error; out-of-range options and bad verbs too") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        shouldThrow<IllegalArgumentException> { n.request(REMOTE, LINEMODE, true, sink) }
        shouldThrow<IllegalArgumentException> { n.request(LOCAL, TIMING_MARK, true, sink) }
        shouldThrow<IllegalArgumentException> { n.request(REMOTE, 256, false, sink) }
        shouldThrow<IllegalArgumentException> { n.receive(WILL, -1, sink) }
        shouldThrow<IllegalArgumentException> { n.receive(TelnetCommand.SB, NAWS, sink) }
        sink.sent.shouldBeEmpty()
    }

    test("RFC 1143: both sides asking at once (we send DO, the client's own WILL crosses it) needs no further reply") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, true, sink)
        n.receive(WILL, NAWS, sink) // the client's request, sent before it saw our DO
        sink.sent shouldContainExactly listOf("DO NAWS")
        n.isEnabled(REMOTE, NAWS) shouldBe true
        // ... and then the client's answer to our DO arrives: still nothing to say.
        n.receive(WILL, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS")
        sink.changes shouldContainExactly listOf("REMOTE NAWS on")
    }

    test("RFC 1143: both sides asking at once on our side (we send WILL, the client's DO crosses it) needs no further reply") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(LOCAL, ECHO, true, sink)
        n.receive(DO, ECHO, sink)
        n.receive(DO, ECHO, sink)
        sink.sent shouldContainExactly listOf("WILL ECHO")
        sink.changes shouldContainExactly listOf("LOCAL ECHO on")
    }

    test("RFC 1143: our request answered by refusal is not answered, is reported as refused, and is not retried") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, true, sink)
        n.request(LOCAL, ECHO, true, sink)
        n.receive(WONT, NAWS, sink)
        n.receive(DONT, ECHO, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "WILL ECHO")
        sink.refusals shouldContainExactly listOf("REMOTE NAWS", "LOCAL ECHO")
        sink.changes.shouldBeEmpty() // it was never on, so nothing changed
        n.isEnabled(REMOTE, NAWS) shouldBe false
        n.hasPending() shouldBe false
        // The refusal is remembered: a repeated WONT is not answered and nothing is re-asked...
        n.receive(WONT, NAWS, sink)
        sink.sent.size shouldBe 2
        // ... until someone asks again.
        n.request(REMOTE, NAWS, true, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "WILL ECHO", "DO NAWS")
    }

    test("RFC 1143: enable then disable while pending queues the DONT, sent after the answer") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, true, sink)
        n.request(REMOTE, NAWS, false, sink)
        sink.sent shouldContainExactly listOf("DO NAWS")
        n.isPending(REMOTE, NAWS) shouldBe true
        n.receive(WILL, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "DONT NAWS")
        n.isEnabled(REMOTE, NAWS) shouldBe false
        n.isPending(REMOTE, NAWS) shouldBe true
        n.receive(WONT, NAWS, sink)
        sink.sent.size shouldBe 2
        n.isPending(REMOTE, NAWS) shouldBe false
        n.isEnabled(REMOTE, NAWS) shouldBe false
        sink.changes.shouldBeEmpty() // never settled as on
    }

    test("RFC 1143: enable then disable while pending, answered by refusal, sends nothing more") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(LOCAL, ECHO, true, sink)
        n.request(LOCAL, ECHO, false, sink)
        n.receive(DONT, ECHO, sink)
        sink.sent shouldContainExactly listOf("WILL ECHO")
        n.hasPending() shouldBe false
        n.isEnabled(LOCAL, ECHO) shouldBe false
    }

    test("RFC 1143: enable, disable, enable again while pending cancels the queued DONT") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.request(REMOTE, NAWS, true, sink)
        n.request(REMOTE, NAWS, false, sink)
        n.request(REMOTE, NAWS, true, sink)
        n.receive(WILL, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS")
        n.isEnabled(REMOTE, NAWS) shouldBe true
        n.hasPending() shouldBe false
    }

    test("RFC 1143: disable then enable while pending queues the DO, sent after the WONT") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(WILL, NAWS, sink)
        sink.clear()
        n.request(REMOTE, NAWS, false, sink)
        n.request(REMOTE, NAWS, true, sink)
        n.request(REMOTE, NAWS, true, sink) // already queued: nothing more
        sink.sent shouldContainExactly listOf("DONT NAWS")
        n.receive(WONT, NAWS, sink)
        sink.sent shouldContainExactly listOf("DONT NAWS", "DO NAWS")
        sink.changes shouldContainExactly listOf("REMOTE NAWS off")
        n.receive(WILL, NAWS, sink)
        sink.sent.size shouldBe 2
        sink.changes shouldContainExactly listOf("REMOTE NAWS off", "REMOTE NAWS on")
        n.isEnabled(REMOTE, NAWS) shouldBe true
        n.hasPending() shouldBe false
    }

    test("RFC 1143: disable then enable then disable while pending leaves just the DONT") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(DO, ECHO, sink)
        sink.clear()
        n.request(LOCAL, ECHO, false, sink)
        n.request(LOCAL, ECHO, true, sink)
        n.request(LOCAL, ECHO, false, sink)
        n.receive(DONT, ECHO, sink)
        sink.sent shouldContainExactly listOf("WONT ECHO")
        sink.changes shouldContainExactly listOf("LOCAL ECHO off")
        n.hasPending() shouldBe false
    }

    test("RFC 1143: WONT in the YES state is confirmed with DONT and reported once") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(WILL, NAWS, sink)
        n.receive(WONT, NAWS, sink)
        n.receive(WONT, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "DONT NAWS")
        sink.changes shouldContainExactly listOf("REMOTE NAWS on", "REMOTE NAWS off")
        n.isEnabled(REMOTE, NAWS) shouldBe false
    }

    test("RFC 1143: DONT in the YES state is confirmed with WONT and reported once") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(DO, ECHO, sink)
        n.receive(DONT, ECHO, sink)
        n.receive(DONT, ECHO, sink)
        sink.sent shouldContainExactly listOf("WILL ECHO", "WONT ECHO")
        sink.changes shouldContainExactly listOf("LOCAL ECHO on", "LOCAL ECHO off")
    }

    test("RFC 1143: our DONT answered with WILL (WANTNO) settles as disabled without a reply") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(WILL, NAWS, sink)
        n.request(REMOTE, NAWS, false, sink)
        n.isPending(REMOTE, NAWS) shouldBe true
        n.receive(WILL, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "DONT NAWS")
        sink.changes shouldContainExactly listOf("REMOTE NAWS on", "REMOTE NAWS off")
        n.isEnabled(REMOTE, NAWS) shouldBe false
        n.hasPending() shouldBe false
    }

    test("RFC 1143: our WONT answered with DO (WANTNO) settles as disabled without a reply") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(DO, ECHO, sink)
        n.request(LOCAL, ECHO, false, sink)
        n.receive(DO, ECHO, sink)
        sink.sent shouldContainExactly listOf("WILL ECHO", "WONT ECHO")
        n.isEnabled(LOCAL, ECHO) shouldBe false
        n.hasPending() shouldBe false
    }

    test("RFC 1143: our DONT answered with WILL while an enable is queued settles as enabled") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        n.receive(WILL, NAWS, sink)
        n.request(REMOTE, NAWS, false, sink)
        n.request(REMOTE, NAWS, true, sink)
        n.receive(WILL, NAWS, sink)
        sink.sent shouldContainExactly listOf("DO NAWS", "DONT NAWS")
        sink.changes shouldContainExactly listOf("REMOTE NAWS on")
        n.isEnabled(REMOTE, NAWS) shouldBe true
        n.hasPending() shouldBe false
    }

    test("a hostile client alternating WILL and WONT 1000 times gets at most one reply per message") {
        for (option in listOf(NAWS, LINEMODE)) {
            val n = OptionNegotiator(OptionPolicy.SERVER)
            val sink = RecordingSink()
            var replies = 0
            repeat(1000) { i ->
                val before = sink.sent.size
                n.receive(if (i % 2 == 0) WILL else WONT, option, sink)
                (sink.sent.size - before) shouldBeLessThanOrEqual 1
                replies += sink.sent.size - before
            }
            withClue(name(option)) {
                if (option == NAWS) {
                    // WILL is accepted (DO), WONT is confirmed (DONT): one answer each, never more.
                    replies shouldBe 1000
                    sink.sent.distinct() shouldContainExactly listOf("DO NAWS", "DONT NAWS")
                    sink.changes.size shouldBe 1000
                } else {
                    // WILL is refused (DONT) every time; WONT for a disabled option needs no answer.
                    replies shouldBe 500
                    sink.sent.distinct() shouldContainExactly listOf("DONT LINEMODE")
                    sink.changes.shouldBeEmpty()
                }
                n.hasPending() shouldBe false
            }
        }
    }

    test("a hostile client alternating DO and DONT 1000 times gets at most one reply per message") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        repeat(1000) { i ->
            val before = sink.sent.size
            n.receive(if (i % 2 == 0) DO else DONT, ECHO, sink)
            (sink.sent.size - before) shouldBe 1
        }
        n.isEnabled(LOCAL, ECHO) shouldBe false
    }

    test("a naive peer that acknowledges every message it gets cannot drive us into a loop") {
        // Such a peer answers even answers; two of them loop forever. With the Q method every
        // exchange ends after one round trip.
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val toPeer = ArrayDeque<Pair<Int, Int>>()
        val sink = object : NegotiationSink {
            override fun send(verb: Int, option: Int) { toPeer.addLast(verb to option) }
            override fun changed(side: OptionSide, option: Int, enabled: Boolean) {}
        }
        val echo = mapOf(DO to WILL, DONT to WONT, WILL to DO, WONT to DONT)
        var messages = 0
        fun pump() {
            while (toPeer.isNotEmpty()) {
                check(++messages < 100) { "negotiation loop" }
                val (v, o) = toPeer.removeFirst()
                n.receive(echo.getValue(v), o, sink)
            }
        }
        n.request(REMOTE, NAWS, true, sink); pump()
        n.request(LOCAL, ECHO, true, sink); pump()
        n.isEnabled(REMOTE, NAWS) shouldBe true
        n.isEnabled(LOCAL, ECHO) shouldBe true
        n.request(REMOTE, NAWS, false, sink); pump()
        n.request(LOCAL, ECHO, false, sink); pump()
        n.isEnabled(REMOTE, NAWS) shouldBe false
        n.isEnabled(LOCAL, ECHO) shouldBe false
        messages shouldBe 4
        n.hasPending() shouldBe false
    }

    test("TIMING-MARK: DO TM is answered WILL TM every time and never enabled; DONT TM is not answered") {
        val n = OptionNegotiator(OptionPolicy.SERVER)
        val sink = RecordingSink()
        repeat(3) {
            n.receive(DO, TIMING_MARK, sink)
            n.isEnabled(LOCAL, TIMING_MARK) shouldBe false
        }
        n.receive(DONT, TIMING_MARK, sink)
        sink.sent shouldContainExactly List(3) { "WILL TIMING-MARK" }
        sink.changes.shouldBeEmpty()
        n.hasPending() shouldBe false
        // The client side of TIMING-MARK is an ordinary refused option.
        n.receive(WILL, TIMING_MARK, sink)
        sink.sent.last() shouldBe "DONT TIMING-MARK"
    }
})
