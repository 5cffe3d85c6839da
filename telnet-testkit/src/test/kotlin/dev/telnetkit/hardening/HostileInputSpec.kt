package dev.telnetkit.hardening

import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionHandler

import ch.qos.logback.classic.Level
import dev.telnetkit.protocol.TelnetCommand
import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.ServerSettings
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.awaitCondition
import dev.telnetkit.server.serverFixture
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldHaveSize
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.comparables.shouldBeLessThanOrEqualTo
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeInRange
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldEndWith
import io.kotest.matchers.string.shouldStartWith
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import java.io.ByteArrayOutputStream
import java.net.InetSocketAddress
import java.net.Socket
import java.time.Duration
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap
import kotlin.random.Random
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.Duration as KDuration

private const val IAC = TelnetCommand.IAC
private const val SB = TelnetCommand.SB
private const val SE = TelnetCommand.SE
private const val MiB = 1 shl 20

private fun bytesOf(vararg values: Int): ByteArray = ByteArray(values.size) { values[it].toByte() }

/** Answers for a raw socket that wants character mode: the server echoes, and nothing stays pending. */
private val CHARACTER_MODE = bytesOf(
    IAC, TelnetCommand.WONT, TelnetOption.TTYPE,
    IAC, TelnetCommand.DO, TelnetOption.SGA,
    IAC, TelnetCommand.DO, TelnetOption.ECHO,
    IAC, TelnetCommand.WONT, TelnetOption.NAWS,
    IAC, TelnetCommand.WONT, TelnetOption.NEW_ENVIRON,
    IAC, TelnetCommand.WONT, TelnetOption.CHARSET,
)

/**
 * Brings any session back to a plain prompt whatever state junk left it in: ends a subnegotiation
 * (twice, in case the junk stopped right after `IAC SB`), abandons an escape sequence, leaves
 * reverse search (Ctrl-G), and clears the line (Ctrl-E, Ctrl-U).
 */
private val RECOVER = bytesOf(IAC, SE, IAC, SE, 0x07, 0x07, 0x07, 0x05, 0x15)

/** Data bytes as a Telnet client sends them: 255 doubled. */
private fun telnetData(bytes: ByteArray): ByteArray {
    val out = ByteArrayOutputStream(bytes.size + 16)
    for (b in bytes) {
        out.write(b.toInt())
        if (b == 0xFF.toByte()) out.write(0xFF)
    }
    return out.toByteArray()
}

/** Repeats [unit] to [size] bytes. */
private fun repeatTo(unit: ByteArray, size: Int): ByteArray = ByteArray(size) { unit[it % unit.size] }

/** Heap in use after a full collection, in bytes. */
private fun usedHeapAfterGc(): Long {
    repeat(2) { System.gc() }
    return java.lang.management.ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
}

private fun String.hasControlCharacters() = any { it < ' ' || it == '\u007f' || it in '\u0080'..'\u009f' }

class HostileInputSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 40.seconds)
    val fixture = serverFixture()
    val abusers = abuserPool()
    val log = captureServerLog()

    /** A server that records every line per session, and a well-behaved client already at its prompt. */
    class Arena(val server: TelnetServer, val good: TelnetTestClient, val lines: ConcurrentHashMap<Long, MutableList<String>>, val goodId: Long) {
        private var pings = 0
        val worstRoundTrip = mutableListOf<KDuration>()

        /** The good client is answered within [within]. */
        suspend fun goodClientAnswers(within: KDuration = 2.seconds) {
            val word = "good-${++pings}"
            worstRoundTrip.add(timed { good.roundTrip(word, within) })
        }

        /** The one session that is not the good client's (waits for it to start). */
        suspend fun abuserSession(): Session {
            awaitCondition("the abusive session started", 10.seconds) { server.sessions.size == 2 }
            return server.sessions.single { it.id != goodId }
        }

        fun linesOf(session: Session): List<String> = lines[session.id]?.let { synchronized(it) { it.toList() } } ?: emptyList()
    }

    suspend fun arena(
        settings: ServerSettings = limitSettings(),
        shell: (MutableList<String>) -> SessionHandler = { recordingEcho(it) },
    ): Arena {
        val lines = ConcurrentHashMap<Long, MutableList<String>>()
        val handler = SessionHandler { s ->
            val mine = Collections.synchronizedList(ArrayList<String>()).also { lines[s.id] = it }
            shell(mine).handle(s)
        }
        val server = fixture.start(settings, handler)
        val good = fixture.connect(server)
        good.awaitPrompt("> ")
        return Arena(server, good, lines, server.sessions.single().id)
    }

    /** After the abuse: the good client is answered promptly and nothing was logged as an error. */
    suspend fun Arena.assertServerHealthy() {
        goodClientAnswers()
        withClue("ERROR log events and uncaught exceptions") { log.failures().shouldBeEmpty() }
        withClue("the good client's session") { server.sessions.any { it.id == goodId }.shouldBeTrue() }
        println("good client: ${worstRoundTrip.size} round trips, slowest ${worstRoundTrip.max()}")
    }

    test("1 MiB of random bytes: the session survives it and answers afterwards; others are served throughout") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port)
        val session = arena.abuserSession()
        val random = Random(854)
        // Ctrl-D on an empty line is a legitimate logout, not junk: it is left out so the session must survive.
        val junk = random.nextBytes(MiB).also { bytes -> for (i in bytes.indices) if (bytes[i] == 0x04.toByte()) bytes[i] = 0x05 }
        abuser.sendStream(junk.size.toLong(), between = { sent -> if (sent % (256 * 1024) == 0L) arena.goodClientAnswers() }) { from, n ->
            junk.copyOfRange(from.toInt(), from.toInt() + n)
        } shouldBe junk.size.toLong()
        abuser.send(RECOVER + "ping-random\r\n".toByteArray()).shouldBeTrue()
        withClue("the abuser's session answers after the junk") { abuser.awaitText("got [ping-random]", 20.seconds).shouldBeTrue() }
        arena.linesOf(session).last() shouldBe "ping-random"
        arena.linesOf(session).forEach { line -> line.length shouldBeLessThanOrEqualTo 4096 }
        arena.server.sessions shouldHaveSize 2
        arena.assertServerHealthy()
    }

    test("IAC floods: 1 MiB of commands that need no answer gets none, IAC IAC is data capped at maxLineLength, and an AYT flood from a client that never reads is cut off") {
        val arena = arena()
        // Commands that need no answer: NOP, GA, DM, EOR, and codes with no meaning.
        val quiet = abusers.connect(arena.server.port, keepAll = true)
        quiet.send(CHARACTER_MODE)
        quiet.awaitText("> ").shouldBeTrue()
        val before = quiet.bytesReceived
        quiet.send(repeatTo(bytesOf(IAC, TelnetCommand.NOP, IAC, TelnetCommand.GA, IAC, TelnetCommand.DM, IAC, 239, IAC, 1, IAC, 200), MiB)).shouldBeTrue()
        quiet.send("ping-quiet\r\n").shouldBeTrue()
        quiet.awaitText("got [ping-quiet]").shouldBeTrue()
        withClue("bytes the server sent in answer to 1 MiB of no-answer commands, beyond the echo and the answer") {
            (quiet.bytesReceived - before) shouldBeLessThan 64L
        }
        arena.goodClientAnswers()
        quiet.close()

        // IAC IAC is the data byte 255: invalid UTF-8, one U+FFFD each, and the line stops at maxLineLength.
        val ffs = abusers.connect(arena.server.port)
        ffs.send(CHARACTER_MODE)
        ffs.awaitText("> ").shouldBeTrue()
        val ffSession = arena.server.sessions.last()
        ffs.send(repeatTo(bytesOf(IAC, IAC), MiB)).shouldBeTrue()
        ffs.send("\r\n").shouldBeTrue()
        awaitCondition("the IAC IAC line arrived", 20.seconds) { arena.linesOf(ffSession).isNotEmpty() }
        arena.linesOf(ffSession).single() shouldBe "\uFFFD".repeat(4096)
        ffs.close()
        awaitCondition("only the good client is left") { arena.server.sessions.size == 1 }

        // AYT asks for an answer every time: a client that never reads them is cut off, never buffered without end.
        val ayt = abusers.connect(arena.server.port, drain = false, receiveBuffer = 4096)
        awaitCondition("the AYT session started", 10.seconds) { arena.server.sessions.size == 2 }
        val aytSession = arena.server.sessions.single { it.id != arena.goodId }
        var maxQueued = 0L
        val flood = repeatTo(bytesOf(IAC, TelnetCommand.AYT), 64 * 1024)
        var sent = 0L
        while (sent < 64L * MiB && ayt.send(flood)) {
            sent += flood.size
            maxQueued = maxOf(maxQueued, queuedOutputBytes(aytSession))
            if (sent % (4 * MiB) == 0L) arena.goodClientAnswers()
            if (arena.server.sessions.none { it.id == aytSession.id }) break
        }
        awaitCondition("the AYT flooder is cut off (${sent / 1024} KiB sent)", 20.seconds) { arena.server.sessions.none { it.id == aytSession.id } }
        withClue("output queued for the flooder at most") { maxQueued shouldBeLessThanOrEqualTo (1L shl 20) }
        log.messages(Level.WARN).filter { "session ${aytSession.id} " in it && "cut off" in it } shouldHaveSize 1
        ayt.awaitEof().shouldBeTrue()
        arena.server.sessions shouldHaveSize 1
        arena.assertServerHealthy()
    }

    test("an IAC EC / EL / IP flood while a command runs and reads nothing: 64 MiB are read and dropped past a bounded backlog, the heap stays flat, and the end of the connection is still seen") {
        // `busy` is a command that never reads again: everything the client sends after it waits.
        val arena = arena(shell = { lines ->
            SessionHandler { s ->
                while (true) {
                    val line = s.readLine("> ") ?: break
                    lines.add(line)
                    if (line == "busy") awaitCancellation()
                    s.writeLine("got [$line]")
                }
            }
        })
        val abuser = abusers.connect(arena.server.port)
        arena.abuserSession()
        abuser.awaitText("> ", 5.seconds).shouldBeTrue()
        abuser.send("busy\r\n").shouldBeTrue()
        val heapBefore = usedHeapAfterGc()
        val flood = repeatTo(bytesOf(IAC, TelnetCommand.EC, IAC, TelnetCommand.EL, IAC, TelnetCommand.IP), 64 * 1024)
        val sent = abuser.sendStream(64L * MiB, between = { sent -> if (sent % (8L * MiB) == 0L) arena.goodClientAnswers() }) { _, n -> flood.copyOf(n) }
        withClue("the server kept reading the flood") { sent shouldBe 64L * MiB }
        arena.goodClientAnswers()
        val grown = usedHeapAfterGc() - heapBefore
        println("IAC EC/EL/IP flood of 64 MiB (32 M commands) during a command: heap grew ${grown / 1024} KiB")
        withClue("heap growth after 32 million queued-up commands") { grown shouldBeLessThan 16L * MiB }
        // A reset (not a half-close, after which a script may still read answers) ends the session
        // even though its command never reads: the server is still reading, so it sees the reset.
        withContext(Dispatchers.IO) { abuser.socket.setSoLinger(true, 0) }
        abuser.close()
        awaitCondition("the flooder's session ended when it reset the connection") { arena.server.sessions.size == 1 }
        arena.assertServerHealthy()
    }

    test("a DO TIMING-MARK flood from a client that never reads: every mark is answered, the answers are queued a read at a time (not an object each), and the heap stays flat until the stall cut-off") {
        val arena = arena()
        val socket = withContext(Dispatchers.IO) {
            Socket().apply {
                receiveBufferSize = 4096
                connect(InetSocketAddress("127.0.0.1", arena.server.port), 5000)
            }
        }
        val session = arena.abuserSession()
        val heapBefore = usedHeapAfterGc()
        val flood = repeatTo(bytesOf(IAC, TelnetCommand.DO, TelnetOption.TIMING_MARK), 63 * 1024)
        val writer = Thread {
            try {
                val out = socket.getOutputStream()
                while (true) out.write(flood)
            } catch (_: java.io.IOException) {
                // cut off, or closed by the test
            }
        }.apply { isDaemon = true; start() }
        try {
            awaitCondition("the server queued a quarter of the output limit and stopped reading", 10.seconds) { queuedOutputBytes(session) >= 256 * 1024 }
            delay(300)
            val grown = usedHeapAfterGc() - heapBefore
            val queued = queuedOutputBytes(session)
            println("DO TIMING-MARK flood, client not reading: ${queued / 1024} KiB of WILL TIMING-MARK queued, heap grew ${grown / 1024} KiB")
            withClue("heap growth with ${queued / 3} answers queued") { grown shouldBeLessThan 4L * MiB }
            arena.goodClientAnswers()
        } finally {
            withContext(Dispatchers.IO) { socket.close() }
            writer.join(2000)
        }
        awaitCondition("the flooder's session ended", 10.seconds) { arena.server.sessions.size == 1 }
        arena.assertServerHealthy()
    }

    test("an unterminated 10 MiB subnegotiation is never buffered beyond maxSubnegotiation, and IAC SE brings the session back") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port)
        val session = arena.abuserSession()
        abuser.send(bytesOf(IAC, SB, TelnetOption.NEW_ENVIRON, 0 /* IS */)).shouldBeTrue()
        var maxBuffered = 0
        val chunk = ByteArray(64 * 1024) { ('a' + it % 26).code.toByte() }
        abuser.sendStream(10L * MiB, between = { sent ->
            maxBuffered = maxOf(maxBuffered, bufferedSubnegotiationBytes(session))
            if (sent % (2L * MiB) == 0L) arena.goodClientAnswers()
        }) { _, n -> chunk.copyOf(n) } shouldBe 10L * MiB
        withClue("bytes buffered for the subnegotiation at most") { maxBuffered shouldBeLessThanOrEqualTo 16 * 1024 }
        abuser.send(bytesOf(IAC, SE) + "ping-sb\r\n".toByteArray()).shouldBeTrue()
        abuser.awaitText("got [ping-sb]", 20.seconds).shouldBeTrue()
        bufferedSubnegotiationBytes(session) shouldBe 0
        session.environment shouldBe emptyMap()
        log.messages().filter { "subnegotiation NEW-ENVIRON dropped: longer than 16384 bytes" in it } shouldHaveSize 1
        arena.assertServerHealthy()
    }

    test("100,000 subnegotiations in a row, valid, malformed, unsolicited and cut short by other commands, leave the session working") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port)
        abuser.send(CHARACTER_MODE)
        abuser.awaitText("> ").shouldBeTrue()
        val session = arena.abuserSession()
        val out = ByteArrayOutputStream()
        for (i in 0 until 100_000) {
            when (i % 100) {
                0 -> out.write(bytesOf(IAC, SB, TelnetOption.NAWS, 0, 80, 0)) // malformed: 3 bytes
                1 -> out.write(bytesOf(IAC, SB, TelnetOption.TTYPE, 0, 'x'.code)) // cut short by the next IAC SB
                2 -> out.write(bytesOf(IAC, SB, 200, 1, 2, 3, IAC, SE)) // an option nobody agreed to
                3 -> out.write(bytesOf(IAC, SB, TelnetOption.TTYPE, 0) + "vt100".toByteArray() + bytesOf(IAC, SE)) // unsolicited TTYPE IS
                4 -> out.write(bytesOf(IAC, SB, TelnetOption.CHARSET, 2) + "UTF-8".toByteArray() + bytesOf(IAC, SE)) // ACCEPTED, never requested
                else -> out.write(bytesOf(IAC, SB, TelnetOption.NAWS, 0, 40 + i % 100, 0, 20 + i % 7, IAC, SE))
            }
        }
        abuser.send(out.toByteArray()).shouldBeTrue()
        arena.goodClientAnswers()
        abuser.send(RECOVER + "ping-sbs\r\n".toByteArray()).shouldBeTrue()
        abuser.awaitText("got [ping-sbs]", 20.seconds).shouldBeTrue()
        // The last valid NAWS was i = 99_999: 40 + 99 columns, 20 + 99_999 % 7 rows.
        session.size.width shouldBe 139
        session.size.height shouldBe 20 + 99_999 % 7
        session.terminalType shouldBe "unknown"
        arena.assertServerHealthy()
    }

    test("an option storm: every verb for all 256 options, 40 times over, gets a bounded number of replies and the session works") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port, keepAll = true)
        abuser.awaitText("\u00ff\u00fd\u0018").shouldBeTrue()
        val storm = ByteArrayOutputStream()
        repeat(40) {
            for (verb in listOf(TelnetCommand.WILL, TelnetCommand.DO, TelnetCommand.WONT, TelnetCommand.DONT)) {
                for (option in 0..255) storm.write(bytesOf(IAC, verb, option))
            }
        }
        abuser.send(storm.toByteArray()).shouldBeTrue()
        arena.goodClientAnswers()
        abuser.send(RECOVER + "ping-storm\r\n".toByteArray()).shouldBeTrue()
        abuser.awaitText("got [ping-storm]", 20.seconds).shouldBeTrue()
        val received = abuser.received
        var negotiations = 0
        for (i in 0 until received.size - 1) {
            if (received[i] == 0xFF.toByte() && (received[i + 1].toInt() and 0xff) in TelnetCommand.WILL..TelnetCommand.DONT) negotiations++
        }
        withClue("negotiation replies to ${storm.size() / 3} messages (budget 50 per option)") { negotiations shouldBeLessThanOrEqualTo 256 * 50 }
        withClue("bytes the server sent") { received.size shouldBeLessThanOrEqualTo 256 * 50 * 3 + 64 * 1024 }
        arena.assertServerHealthy()
    }

    test("a 10 MB line from a client that never reads: in line mode it is cut at maxLineLength and the session works; in character mode the server stops reading once the unread bells pass a quarter of outputBufferLimit, and the client is cut off after outputStallTimeout") {
        val arena = arena()
        val line = ByteArray(64 * 1024) { 'a'.code.toByte() }
        val total = 10L * 1000 * 1000

        // Line mode (a raw client that never answered): the server draws nothing, so nothing backs up.
        val lineMode = abusers.connect(arena.server.port, drain = false)
        val lineSession = arena.abuserSession()
        lineMode.sendStream(total, between = { sent -> if (sent % (64L * 32 * 1024) == 0L) arena.goodClientAnswers() }) { _, n -> line.copyOf(n) } shouldBe total
        lineMode.send("\r\n").shouldBeTrue()
        awaitCondition("the 10 MB line arrived", 30.seconds) { arena.linesOf(lineSession).isNotEmpty() }
        arena.linesOf(lineSession).single() shouldBe "a".repeat(4096)
        lineMode.startDraining()
        lineMode.send("ping-line\r\n").shouldBeTrue()
        lineMode.awaitText("got [ping-line]", 10.seconds).shouldBeTrue()
        lineMode.close()
        awaitCondition("the line-mode session ended") { arena.server.sessions.size == 1 }

        // Character mode: every character past maxLineLength rings the bell, one byte out per byte in.
        // Unread, those bells make the server stop reading the client's input (TCP then stops the
        // sender); after outputStallTimeout (5 s here) with nothing read, the client is cut off.
        // How much the kernel absorbs first depends on the host's TCP buffers, so the line goes on
        // until the sender blocks and the cut-off breaks the connection, not to a fixed size.
        val charMode = abusers.connect(arena.server.port, drain = false, receiveBuffer = 4096)
        charMode.send(CHARACTER_MODE)
        val charSession = arena.abuserSession()
        awaitCondition("character mode") { charSession.serverEchoes }
        var maxQueued = 0L
        var sent = 0L
        val sampler = launch {
            while (true) {
                maxQueued = maxOf(maxQueued, queuedOutputBytes(charSession))
                delay(5.milliseconds)
            }
        }
        while (sent < 256L * MiB && charMode.send(line)) sent += line.size
        awaitCondition("the character-mode session is cut off (${sent / 1024} KiB sent)", 20.seconds) { arena.server.sessions.none { it.id == charSession.id } }
        sampler.cancel()
        withClue("output queued at most") { maxQueued shouldBeLessThanOrEqualTo (1L shl 20) }
        log.messages(Level.WARN).filter { "session ${charSession.id} " in it && "cut off: client read nothing for 5000 ms" in it } shouldHaveSize 1
        charMode.awaitEof().shouldBeTrue()
        arena.linesOf(charSession).shouldBeEmpty()
        arena.assertServerHealthy()
    }

    test("a 10 MB line from a client in character mode that reads: the line is cut at maxLineLength and the session works") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port)
        abuser.send(CHARACTER_MODE)
        val session = arena.abuserSession()
        awaitCondition("character mode") { session.serverEchoes }
        val line = ByteArray(64 * 1024) { 'b'.code.toByte() }
        val total = 10L * 1000 * 1000
        abuser.sendStream(total, between = { sent -> if (sent % (64L * 32 * 1024) == 0L) arena.goodClientAnswers() }) { _, n -> line.copyOf(n) } shouldBe total
        abuser.send("\r\nping-read\r\n").shouldBeTrue()
        abuser.awaitText("got [ping-read]", 30.seconds).shouldBeTrue()
        arena.linesOf(session) shouldBe listOf("b".repeat(4096), "ping-read")
        arena.assertServerHealthy()
    }

    test("NUL and control bytes everywhere never reach a line, and 1 MiB of NULs is ignored") {
        val arena = arena()
        val abuser = fixture.connect(arena.server)
        abuser.awaitPrompt("> ")
        val session = arena.server.sessions.single { it.id != arena.goodId }
        val random = Random(1854)
        // Every C0 control but the ones that end a line (CR, LF), log out (Ctrl-D) or start an escape
        // sequence (ESC, which may swallow the CR after it); DEL; and C1 controls (sent as UTF-8).
        val controls = ((0x00..0x1f) - listOf(0x0a, 0x0d, 0x04, 0x1b)).map { byteArrayOf(it.toByte()) } +
            listOf(byteArrayOf(0x7f)) + (0x80..0x9f).map { String(Character.toChars(it)).toByteArray(Charsets.UTF_8) }
        val wire = ByteArrayOutputStream()
        repeat(1000) { n ->
            val word = "line$n"
            for (c in word) {
                wire.write(c.code)
                if (random.nextInt(3) == 0) wire.write(controls.random(random))
            }
            wire.write(controls.random(random))
            wire.write("\r\n".toByteArray())
        }
        abuser.sendBytes(wire.toByteArray())
        abuser.awaitText("got [", 10.seconds)
        awaitCondition("1000 lines handled", 20.seconds) { arena.linesOf(session).size == 1000 }
        val bad = arena.linesOf(session).filter { it.hasControlCharacters() }
        withClue("lines with control characters") { bad.shouldBeEmpty() }

        abuser.sendBytes(ByteArray(MiB))
        abuser.sendBytes("af\u0000ter\u0000-nul\r\n".toByteArray())
        abuser.awaitText("got [after-nul]\r\n", 20.seconds)
        arena.linesOf(session).last() shouldBe "after-nul"
        arena.assertServerHealthy()
    }

    test("invalid UTF-8 becomes U+FFFD inside the line and never ends the session") {
        val arena = arena()
        val abuser = fixture.connect(arena.server)
        abuser.awaitPrompt("> ")
        val session = arena.server.sessions.single { it.id != arena.goodId }
        val invalid = listOf(
            bytesOf(0xC0, 0x80), // overlong NUL
            bytesOf(0xE0, 0x80, 0x80), // overlong
            bytesOf(0xED, 0xA0, 0x80), // a UTF-16 surrogate
            bytesOf(0xF4, 0x90, 0x80, 0x80), // beyond U+10FFFF
            bytesOf(0xF8, 0x88, 0x80, 0x80, 0x80), // five-byte form
            bytesOf(0xFE), bytesOf(0xFF), // never valid
            bytesOf(0x80), bytesOf(0xBF, 0xBF), // lone continuation bytes
            bytesOf(0xE2, 0x82), // cut short
            bytesOf(0xC3), // cut short
        )
        for ((i, bad) in invalid.withIndex()) {
            abuser.sendBytes(telnetData("a$i".toByteArray() + bad + "b\r\n".toByteArray()))
            val line = abuser.awaitRegex(Regex("got \\[(a$i[^\\]]*)]\r\n")).groupValues[1]
            withClue("sequence ${bad.joinToString(" ") { "%02X".format(it) }}: '$line'") {
                line shouldStartWith "a$i"
                line shouldEndWith "b"
                val middle = line.removePrefix("a$i").removeSuffix("b")
                middle.length shouldBeGreaterThan 0
                middle.all { it == '\uFFFD' }.shouldBeTrue()
            }
        }
        abuser.roundTrip("still-utf8-\u00e9\u4e2d")
        arena.assertServerHealthy()
    }

    test("escape-sequence floods: 1 MiB of overlong, unknown, cut and valid sequences never turn into text and leave the session working") {
        val arena = arena()
        val abuser = abusers.connect(arena.server.port)
        abuser.send(CHARACTER_MODE)
        val session = arena.abuserSession()
        awaitCondition("character mode") { session.serverEchoes }
        val units = listOf(
            "\u001b[" + "1;".repeat(5000) + "A", // overlong CSI
            "\u001b[?1049h", "\u001b[38;5;196m", "\u001b[999999999999999999999D", // unknown or absurd
            "\u001b[A", "\u001b[B", "\u001b[C", "\u001b[D", "\u001b[1;5C", "\u001b[3~", "\u001b[H", "\u001b[F", // keys
            "\u001bOA", "\u001bOx", "\u001b\u001b\u001b", "\u001bb", "\u001bf", // SS3, lone ESCs, Alt keys
            "\u001b[", "\u001b", // cut short; the next unit's ESC follows
        ).map { it.toByteArray(Charsets.ISO_8859_1) }
        // Chunks end between units, so a pause between them (the escape timeout) cannot cut a sequence.
        val random = Random(2)
        val chunks = ArrayList<ByteArray>()
        var size = 0
        while (size < MiB) {
            val chunk = ByteArrayOutputStream()
            while (chunk.size() < 64 * 1024) chunk.write(units.random(random))
            chunks.add(chunk.toByteArray())
            size += chunk.size()
        }
        for ((i, chunk) in chunks.withIndex()) {
            abuser.send(chunk).shouldBeTrue()
            if (i % 4 == 3) arena.goodClientAnswers()
        }
        // BEL ends a sequence left open; Enter shows what the flood typed: nothing.
        abuser.send("\u0007\r\n").shouldBeTrue()
        abuser.send("ping-esc\r\n").shouldBeTrue()
        abuser.awaitText("got [ping-esc]", 20.seconds).shouldBeTrue()
        withClue("lines: ${arena.linesOf(session).map { it.take(80) }}") { arena.linesOf(session) shouldBe listOf("", "ping-esc") }
        arena.assertServerHealthy()
    }

    test("slowloris: one byte every 50 ms keeps a session alive and working, and others are not slowed") {
        val arena = arena(limitSettings(idleTimeout = Duration.ofSeconds(1)))
        val slow = abusers.connect(arena.server.port)
        slow.send(CHARACTER_MODE)
        val session = arena.abuserSession()
        val text = "slow-and-steady-wins-nothing-here-0123456789-abcdefghij\r\n".toByteArray()
        for ((i, b) in text.withIndex()) {
            slow.send(byteArrayOf(b)).shouldBeTrue()
            delay(50.milliseconds)
            if (i % 5 == 0) arena.goodClientAnswers(within = 1.seconds)
        }
        slow.awaitText("got [slow-and-steady-wins-nothing-here-0123456789-abcdefghij]").shouldBeTrue()
        withClue("the slow session lasted ${session.duration.toMillis()} ms with idleTimeout 1 s") { arena.server.sessions.any { it.id == session.id }.shouldBeTrue() }
        withClue("round trips of the good client: ${arena.worstRoundTrip}") { arena.worstRoundTrip.max() shouldBeLessThan 1.seconds }
        arena.assertServerHealthy()
    }

    test("connections that never send anything are closed by the idle timeout, and others are not disturbed") {
        val notice = "Idle: goodbye."
        val arena = arena(limitSettings(idleTimeout = Duration.ofMillis(800), idleNotice = notice))
        val silent = (1..20).map { abusers.connect(arena.server.port) }
        awaitCondition("all silent sessions started") { arena.server.sessions.size == 21 }
        // The good client keeps talking, so it is not idle.
        val deadline = System.nanoTime() + 4.seconds.inWholeNanoseconds
        while (System.nanoTime() < deadline && !silent.all { it.endOfInput }) {
            arena.goodClientAnswers(within = 1.seconds)
            delay(200.milliseconds)
        }
        for (s in silent) {
            s.awaitEof(5.seconds).shouldBeTrue()
            s.tailText.contains(notice).shouldBeTrue()
        }
        awaitCondition("only the good client's session is left") { arena.server.sessions.size == 1 }
        arena.assertServerHealthy()
    }

    test("1,000 connect-and-close in a row leave no session behind, none is refused, and a new client works") {
        // A connection still there when it is accepted opens a session that ends; one already gone
        // (closed or reset before the accept) never becomes one.
        val arena = arena(limitSettings(maxSessionsPerAddress = 10_000))
        withContext(Dispatchers.IO) {
            repeat(1000) { i ->
                Socket().use { socket ->
                    if (i % 2 == 1) socket.setSoLinger(true, 0) // half of them reset instead of closing
                    socket.connect(InetSocketAddress("127.0.0.1", arena.server.port), 5000)
                    if (i % 3 == 0) socket.getOutputStream().write(bytesOf(IAC, TelnetCommand.WILL, TelnetOption.TTYPE))
                }
            }
        }
        arena.goodClientAnswers()
        // The backlog is first in, first out: once a fresh client has its prompt, every one of the
        // thousand has been accepted; then only the good client and the fresh one may be left.
        val fresh = fixture.connect(arena.server)
        fresh.awaitPrompt("> ")
        awaitCondition("every churned session is gone", 20.seconds) { arena.server.sessions.size == 2 }
        arena.server.sessions.map { it.id } shouldContain arena.goodId
        fresh.roundTrip("fresh")
        fresh.close()
        arena.assertServerHealthy()
        withClue("sessions opened (at most the 1,000 churned, the good client and the fresh one)") {
            log.messages(Level.INFO).count { Regex("session \\d+ opened from").containsMatchIn(it) } shouldBeInRange 2..1002
        }
        log.messages(Level.WARN).filter { "refused" in it }.shouldBeEmpty()
    }
})
