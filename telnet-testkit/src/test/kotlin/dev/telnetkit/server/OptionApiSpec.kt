package dev.telnetkit.server

import dev.telnetkit.protocol.OptionSide
import dev.telnetkit.protocol.TelnetOption.CHARSET
import dev.telnetkit.protocol.TelnetOption.ECHO
import dev.telnetkit.protocol.TelnetOption.NAWS
import dev.telnetkit.protocol.TelnetOption.NEW_ENVIRON
import dev.telnetkit.protocol.TelnetOption.SGA
import dev.telnetkit.protocol.TelnetOption.TTYPE
import dev.telnetkit.session.OutputTransform
import dev.telnetkit.session.SessionHandler
import dev.telnetkit.wire.InputTransform
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.PlainInput
import dev.telnetkit.wire.TelnetOptionFactory
import dev.telnetkit.wire.TelnetOptionHandler
import dev.telnetkit.wire.telnetOption
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/** An option nobody speaks (MXP's number): the handler under test. */
private const val OPT = 91

/** A handler that writes down every callback, with the offers and bound a test gives it. */
private open class RecordingOption(
    option: Int = OPT,
    override val local: OptionOffer = OptionOffer.REFUSE,
    override val remote: OptionOffer = OptionOffer.REFUSE,
    override val maxSubnegotiation: Int = 16 * 1024,
) : TelnetOptionHandler(option) {
    val calls = CopyOnWriteArrayList<String>()
    val payloads = CopyOnWriteArrayList<String>()
    override fun onEnabled(side: OptionSide) { calls += "enabled $side" }
    override fun onDisabled(side: OptionSide) { calls += "disabled $side" }
    override fun onSubnegotiation(payload: ByteArray) { payloads += String(payload, Charsets.ISO_8859_1) }
    override fun onPrompt() { calls += "prompt" }
    override fun onClose() { calls += "close" }
    fun send(payload: String): Boolean = context.sendSubnegotiation(payload.toByteArray(Charsets.ISO_8859_1))
    fun ask(side: OptionSide, enable: Boolean): Boolean = context.request(side, enable)
    val ctx get() = context
}

/** XOR with 0x5A both ways: a byte-for-byte transform whose output a test can check exactly. */
private class XorOutput : OutputTransform {
    var closed = 0
    override fun transform(bytes: ByteArray, offset: Int, length: Int): ByteArray =
        ByteArray(length) { (bytes[offset + it].toInt() xor 0x5A).toByte() }
    override fun finish(): ByteArray = "END".toByteArray()
    override fun close() { closed++ }
}

/** Un-XORs the client's bytes until it sees 0x00 (0x5A on the wire), which ends its stream. */
private class XorInput : InputTransform {
    var closed = 0
    override fun transform(bytes: ByteArray, offset: Int, length: Int, sink: PlainInput): Int {
        for (i in 0 until length) {
            val plain = bytes[offset + i].toInt() xor 0x5A
            if (plain == 0) return i + 1
            sink.accept(byteArrayOf(plain.toByte()), 0, 1)
        }
        return length
    }
    override fun close() { closed++ }
}

private fun settings(vararg factories: TelnetOptionFactory) = ServerSettings(
    host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofSeconds(5), idleTimeout = Duration.ofSeconds(30),
    telnetOptions = factories.toList(),
)

private fun sb(option: Int, payload: String) =
    bytes(IAC, SB, option) + payload.toByteArray(Charsets.ISO_8859_1) + bytes(IAC, SE)

/** The offers a server with no option handlers sends after the client's first answer (WONT TTYPE here). */
private val CORE_OFFERS = bytes(IAC, WILL, SGA, IAC, WILL, ECHO, IAC, DO, NAWS, IAC, DO, NEW_ENVIRON, IAC, DO, CHARSET)

