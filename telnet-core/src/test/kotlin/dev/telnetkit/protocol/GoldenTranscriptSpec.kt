package dev.telnetkit.protocol

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import java.io.ByteArrayOutputStream

/*
 * Golden transcripts: src/test/resources/golden/<name>.txt, one line per step.
 *
 *   ! open                      calls TelnetProtocol.open()
 *   < FF FB 18   # WILL TTYPE   bytes the client sends, fed to receive() in one call
 *   > FF FA 18 01 FF F0         bytes the protocol sends, one line per output() call
 *   = WindowSize(width=80, ...) an event for the session (toString; Data shows its bytes)
 *   ~ settled / ~ not settled   the value of isSettled at that point
 *
 * Bytes are hex pairs or "ASCII text" in double quotes; "#" outside quotes starts a comment.
 * The spec replays the "!" and "<" lines, writes down what the protocol did in the same
 * notation, and compares the whole transcript with the file.
 */

private val TRANSCRIPTS = listOf(
    "xterm-opening", "refuses-everything", "silent-client", "repeated-do-echo", "mtts", "naws-without-agreement",
    "linemode-refused", "commands", "charset-request", "tspeed-xdisploc", "binary", "unsolicited-subnegotiations",
    "charset-rejected", "charset-accepted-not-offered", "charset-simultaneous-requests",
)

private fun stripComment(line: String): String {
    var quoted = false
    for ((i, c) in line.withIndex()) {
        if (c == '"') quoted = !quoted
        if (c == '#' && !quoted) return line.substring(0, i).trim()
    }
    return line.trim()
}

private fun parseBytes(text: String): ByteArray {
    val out = ByteArrayOutputStream()
    var i = 0
    while (i < text.length) {
        when {
            text[i].isWhitespace() -> i++
            text[i] == '"' -> {
                val end = text.indexOf('"', i + 1)
                require(end > i) { "unterminated string in: $text" }
                out.write(latin1(text.substring(i + 1, end)))
                i = end + 1
            }
            else -> {
                out.write(text.substring(i, i + 2).toInt(16))
                i += 2
            }
        }
    }
    return out.toByteArray()
}

private fun renderEvent(event: ProtocolEvent): String =
    if (event is ProtocolEvent.Data) "Data(\"${escape(event.bytes)}\")" else event.toString()

/** The file's lines in canonical form (bytes as hex, comments dropped). */
private fun canonical(lines: List<String>): List<String> = lines.map(::stripComment).filter { it.isNotEmpty() }.map { line ->
    when (line[0]) {
        '<', '>' -> "${line[0]} ${parseBytes(line.substring(1)).hex()}"
        '=', '!', '~' -> "${line[0]} ${line.substring(1).trim()}"
        else -> error("unknown line: $line")
    }
}

/** Replays the input lines of [expected] against a fresh TelnetProtocol and writes down what happened. */
private fun replay(expected: List<String>): List<String> {
    val actual = ArrayList<String>()
    val protocol = TelnetProtocol(
        ProtocolSettings(),
        output = { actual.add("> ${it.hex()}") },
        events = { actual.add("= ${renderEvent(it)}") },
    )
    for (line in expected) {
        when (line[0]) {
            '!' -> {
                actual.add(line)
                when (line) {
                    "! open" -> protocol.open()
                    else -> error("unknown directive: $line")
                }
            }
            '<' -> {
                actual.add(line)
                protocol.receive(parseBytes(line.substring(1)))
            }
            '~' -> actual.add(if (protocol.isSettled) "~ settled" else "~ not settled")
        }
    }
    return actual
}

class GoldenTranscriptSpec : FunSpec({

    for (name in TRANSCRIPTS) {
        test("golden transcript '$name'") {
            val text = GoldenTranscriptSpec::class.java.getResource("/golden/$name.txt")?.readText()
                ?: error("missing test resource golden/$name.txt")
            val expected = canonical(text.lines())
            replay(expected).joinToString("\n") shouldBe expected.joinToString("\n")
        }
    }

    test("the transcript notation parses hex, quoted text and comments") {
        canonical(listOf("< FF fa 18 00 \"A#B\" ff f0   # SB TTYPE IS \"A#B\"", "", "# only a comment", "=  AreYouThere")) shouldBe
            listOf("< FF FA 18 00 41 23 42 FF F0", "= AreYouThere")
    }
})
