package dev.telnetkit.server

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.comparables.shouldBeLessThan
import io.kotest.matchers.shouldBe
import io.kotest.matchers.shouldNotBe
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.withTimeout
import java.nio.charset.Charset
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

private const val CHARSET = TelnetOption.CHARSET
private const val REQUEST = 1
private const val ACCEPTED = 2
private const val REJECTED = 3

/** The server's CHARSET REQUEST with the default charsets. */
private val SERVER_REQUEST = bytes(IAC, SB, CHARSET, REQUEST) + ";UTF-8;ISO-8859-1;US-ASCII".toByteArray() + bytes(IAC, SE)

private fun charsetSub(code: Int, text: String = "") = bytes(IAC, SB, CHARSET, code) + text.toByteArray() + bytes(IAC, SE)

/**
 * CHARSET answers other than a plain ACCEPTED, end to end: the session must start as soon as the
 * REQUEST is answered (never after connect-maxwait) with the right encoding.
 */
class CharsetNegotiationSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()
    // Long, so that a session that waited it out instead of settling fails the timing checks.
    val maxWait = java.time.Duration.ofSeconds(8)
    val prompt = 2.seconds

    /** A server whose handler reports its encoding, writes "café" and reads a line. */
    suspend fun start(encoding: CompletableDeferred<Charset>) = fixture.start(testSettings(connectMaxWait = maxWait)) { s ->
        encoding.complete(s.encoding)
        s.writeLine("caf\u00e9")
        s.readLine("> ")
    }

    /** A raw client that refuses the opening but agrees to CHARSET; returns it once WILL CHARSET is sent. */
    suspend fun rawClientAgreeingToCharset(server: TelnetServer, extra: ByteArray = ByteArray(0)): RawClient {
        val raw = fixture.rawSocket(server)
        raw.readExactly(3) // DO TTYPE
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE))
        raw.readExactly(15) // WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET
        raw.send(
            bytes(IAC, DONT, TelnetOption.SGA, IAC, DONT, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS,
                IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WILL, CHARSET) + extra,
        )
        return raw
    }

    test("a client that answers the server's REQUEST with REJECTED gets its prompt at once, in UTF-8") {
        val encoding = CompletableDeferred<Charset>()
        val server = start(encoding)
        val started = TimeSource.Monotonic.markNow()
        val client = fixture.connect(server, TerminalProfile(charsets = listOf("KOI8-R")))
        client.awaitPrompt("> ", timeout = 5.seconds)
        started.elapsedNow() shouldBeLessThan prompt
        client.negotiationLog.count { it == "sent SB CHARSET REJECTED" } shouldBe 1
        withTimeout(5.seconds) { encoding.await() } shouldBe Charsets.UTF_8
        client.receivedBytes.indexOf(bytes('c'.code, 'a'.code, 'f'.code, 0xC3, 0xA9)) shouldNotBe -1
    }

    test("an ACCEPTED naming a charset that was never offered switches nothing, and the prompt comes at once") {
        val encoding = CompletableDeferred<Charset>()
        val server = start(encoding)
        val started = TimeSource.Monotonic.markNow()
        val raw = rawClientAgreeingToCharset(server)
        raw.readExactly(SERVER_REQUEST.size).hex() shouldBe SERVER_REQUEST.hex()
        raw.send(charsetSub(ACCEPTED, "KOI8-R"))
        raw.readUntil("> ", timeout = 5.seconds)
        started.elapsedNow() shouldBeLessThan prompt
        withTimeout(5.seconds) { encoding.await() } shouldBe Charsets.UTF_8
        raw.bytesSoFar.indexOf(bytes('c'.code, 'a'.code, 'f'.code, 0xC3, 0xA9)) shouldNotBe -1
    }

    test("REQUESTs that cross: the server REJECTs the client's, the client answers the server's, and its choice holds") {
        val encoding = CompletableDeferred<Charset>()
        val server = start(encoding)
        val started = TimeSource.Monotonic.markNow()
        // WILL CHARSET and the client's own REQUEST in one packet: it has not seen ours yet.
        val raw = rawClientAgreeingToCharset(server, extra = charsetSub(REQUEST, " KOI8-R ISO-8859-1"))
        val expected = SERVER_REQUEST + charsetSub(REJECTED)
        raw.readExactly(expected.size).hex() shouldBe expected.hex()
        raw.send(charsetSub(ACCEPTED, "ISO-8859-1")) // RFC 2066: the client answers the server's REQUEST
        raw.readUntil("> ", timeout = 5.seconds)
        started.elapsedNow() shouldBeLessThan prompt
        withTimeout(5.seconds) { encoding.await() } shouldBe Charsets.ISO_8859_1
        raw.bytesSoFar.indexOf(bytes('c'.code, 'a'.code, 'f'.code, 0xE9, 13, 10)) shouldNotBe -1
    }
})
