package dev.telnetkit.protocol

import dev.telnetkit.protocol.OptionSide.LOCAL
import dev.telnetkit.protocol.TelnetCommand.DO
import dev.telnetkit.protocol.TelnetCommand.DONT
import dev.telnetkit.protocol.TelnetCommand.IAC
import dev.telnetkit.protocol.TelnetCommand.WILL
import dev.telnetkit.protocol.TelnetCommand.WONT
import dev.telnetkit.protocol.TelnetOption.BINARY
import dev.telnetkit.protocol.TelnetOption.ECHO
import dev.telnetkit.protocol.TelnetOption.TIMING_MARK
import dev.telnetkit.protocol.TelnetOption.TTYPE
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe

/** A TelnetProtocol whose output (one hex string per message) and warnings are recorded. */
private class Recorded(settings: ProtocolSettings = ProtocolSettings()) {
    val sent = ArrayList<String>()
    val warnings = ArrayList<String>()
    val protocol = TelnetProtocol(settings, { sent.add(it.hex()) }, { if (it is ProtocolEvent.Warning) warnings.add(it.message) })

    fun receive(vararg values: Int) = protocol.receive(bytes(*values))

    fun takeSent(): List<String> = sent.toList().also { sent.clear() }
}

private fun wire(verb: Int, option: Int) = bytes(IAC, verb, option).hex()

/**
 * The per-option negotiation budget (maxNegotiationsPerOption) stops a client's unsolicited
 * negotiation storms, but never the answers to the server's own requests nor TIMING-MARK.
 */
class NegotiationBudgetSpec : FunSpec({

    /** Opened, and the opening refused as a line-mode client does: ECHO stays off. */
    fun lineModeClient(settings: ProtocolSettings = ProtocolSettings()) = Recorded(settings).apply {
        protocol.open()
        receive(IAC, WONT, TTYPE)
        receive(IAC, DONT, TelnetOption.SGA, IAC, DONT, ECHO, IAC, WONT, TelnetOption.NAWS, IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET)
        protocol.isSettled shouldBe true
        takeSent()
    }

    test("100 hidden reads on a line-mode client each send WILL ECHO and WONT ECHO, and the client's answers always count") {
        val client = lineModeClient()
        repeat(100) { round ->
            withClue("round ${round + 1}") {
                client.protocol.request(LOCAL, ECHO, true)
                client.takeSent() shouldContainExactly listOf(wire(WILL, ECHO))
                client.receive(IAC, DO, ECHO)
                client.protocol.isEnabled(LOCAL, ECHO) shouldBe true

                client.protocol.request(LOCAL, ECHO, false)
                client.takeSent() shouldContainExactly listOf(wire(WONT, ECHO))
                client.receive(IAC, DONT, ECHO)
                client.protocol.isEnabled(LOCAL, ECHO) shouldBe false
                client.protocol.isSettled shouldBe true
            }
        }
        client.warnings shouldBe emptyList()
    }

    test("200 DO TIMING-MARK, one at a time or all in one read, are each answered WILL TIMING-MARK") {
        val client = lineModeClient(ProtocolSettings(maxNegotiationsPerOption = 4))
        repeat(200) {
            client.receive(IAC, TelnetCommand.IP, IAC, DO, TIMING_MARK) // inetutils line mode, Ctrl-C
            client.takeSent() shouldContainExactly listOf(wire(WILL, TIMING_MARK))
        }
        client.protocol.receive(ByteArray(200 * 3) { bytes(IAC, DO, TIMING_MARK)[it % 3] })
        client.takeSent() shouldHaveSize 200
        client.receive(IAC, DONT, TIMING_MARK)
        client.takeSent() shouldBe emptyList()
        client.warnings shouldBe emptyList()
    }

    test("unsolicited messages still exhaust the budget: a WILL/WONT BINARY storm gets at most that many replies, one warning") {
        val budget = 10
        val client = lineModeClient(ProtocolSettings(maxNegotiationsPerOption = budget))
        repeat(1000) { client.receive(IAC, WILL, BINARY, IAC, WONT, BINARY) }
        client.takeSent().size shouldBeInRange 1..budget
        client.warnings shouldContainExactly listOf("more than $budget negotiations of BINARY: ignoring them")
    }

    test("with the budget of an option spent, the answer to a later request of ours is still taken") {
        val client = lineModeClient(ProtocolSettings(maxNegotiationsPerOption = 4))
        // The client spends ECHO's budget on requests that need no reply (ECHO is off already).
        repeat(10) { client.receive(IAC, DONT, ECHO) }
        client.warnings shouldHaveSize 1

        client.protocol.request(LOCAL, ECHO, true)
        client.takeSent() shouldContainExactly listOf(wire(WILL, ECHO))
        client.receive(IAC, DO, ECHO)
        client.protocol.isEnabled(LOCAL, ECHO) shouldBe true
        client.protocol.request(LOCAL, ECHO, false)
        client.takeSent() shouldContainExactly listOf(wire(WONT, ECHO))
        client.receive(IAC, DONT, ECHO)
        client.protocol.isEnabled(LOCAL, ECHO) shouldBe false
        client.protocol.isSettled shouldBe true

        // Unsolicited ones stay ignored: DO ECHO now goes unanswered.
        client.receive(IAC, DO, ECHO)
        client.takeSent() shouldBe emptyList()
        client.protocol.isEnabled(LOCAL, ECHO) shouldBe false
    }
})