/** Answers the core's offers so that negotiation settles: character mode, nothing else. */
private val CORE_ANSWERS = bytes(IAC, DO, SGA, IAC, DO, ECHO, IAC, WONT, NAWS, IAC, WONT, NEW_ENVIRON, IAC, WONT, CHARSET)

class OptionApiSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 60.seconds)
    val fixture = serverFixture()

    /** Opens a raw client and plays the opening: WONT TTYPE, then the core offers (and [extra]) answered with [answers]. */
    suspend fun opened(server: TelnetServer, extraOffers: ByteArray, answers: ByteArray): RawClient {
        val raw = fixture.rawSocket(server)
        raw.readExactly(3).hex() shouldBe bytes(IAC, DO, TTYPE).hex()
        raw.send(bytes(IAC, WONT, TTYPE))
        val expected = CORE_OFFERS + extraOffers
        raw.readExactly(expected.size).hex() shouldBe expected.hex()
        raw.send(CORE_ANSWERS + answers)
        raw.readUntil("> ")
        return raw
    }

    test("an AT_CONNECT option is asked for with the opening offers, after the core's; the client's DO enables it and the handler hears of it") {
        val handler = RecordingOption(local = OptionOffer.AT_CONNECT)
        val server = fixture.start(settings({ handler }), echoShell())
        opened(server, bytes(IAC, WILL, OPT), bytes(IAC, DO, OPT))
        handler.calls.first() shouldBe "enabled LOCAL"
        handler.ctx.isEnabled(OptionSide.LOCAL) shouldBe true
    }

    test("an ACCEPT option is not asked for, but the client's request is agreed to; a REFUSE side is refused; an option without a handler is refused") {
        val handler = RecordingOption(local = OptionOffer.REFUSE, remote = OptionOffer.ACCEPT)
        val server = fixture.start(settings({ handler }), echoShell())
        val raw = opened(server, ByteArray(0), ByteArray(0))
        raw.send(bytes(IAC, WILL, OPT))
        raw.readExactly(3).hex() shouldBe bytes(IAC, DO, OPT).hex()
        raw.send(bytes(IAC, DO, OPT))
        raw.readExactly(3).hex() shouldBe bytes(IAC, WONT, OPT).hex()
        raw.send(bytes(IAC, DO, 92))
        raw.readExactly(3).hex() shouldBe bytes(IAC, WONT, 92).hex()
        awaitCondition("handler told") { handler.calls.contains("enabled REMOTE") }
        handler.calls shouldContain "enabled REMOTE"
        handler.calls.none { it == "enabled LOCAL" } shouldBe true
    }

    test("subnegotiations reach the handler only while the option is enabled, and the handler's own go out from any thread in order with the output") {
        val handler = RecordingOption(local = OptionOffer.AT_CONNECT)
        val server = fixture.start(settings({ handler }), echoShell())
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        // Before any agreement: ignored by rule.
        raw.send(sb(OPT, "early") + bytes(IAC, WONT, TTYPE))
        raw.readExactly(CORE_OFFERS.size + 3)
        raw.send(CORE_ANSWERS + bytes(IAC, DO, OPT) + sb(OPT, "hello") + sb(OPT, "a\u00ffb".replace("\u00ff", "\u00ff\u00ff")))
        raw.readUntil("> ")
        awaitCondition("both subnegotiations handled") { handler.payloads.size == 2 }
        handler.payloads shouldContainExactly listOf("hello", "a\u00ffb")

        val sent = CompletableDeferred<Boolean>()
        Thread { sent.complete(handler.send("from\u00ffthread")) }.start()
        withTimeout(5.seconds) { sent.await() } shouldBe true
        val expected = sb(OPT, "from\u00ff\u00ffthread")
        raw.readExactly(expected.size).hex() shouldBe expected.hex()
    }

    test("a subnegotiation longer than the handler's bound is dropped whole; the next one arrives and the session goes on") {
        val handler = RecordingOption(local = OptionOffer.AT_CONNECT, maxSubnegotiation = 64)
        val server = fixture.start(settings({ handler }), echoShell())
        val raw = opened(server, bytes(IAC, WILL, OPT), bytes(IAC, DO, OPT))
        raw.send(sb(OPT, "x".repeat(100)) + sb(OPT, "short") + "ping\r\n".toByteArray())
        String(raw.readUntil("> "), Charsets.ISO_8859_1) shouldContain "got [ping]"
        handler.payloads shouldContainExactly listOf("short")
    }

    test("a handler that answers every change with the opposite request cannot keep a loop going: the requests are bounded and the session answers") {
        val flips = AtomicInteger()
        val handler = object : RecordingOption(local = OptionOffer.AT_CONNECT) {
            override fun onEnabled(side: OptionSide) { flips.incrementAndGet(); ask(side, false) }
            override fun onDisabled(side: OptionSide) { flips.incrementAndGet(); ask(side, true) }
        }
        val server = fixture.start(settings({ handler }), echoShell())
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        raw.send(bytes(IAC, WONT, TTYPE))
        raw.readExactly(CORE_OFFERS.size + 3)
        raw.send(CORE_ANSWERS + bytes(IAC, DO, OPT))
        // An agreeable client: whatever the server says about the option, it agrees.
        repeat(300) {
            val got = raw.readFor(50.milliseconds)
            if (got.isEmpty()) return@repeat
            var i = 0
            val answer = java.io.ByteArrayOutputStream()
            while (i + 2 < got.size) {
                if ((got[i].toInt() and 0xff) == IAC && (got[i + 2].toInt() and 0xff) == OPT) {
                    when (got[i + 1].toInt() and 0xff) {
                        WILL -> answer.write(bytes(IAC, DO, OPT))
                        WONT -> answer.write(bytes(IAC, DONT, OPT))
                    }
                    i += 3
                } else i++
            }
            if (answer.size() > 0) raw.send(answer.toByteArray())
        }
        flips.get() shouldBeInRange 10..120
        raw.send("still here\r\n")
        String(raw.readUntil("> "), Charsets.ISO_8859_1) shouldContain "got [still here]"
    }

    test("a handler that throws is logged and the session goes on; a handler for an option the core speaks is left out") {
        val thrower = object : RecordingOption(local = OptionOffer.AT_CONNECT) {
            override fun onSubnegotiation(payload: ByteArray) = throw IllegalStateException("boom")
        }
        val echoTaker = RecordingOption(option = ECHO, local = OptionOffer.REFUSE)
        val server = fixture.start(settings({ thrower }, { echoTaker }), echoShell())
        val raw = opened(server, bytes(IAC, WILL, OPT), bytes(IAC, DO, OPT))
        raw.send(sb(OPT, "x") + "after\r\n".toByteArray())
        val text = String(raw.readUntil("> "), Charsets.ISO_8859_1)
        text shouldContain "got [after]"
        text shouldNotContain "boom"
        // ECHO stayed the core's: it was offered (WILL ECHO above) and is on.
        echoTaker.calls shouldBe emptyList()
    }

    test("an output transform starts right after its announcement and ends with its trailer; the bytes after it go plain") {
        val transform = XorOutput()
        val started = CompletableDeferred<Unit>()
        val handler = object : RecordingOption(local = OptionOffer.AT_CONNECT) {
            override fun onEnabled(side: OptionSide) { context.startOutputTransform(ByteArray(0), transform); started.complete(Unit) }
        }
        val gate = CompletableDeferred<Unit>()
        val server = fixture.start(settings({ handler }), SessionHandler { session ->
            session.writeLine("hi")
            gate.await()
            session.telnetOption<RecordingOption>()!!.ctx.stopOutputTransform()
            session.writeLine("plain")
            session.readLine("> ")
        })
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        raw.send(bytes(IAC, WONT, TTYPE))
        raw.readExactly(CORE_OFFERS.size + 3)
        raw.send(CORE_ANSWERS + bytes(IAC, DO, OPT))
        withTimeout(5.seconds) { started.await() }
        raw.readExactly(5).hex() shouldBe sb(OPT, "").hex()
        raw.readExactly(4).map { (it.toInt() xor 0x5A).toByte() }.toByteArray().toString(Charsets.ISO_8859_1) shouldBe "hi\r\n"
        gate.complete(Unit)
        raw.readExactly(3).toString(Charsets.ISO_8859_1) shouldBe "END"
        String(raw.readUntil("> "), Charsets.ISO_8859_1) shouldBe "plain\r\n> "
        awaitCondition("the transform closed once") { transform.closed == 1 }
    }

    test("an input transform started in onSubnegotiation takes the very next byte, even in the same packet, until its stream ends") {
        val transform = XorInput()
        val handler = object : RecordingOption(local = OptionOffer.AT_CONNECT) {
            override fun onSubnegotiation(payload: ByteArray) = context.startInputTransform(transform)
        }
        val server = fixture.start(settings({ handler }), echoShell())
        val raw = opened(server, bytes(IAC, WILL, OPT), bytes(IAC, DO, OPT))
        val hidden = "secret\r\n".toByteArray().map { (it.toInt() xor 0x5A).toByte() }.toByteArray() + byteArrayOf(0x5A)
        raw.send(sb(OPT, "") + hidden + "plain\r\n".toByteArray())
        val text = String(raw.readUntil("got [plain]\r\n> "), Charsets.ISO_8859_1)
        text shouldContain "got [secret]"
        awaitCondition("the input transform closed") { transform.closed == 1 }
    }

    test("the handler hears each prompt and the end of its session, and the session finds its handler by type") {
        val handler = RecordingOption(local = OptionOffer.AT_CONNECT)
        val found = CompletableDeferred<RecordingOption?>()
        val server = fixture.start(settings({ handler }), SessionHandler { session ->
            found.complete(session.telnetOption<RecordingOption>())
            while (true) session.writeLine("got [${session.readLine("> ") ?: break}]")
        })
        val raw = opened(server, bytes(IAC, WILL, OPT), bytes(IAC, DO, OPT))
        withTimeout(5.seconds) { found.await() } shouldBe handler
        raw.send("one\r\n")
        raw.readUntil("> ")
        raw.close()
        awaitCondition("closed") { handler.calls.contains("close") }
        handler.calls.count { it == "prompt" } shouldBe 2
    }

    test("the opening waits for the answer to an AT_CONNECT offer, unless the handler says no one waits on it (MSSP)") {
        val longWait = ServerSettings(
            host = "127.0.0.1", port = 0, connectMaxWait = Duration.ofSeconds(30), idleTimeout = Duration.ofSeconds(30),
            telnetOptions = listOf(
                TelnetOptionFactory { RecordingOption(local = OptionOffer.AT_CONNECT) },
                TelnetOptionFactory {
                    object : RecordingOption(option = 70, local = OptionOffer.AT_CONNECT) {
                        override val awaitedAtConnect: Boolean get() = false
                    }
                },
            ),
        )
        val server = fixture.start(longWait, echoShell())
        val raw = fixture.rawSocket(server)
        raw.readExactly(3)
        raw.send(bytes(IAC, WONT, TTYPE))
        raw.readExactly(CORE_OFFERS.size + 6).hex() shouldBe (CORE_OFFERS + bytes(IAC, WILL, 70, IAC, WILL, OPT)).hex()
        // Everything answered but the two handlers' offers: the awaited one holds the prompt back.
        raw.send(CORE_ANSWERS)
        raw.readFor(500.milliseconds).hex() shouldBe ""
        // Its answer comes; the other offer stays unanswered, and the prompt comes at once, not after 30 s.
        raw.send(bytes(IAC, DONT, OPT))
        String(raw.readUntil("> ", 20.seconds), Charsets.ISO_8859_1) shouldContain "> "
    }
})
