package dev.telnetkit.transport.tls

import dev.telnetkit.transport.tls.TlsFixtures.certs
import dev.telnetkit.transport.tls.TlsFixtures.clientEngine
import dev.telnetkit.transport.tls.TlsFixtures.pair
import dev.telnetkit.transport.tls.TlsFixtures.serverSettings
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.booleans.shouldBeFalse
import io.kotest.matchers.booleans.shouldBeTrue
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.ints.shouldBeGreaterThan
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.longs.shouldBeZero
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.nio.ByteBuffer
import java.security.MessageDigest
import javax.net.ssl.SSLException
import kotlin.random.Random

class TlsEngineDriverSpec : FunSpec({
    val telnetOpening = byteArrayOf(0xFF.toByte(), 0xFD.toByte(), 0x18, 0xFF.toByte(), 0xFB.toByte(), 0x1F, 0xFF.toByte(), 0xFD.toByte(), 0x01)

    test("the handshake completes over TLS 1.3 by default, and over TLS 1.2 with a client that offers only that") {
        val modern = pair()
        modern.handshake()
        modern.server.isHandshakeComplete.shouldBeTrue()
        modern.server.protocol shouldBe "TLSv1.3"
        modern.server.peerCertificates.shouldBeEmpty()

        val older = pair(client = clientEngine(protocols = listOf("TLSv1.2")))
        older.handshake()
        older.server.protocol shouldBe "TLSv1.2"
        older.client.session.protocol shouldBe "TLSv1.2"
    }

    test("application data flows both ways, and an idle session keeps no buffers") {
        val pair = pair()
        pair.handshake()
        pair.server.retainedBytes shouldBe 0
        pair.clientSends("status\r\n".toByteArray())
        pair.serverReceived.toString(Charsets.US_ASCII) shouldBe "status\r\n"
        pair.serverSends("all well\r\n".toByteArray())
        pair.clientReceived.toString(Charsets.US_ASCII) shouldBe "all well\r\n"
        pair.server.retainedBytes shouldBe 0
        pair.server.hasPendingOutput.shouldBeFalse()
    }

    test("the client's handshake fed in chunks of any size completes the handshake") {
        for (chunk in listOf(1, 2, 3, 4, 5, 6, 7, 13, 100, 517)) {
            val pair = pair()
            pair.handshake(chunk)
            pair.clientSends("chunk $chunk".toByteArray(), chunk)
            pair.serverReceived.toString(Charsets.US_ASCII) shouldBe "chunk $chunk"
            pair.server.retainedBytes shouldBe 0
        }
    }

    test("records split at every byte boundary are decrypted once each, whole and in order") {
        val pair = pair()
        pair.handshake()
        val message = "echo 1  \"2    3\"\r\n".toByteArray()
        var expected = ""
        var split = 0
        var length = 0
        do {
            // Two records back to back, so a split also falls inside the second and between them.
            val records = pair.clientOutput(message) + pair.clientOutput(message)
            length = records.size
            pair.feedServer(records.copyOfRange(0, split))
            // At most the one record the split falls in is kept.
            pair.server.retainedBytes shouldBeLessThanOrEqual records.size / 2
            pair.feedServer(records.copyOfRange(split, records.size))
            expected += String(message) + String(message)
            pair.serverReceived.toString(Charsets.US_ASCII) shouldBe expected
            pair.server.retainedBytes shouldBe 0
        } while (++split <= length)
        split shouldBe length + 1
    }

    test("large transfers arrive intact both ways, in random chunks and through a sink that takes little at a time") {
        val pair = pair()
        pair.handshake()
        val random = Random(42)
        val upload = random.nextBytes(3 shl 20)
        var at = 0
        while (at < upload.size) {
            val n = minOf(random.nextInt(1, 40_000), upload.size - at)
            pair.clientSends(upload.copyOfRange(at, at + n), chunk = random.nextInt(1, 70_000))
            at += n
        }
        sha256(pair.serverReceived.toByteArray()) shouldBe sha256(upload)

        val download = random.nextBytes(3 shl 20)
        pair.serverSends(download, TlsPair.trickle(7_000))
        sha256(pair.clientReceived.toByteArray()) shouldBe sha256(download)
        pair.server.retainedBytes shouldBe 0
        // At most the records of one wrap wait for a slow sink.
        pair.maxRetained shouldBeLessThanOrEqual 4 * pair.client.session.packetBufferSize + 1024
    }

    test("data offered before the handshake completes is not taken, and goes once it has") {
        val pair = pair()
        val early = ByteBuffer.wrap("too early".toByteArray())
        pair.server.wrap(early, TlsNetworkSink.HOLD).shouldBeZero()
        early.remaining() shouldBe 9
        pair.handshake()
        val out = java.io.ByteArrayOutputStream()
        pair.server.wrap(early, TlsPair.collect(out)) shouldBe 9L
        pair.clientInput(out.toByteArray())
        pair.clientReceived.toString(Charsets.US_ASCII) shouldBe "too early"
    }

    test("the client's close_notify ends the input cleanly, and bytes after it are ignored") {
        val pair = pair()
        pair.handshake()
        pair.clientSends("bye\r\n".toByteArray())
        pair.client.closeOutbound()
        pair.feedServer(pair.clientOutput())
        pair.server.isInboundDone.shouldBeTrue()
        pair.serverReceived.toString(Charsets.US_ASCII) shouldBe "bye\r\n"
        pair.feedServer(telnetOpening) // after close_notify: dropped, not an error
        pair.server.inputEnded().shouldBeTrue()
        pair.server.retainedBytes shouldBe 0
    }

    test("a TLS 1.2 client's close_notify is answered in kind, and the server wraps nothing more") {
        val pair = pair(client = clientEngine(protocols = listOf("TLSv1.2")))
        pair.handshake()
        pair.client.closeOutbound()
        pair.feedServer(pair.clientOutput())
        pair.server.isInboundDone.shouldBeTrue()
        pair.clientInput(pair.serverOutput())
        pair.client.isInboundDone.shouldBeTrue()
        pair.server.wrap(ByteBuffer.wrap("late".toByteArray()), TlsNetworkSink.HOLD).shouldBeZero()
        pair.server.isOutboundClosed.shouldBeTrue()
        pair.server.hasPendingOutput.shouldBeFalse()
    }

    test("closeOutbound sends close_notify, and nothing is wrapped after it") {
        val pair = pair()
        pair.handshake()
        pair.server.closeOutbound()
        pair.server.hasPendingOutput.shouldBeTrue()
        pair.clientInput(pair.serverOutput())
        pair.client.isInboundDone.shouldBeTrue()
        pair.server.wrap(ByteBuffer.wrap("late".toByteArray()), TlsNetworkSink.HOLD).shouldBeZero()
        pair.server.hasPendingOutput.shouldBeFalse()
    }

    test("input cut without close_notify is reported as not clean") {
        val pair = pair()
        pair.handshake()
        pair.server.inputEnded().shouldBeFalse()
        pair.server.isInboundDone.shouldBeTrue()
    }

    test("client certificate REQUIRED: a client with a certificate signed by the trusted CA gets in, and its chain is reported") {
        val pair = pair(serverSettings(ClientAuth.REQUIRED), clientEngine(certs.client))
        pair.handshake()
        pair.server.peerCertificates.map { it.subjectX500Principal.name } shouldBe listOf("CN=test client", "CN=TelnetKit Test CA")
    }

    for (protocol in listOf("TLSv1.3", "TLSv1.2")) {
        test("client certificate REQUIRED over $protocol: a client without a certificate is refused, with a message saying so") {
            val pair = pair(serverSettings(ClientAuth.REQUIRED), clientEngine(protocols = listOf(protocol)))
            val failure = shouldThrow<TlsException> { pair.handshake() }
            failure.message shouldContain "TLS handshake failed: the client sent no certificate, and this server requires one"
            // The alert is there for the client, which then fails too.
            pair.server.hasPendingOutput.shouldBeTrue()
            shouldThrow<SSLException> { pair.clientInput(pair.serverOutput()); pair.clientOutput() }
            shouldThrow<TlsException> { pair.feedServer(byteArrayOf(1)) } shouldBe failure
        }

        test("client certificate REQUIRED over $protocol: a self-signed client certificate is refused as not trusted") {
            val pair = pair(serverSettings(ClientAuth.REQUIRED), clientEngine(protocols = listOf(protocol), context = TlsFixtures.insistingClientContext(certs.untrustedClient)))
            val failure = shouldThrow<TlsException> { pair.handshake() }
            failure.message shouldContain "the client's certificate is not trusted"
        }
    }

    test("client certificate WANTED: a client without one gets in, with no peer certificate; one with a trusted certificate shows it") {
        val anonymous = pair(serverSettings(ClientAuth.WANTED), clientEngine())
        anonymous.handshake()
        anonymous.server.peerCertificates.shouldBeEmpty()
        val known = pair(serverSettings(ClientAuth.WANTED), clientEngine(certs.client))
        known.handshake()
        known.server.peerCertificates.first().subjectX500Principal.name shouldBe "CN=test client"
    }

    test("a plain Telnet client on a TLS-only port fails at its first byte with a clear message, and is sent nothing") {
        for (chunk in listOf(1, telnetOpening.size)) {
            val pair = pair()
            val failure = shouldThrow<TlsException> { pair.feedServer(telnetOpening, chunk) }
            failure.message shouldContain "not a TLS client (first bytes ff"
            failure.message shouldContain "Telnet negotiation, a plain Telnet client"
            failure.message shouldNotContain "Unsupported or unrecognized"
            pair.server.hasPendingOutput.shouldBeFalse()
        }
        val whole = pair()
        shouldThrow<TlsException> { whole.feedServer(telnetOpening) }.message shouldContain "first bytes ff fd 18 ff fb 1f ff fd 01"
    }

    test("a client that gives up mid-handshake with an unencrypted alert (it does not trust the certificate) is named clearly, not with the engine's AEAD complaint") {
        for ((description, said) in listOf(48 to "the client refused the server's certificate (alert unknown_ca", 90 to "the client ended the handshake with alert user_canceled")) {
            val pair = pair()
            pair.feedServer(pair.clientOutput()) // the ClientHello
            pair.serverOutput() // the server's flight, which the client rejects
            val failure = shouldThrow<TlsException> { pair.feedServer(byteArrayOf(0x15, 0x03, 0x03, 0x00, 0x02, 0x02, description.toByte())) }
            failure.message shouldContain "TLS handshake failed: $said"
            failure.message shouldNotContain "AEAD"
            pair.server.hasPendingOutput.shouldBeFalse()
        }
    }

    test("text on a TLS-only port is shown as text in the message") {
        val pair = pair()
        shouldThrow<TlsException> { pair.feedServer("GET / HTTP/1.1\r\n".toByteArray()) }.message shouldContain "text \"GET / HTTP/1.1\\r\\n\""
    }

    test("a record header claiming more than TLS allows is refused before its body is buffered") {
        val pair = pair()
        val failure = shouldThrow<TlsException> { pair.feedServer(byteArrayOf(0x16, 0x03, 0x01, 0xFF.toByte(), 0xFF.toByte())) }
        failure.message shouldContain "TLS record of 65535 bytes is larger than TLS allows"
        // Nothing of the record was kept: what is left is the closing alert for the peer.
        pair.maxRetained shouldBeLessThanOrEqual 64
    }

    test("a record dribbled in byte by byte is kept as at most one record") {
        val pair = pair()
        val header = byteArrayOf(0x16, 0x03, 0x01, 0x3E, 0x80.toByte()) // a 16000-byte handshake record
        pair.feedServer(header, 1)
        repeat(15_999) { pair.feedServer(byteArrayOf(0)) }
        pair.server.retainedBytes shouldBe 16_005
        shouldThrow<TlsException> { pair.feedServer(byteArrayOf(0)) }
        // The record is dropped; an alert for the peer may wait.
        pair.server.retainedBytes shouldBeLessThanOrEqual 64
    }

    test("a stream of garbage after a plausible TLS start fails without the driver ever keeping more than a record") {
        val random = Random(7)
        var refused = 0
        repeat(64) {
            val pair = pair()
            val stream = byteArrayOf(0x16, 0x03, random.nextInt(0, 5).toByte()) + random.nextBytes(random.nextInt(2, 100_000))
            try {
                var at = 0
                while (at < stream.size) {
                    val n = minOf(random.nextInt(1, 20_000), stream.size - at)
                    pair.feedServer(stream.copyOfRange(at, at + n))
                    at += n
                }
                // Not refused yet: the garbage ended inside a record the driver is still waiting for.
                pair.server.isHandshakeComplete.shouldBeFalse()
                pair.server.inputEnded().shouldBeFalse()
            } catch (e: TlsException) {
                e.message!!.isNotBlank().shouldBeTrue()
                refused++
            }
            pair.maxRetained shouldBeLessThanOrEqual 5 + 16_384 + 2_048 + 64 // a record, and an alert
            pair.server.retainedBytes shouldBeLessThanOrEqual 64
        }
        refused shouldBeGreaterThan 48
    }

    test("a client's TLS 1.2 renegotiation is refused") {
        val pair = pair(client = clientEngine(protocols = listOf("TLSv1.2")))
        pair.handshake()
        pair.client.beginHandshake()
        val failure = shouldThrow<TlsException> { pair.feedServer(pair.clientOutput()) }
        failure.message shouldContain "renegotiation is refused"
    }
})

private fun sha256(bytes: ByteArray): String = MessageDigest.getInstance("SHA-256").digest(bytes).joinToString("") { "%02x".format(it) }
