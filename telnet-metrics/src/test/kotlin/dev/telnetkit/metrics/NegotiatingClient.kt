package dev.telnetkit.metrics

import dev.telnetkit.protocol.TelnetOption
import java.io.ByteArrayOutputStream
import java.io.Closeable
import java.net.Socket
import kotlin.concurrent.thread

/**
 * A bare socket that speaks just enough Telnet to settle an opening: it accepts TTYPE (answering
 * `XTERM`), SGA, ECHO and NAWS (80x24), and refuses everything else. Text arrives as Latin-1.
 */
internal class NegotiatingClient(port: Int) : Closeable {
    private val socket = Socket("127.0.0.1", port)
    private val out = socket.getOutputStream()
    private val text = StringBuffer()
    private var consumed = 0
    private val agreed = HashSet<String>()
    private val reader = thread(isDaemon = true, name = "negotiating-client") {
        val input = socket.getInputStream()
        try {
            while (true) {
                val b = input.read()
                if (b < 0) break
                if (b != IAC) { text.append(b.toChar()); continue }
                when (val verb = input.read()) {
                    IAC -> text.append(IAC.toChar())
                    WILL, WONT, DO, DONT -> answer(verb, input.read())
                    SB -> {
                        val option = input.read()
                        val payload = ByteArrayOutputStream()
                        while (true) {
                            val c = input.read()
                            if (c < 0) return@thread
                            if (c == IAC) { if (input.read() == SE) break else continue }
                            payload.write(c)
                        }
                        if (option == TelnetOption.TTYPE) send(IAC, SB, TelnetOption.TTYPE, 0, *"XTERM".map { it.code }.toIntArray(), IAC, SE)
                    }
                    else -> Unit
                }
            }
        } catch (_: Exception) {
            // Closed by the test.
        }
    }

    private fun answer(verb: Int, option: Int) {
        val key = "$verb/$option"
        when (verb) {
            DO -> if (option == TelnetOption.TTYPE || option == TelnetOption.NAWS) {
                if (agreed.add(key)) send(IAC, WILL, option)
                if (option == TelnetOption.NAWS) send(IAC, SB, option, 0, 80, 0, 24, IAC, SE)
            } else {
                send(IAC, WONT, option)
            }
            WILL -> if (option == TelnetOption.SGA || option == TelnetOption.ECHO) {
                if (agreed.add(key)) send(IAC, DO, option)
            } else {
                send(IAC, DONT, option)
            }
            WONT -> if (agreed.remove("$WILL/$option")) send(IAC, DONT, option)
            DONT -> if (agreed.remove("$DO/$option")) send(IAC, WONT, option)
        }
    }

    @Synchronized
    private fun send(vararg bytes: Int) {
        out.write(ByteArray(bytes.size) { bytes[it].toByte() })
        out.flush()
    }

    fun await(expected: String, timeoutMillis: Long = 10_000): String {
        val deadline = System.nanoTime() + timeoutMillis * 1_000_000
        while (System.nanoTime() < deadline) {
            val at = text.indexOf(expected, consumed)
            if (at >= 0) {
                val seen = text.substring(consumed, at + expected.length)
                consumed = at + expected.length
                return seen
            }
            Thread.sleep(10)
        }
        error("timed out waiting for \"$expected\"; received after the last wait: \"${text.substring(consumed)}\"")
    }

    fun sendLine(line: String) = send(*"$line\r\n".map { it.code }.toIntArray())

    override fun close() {
        socket.close()
        reader.join(5_000)
    }

    private companion object {
        const val IAC = 255
        const val WILL = 251
        const val WONT = 252
        const val DO = 253
        const val DONT = 254
        const val SB = 250
        const val SE = 240
    }
}
