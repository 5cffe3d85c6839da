package dev.telnetkit.server

import dev.telnetkit.hardening.limitSettings
import dev.telnetkit.protocol.ProtocolSettings
import dev.telnetkit.protocol.TelnetOption
import io.kotest.core.spec.style.FunSpec
import io.kotest.core.test.config.DefaultTestConfig
import io.kotest.matchers.shouldBe
import java.time.Duration
import kotlin.time.Duration.Companion.seconds

/** Text with a bare CR, a CR LF, a lone LF and a 255 byte (ÿ in ISO-8859-1). */
private const val TEXT = "a\rb\r\nc\u00ff\n"

/**
 * Output through a session with BINARY on the server's side (the client sent DO BINARY): a bare CR
 * goes out as it is, without the NUL of NVT mode, while IAC is still doubled and line ends are CR LF.
 */
class BinaryOutputSpec : FunSpec({
    defaultTestConfig = DefaultTestConfig(timeout = 30.seconds)
    val fixture = serverFixture()

    test("after DO BINARY a bare CR goes out without its NUL, 255 is still doubled, and CR LF stays CR LF") {
        val settings = limitSettings(
            connectMaxWait = Duration.ofSeconds(20),
            protocol = ProtocolSettings(charsets = listOf(Charsets.ISO_8859_1)),
        )
        val server = fixture.start(settings) { s ->
            s.write(TEXT)
            s.readLine("> ")
            s.write(TEXT)
            s.writeLine("end")
        }
        val raw = fixture.rawSocket(server)
        raw.readExactly(3) // DO TTYPE
        raw.send(bytes(IAC, WONT, TelnetOption.TTYPE))
        raw.readExactly(15) // WILL SGA, WILL ECHO, DO NAWS, DO NEW-ENVIRON, DO CHARSET
        raw.send(
            bytes(IAC, DONT, TelnetOption.SGA, IAC, DONT, TelnetOption.ECHO, IAC, WONT, TelnetOption.NAWS,
                IAC, WONT, TelnetOption.NEW_ENVIRON, IAC, WONT, TelnetOption.CHARSET),
        )

        // NVT: the bare CR is CR NUL.
        raw.readUntil("> ").hex() shouldBe
            bytes('a'.code, 13, 0, 'b'.code, 13, 10, 'c'.code, 255, 255, 13, 10, '>'.code, ' '.code).hex()

        raw.send(bytes(IAC, DO, TelnetOption.BINARY) + "go\r\n".toByteArray())
        raw.readUntil("end\r\n").hex() shouldBe (
            bytes(IAC, WILL, TelnetOption.BINARY) +
                bytes('a'.code, 13, 'b'.code, 13, 10, 'c'.code, 255, 255, 13, 10) + "end\r\n".toByteArray()
            ).hex()
    }
})
