package dev.telnetkit.protocol

import io.kotest.assertions.throwables.shouldThrow
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldBeEmpty
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.nulls.shouldBeNull
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import java.nio.charset.Charset

private fun request(text: String): ByteArray = concat(bytes(CharsetCodec.REQUEST), latin1(text))

class CharsetCodecSpec : FunSpec({

    test("request() offers the names after a ';' separator, most preferred first") {
        CharsetCodec.request(listOf("UTF-8", "ISO-8859-1")) shouldBe request(";UTF-8;ISO-8859-1")
        CharsetCodec.request(listOf("UTF-8")).hex() shouldBe "01 3B 55 54 46 2D 38"
    }

    test("accepted(), rejected() and tableRejected() payloads") {
        CharsetCodec.accepted("UTF-8") shouldBe concat(bytes(2), latin1("UTF-8"))
        CharsetCodec.rejected() shouldBe bytes(3)
        CharsetCodec.tableRejected() shouldBe bytes(5)
    }

    test("parseRequest reads the names in the peer's order") {
        CharsetCodec.parseRequest(request(";UTF-8;ISO-8859-1;US-ASCII")) shouldContainExactly listOf("UTF-8", "ISO-8859-1", "US-ASCII")
    }

    test("parseRequest takes the separator from the first byte, whatever it is") {
        CharsetCodec.parseRequest(request(" UTF-8 KOI8-R")) shouldContainExactly listOf("UTF-8", "KOI8-R")
        CharsetCodec.parseRequest(request(",UTF-8,windows-1252")) shouldContainExactly listOf("UTF-8", "windows-1252")
        CharsetCodec.parseRequest(request("|a;b|c")) shouldContainExactly listOf("a;b", "c")
    }

    test("parseRequest skips the [TTABLE] prefix and its version byte") {
        CharsetCodec.parseRequest(concat(request("[TTABLE]"), bytes(1), latin1(";UTF-8;US-ASCII"))) shouldContainExactly
            listOf("UTF-8", "US-ASCII")
        // The version byte may be anything, even the separator character.
        CharsetCodec.parseRequest(request("[TTABLE];;UTF-8")) shouldContainExactly listOf("UTF-8")
    }

    test("parseRequest of an empty or degenerate request is empty") {
        CharsetCodec.parseRequest(bytes(CharsetCodec.REQUEST)).shouldBeEmpty()
        CharsetCodec.parseRequest(request(";")).shouldBeEmpty()
        CharsetCodec.parseRequest(request("[TTABLE]")).shouldBeEmpty()
        CharsetCodec.parseRequest(concat(request("[TTABLE]"), bytes(1))).shouldBeEmpty()
    }

    test("parseRequest drops empty entries and trims spaces") {
        CharsetCodec.parseRequest(request(";;UTF-8; ISO-8859-1 ;")) shouldContainExactly listOf("UTF-8", "ISO-8859-1")
    }

    test("parseRequest round-trips request()") {
        val names = listOf("UTF-8", "ISO-8859-1", "US-ASCII", "windows-1252")
        CharsetCodec.parseRequest(CharsetCodec.request(names)) shouldContainExactly names
    }

    test("parseAccepted reads the name, trimmed") {
        CharsetCodec.parseAccepted(concat(bytes(2), latin1("UTF-8"))) shouldBe "UTF-8"
        CharsetCodec.parseAccepted(concat(bytes(2), latin1(" utf-8 "))) shouldBe "utf-8"
        CharsetCodec.parseAccepted(bytes(2)) shouldBe ""
    }

    test("usable() accepts ASCII-compatible charsets") {
        for (name in listOf("UTF-8", "utf8", "ISO-8859-1", "latin1", "US-ASCII", "windows-1252", "KOI8-R", "ISO-8859-15")) {
            withClue(name) { CharsetCodec.usable(name).shouldNotBeNull() }
        }
        CharsetCodec.usable("utf8") shouldBe Charsets.UTF_8
    }

    test("usable() refuses UTF-16 and UTF-32 in every byte order") {
        for (name in listOf("UTF-16", "UTF-16LE", "UTF-16BE", "UTF-32", "UTF-32LE", "UTF-32BE")) {
            withClue(name) { CharsetCodec.usable(name).shouldBeNull() }
        }
    }

    test("usable() refuses EBCDIC") {
        for (name in listOf("IBM037", "IBM500", "IBM1047").filter { Charset.isSupported(it) }) {
            withClue(name) { CharsetCodec.usable(name).shouldBeNull() }
        }
    }

    test("usable() refuses unknown and illegal names instead of throwing") {
        CharsetCodec.usable("no-such-charset").shouldBeNull()
        CharsetCodec.usable("").shouldBeNull()
        CharsetCodec.usable("not a name!").shouldBeNull()
        CharsetCodec.usable("[TTABLE]").shouldBeNull()
    }

    test("usable() refuses a charset that can only decode") {
        // ISO-2022-CN is decode-only on the JVM: a session could not write to the client in it.
        if (Charset.isSupported("ISO-2022-CN")) CharsetCodec.usable("ISO-2022-CN").shouldBeNull()
    }

    test("ProtocolSettings refuses charsets a session cannot use") {
        shouldThrow<IllegalArgumentException> { ProtocolSettings(charsets = listOf(Charsets.UTF_8, Charsets.UTF_16)) }
        shouldThrow<IllegalArgumentException> { ProtocolSettings(charsets = emptyList()) }
        ProtocolSettings(charsets = listOf(Charsets.ISO_8859_1)).charsets shouldContainExactly listOf(Charsets.ISO_8859_1)
    }
})
