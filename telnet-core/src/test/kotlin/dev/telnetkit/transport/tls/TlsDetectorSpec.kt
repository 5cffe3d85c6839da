package dev.telnetkit.transport.tls

import dev.telnetkit.transport.tls.TlsDetector.Verdict
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.arbitrary.byte
import io.kotest.property.arbitrary.byteArray
import io.kotest.property.arbitrary.filter
import io.kotest.property.arbitrary.int
import io.kotest.property.checkAll
import java.nio.ByteBuffer

class TlsDetectorSpec : FunSpec({
    fun bytes(vararg values: Int) = ByteArray(values.size) { values[it].toByte() }

    test("a TLS handshake record header is TLS, whatever its version byte") {
        for (minor in 0..4) TlsDetector.detect(bytes(0x16, 0x03, minor)) shouldBe Verdict.TLS
        // A real ClientHello record: type, version 3.1, length, then handshake type 1.
        TlsDetector.detect(bytes(0x16, 0x03, 0x01, 0x02, 0x00, 0x01)) shouldBe Verdict.TLS
    }

    test("too few bytes to tell need more; an empty start needs more") {
        TlsDetector.detect(bytes()) shouldBe Verdict.NEED_MORE
        TlsDetector.detect(bytes(0x16)) shouldBe Verdict.NEED_MORE
        TlsDetector.detect(bytes(0x16, 0x03)) shouldBe Verdict.NEED_MORE
    }

    test("a Telnet client's first bytes are plain at once: negotiation, text, a bare CR LF") {
        TlsDetector.detect(bytes(0xFF, 0xFD, 0x18)) shouldBe Verdict.PLAIN // IAC DO TTYPE
        TlsDetector.detect(bytes(0xFF)) shouldBe Verdict.PLAIN
        TlsDetector.detect("help\r\n".toByteArray()) shouldBe Verdict.PLAIN
        TlsDetector.detect(bytes(0x0D, 0x0A)) shouldBe Verdict.PLAIN
    }

    test("0x16 followed by anything but a TLS version is plain") {
        TlsDetector.detect(bytes(0x16, 0x01)) shouldBe Verdict.PLAIN
        TlsDetector.detect(bytes(0x16, 0x03, 0x10)) shouldBe Verdict.PLAIN
        TlsDetector.detect(bytes(0x16, 0xFF, 0x03)) shouldBe Verdict.PLAIN
    }

    test("any first byte other than 0x16 is plain, whatever follows") {
        checkAll(Arb.byte().filter { it != 0x16.toByte() }, Arb.byteArray(Arb.int(0, 8), Arb.byte())) { first, rest ->
            TlsDetector.detect(byteArrayOf(first) + rest) shouldBe Verdict.PLAIN
        }
    }

    test("the verdict on a buffer is the verdict on its remaining bytes, and its position does not move") {
        val buffer = ByteBuffer.wrap(bytes(0xFF, 0xFD, 0x16, 0x03, 0x03, 0x00))
        buffer.position(2)
        TlsDetector.detect(buffer) shouldBe Verdict.TLS
        buffer.position() shouldBe 2
        buffer.limit(4)
        TlsDetector.detect(buffer) shouldBe Verdict.NEED_MORE
        TlsDetector.detect(bytes(0, 0, 0x16, 0x03, 0x01), offset = 2, length = 3) shouldBe Verdict.TLS
    }

    test("describe shows the first bytes in hex and says what they look like") {
        TlsDetector.describe(bytes(0xFF, 0xFD, 0x18)) shouldBe "ff fd 18: Telnet negotiation, a plain Telnet client"
        TlsDetector.describe("GET /\r\n".toByteArray()) shouldBe "47 45 54 20 2f 0d 0a: text \"GET /\\r\\n\""
        TlsDetector.describe(ByteArray(20) { 1 }, max = 4) shouldBe "01 01 01 01 …"
    }
})
