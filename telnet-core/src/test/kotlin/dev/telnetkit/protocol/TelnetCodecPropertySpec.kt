package dev.telnetkit.protocol

import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContainExactly
import io.kotest.matchers.ints.shouldBeLessThanOrEqual
import io.kotest.matchers.shouldBe
import io.kotest.property.Arb
import io.kotest.property.RandomSource
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll
import java.io.ByteArrayOutputStream

private const val ITERATIONS = 3000
private const val CAP = 16

/** Bytes that matter to the protocol, so that hostile streams hit every state often. */
private val HOSTILE = intArrayOf(255, 255, 255, 250, 240, 13, 13, 10, 10, 0, 251, 252, 253, 254, 241, 244, 246, 24, 31)

private fun RandomSource.hostileBytes(maxLength: Int): ByteArray {
    val r = random
    val n = r.nextInt(maxLength + 1)
    // Some streams are mostly protocol bytes, some mostly data, some long SBs that overflow CAP.
    val hostileShare = r.nextInt(101)
    val out = ByteArray(n) {
        if (r.nextInt(100) < hostileShare) HOSTILE[r.nextInt(HOSTILE.size)].toByte() else r.nextInt(256).toByte()
    }
    if (n > 3 && r.nextInt(4) == 0) { out[0] = -1; out[1] = 250.toByte() } // start inside an SB
    return out
}

private fun RandomSource.dataBytes(maxLength: Int, allowed: (Int) -> Boolean): ByteArray {
    val r = random
    val n = r.nextInt(maxLength + 1)
    val out = ByteArrayOutputStream()
    while (out.size() < n) {
        val v = if (r.nextBoolean()) intArrayOf(255, 13, 10, 0, 13, 10)[r.nextInt(6)] else r.nextInt(256)
        if (allowed(v)) out.write(v)
    }
    return out.toByteArray()
}

private fun RandomSource.splitPoints(size: Int): List<Int> {
    if (size < 2) return emptyList()
    val r = random
    return when (r.nextInt(4)) {
        0 -> (1 until size).toList() // byte by byte
        else -> (1 until size).filter { r.nextInt(size) < 1 + r.nextInt(8) }
    }
}

private class Chunked(val input: ByteArray, val points: List<Int>) {
    override fun toString(): String = "input=[${input.hex()}] split at $points"
}

private val hostileStreams = arbitrary { rs ->
    val input = rs.hostileBytes(200)
    Chunked(input, rs.splitPoints(input.size))
}

/**
 * A reference decoder written differently from the real one: it looks ahead in the whole input
 * instead of keeping state between bytes. It implements the documented rules: IAC IAC is a 255
 * data byte; IAC WILL/WONT/DO/DONT x is a negotiation; IAC SB x ... IAC SE is a subnegotiation
 * with IAC IAC un-doubled, dropped with an error once its payload passes [cap] bytes or when another
 * IAC command cuts it short (the command then counts), or at once when IAC stands where its option
 * code belongs (that IAC then starts the next command); anything else after IAC is a command; in
 * NVT mode the first data byte after a CR is dropped if it is LF or NUL. Input that ends in the
 * middle of a sequence produces nothing for that sequence.
 */
private fun referenceDecode(input: ByteArray, cap: Int, binary: Boolean = false): List<String> {
    val events = ArrayList<String>()
    val data = ByteArrayOutputStream()
    var afterCr = false
    fun u(i: Int) = input[i].toInt() and 0xff
    fun dataByte(b: Int) {
        if (!binary) {
            val swallow = afterCr && (b == 10 || b == 0)
            afterCr = !swallow && b == 13
            if (swallow) return
        }
        data.write(b)
    }
    fun event(e: String) {
        if (data.size() > 0) events.add("Data(\"${escape(data.toByteArray())}\")")
        data.reset()
        events.add(e)
    }
    val n = input.size
    var i = 0
    scan@ while (i < n) {
        if (u(i) != 255) { dataByte(u(i)); i++; continue }
        if (i + 1 >= n) break
        val c = u(i + 1)
        when (c) {
            255 -> { dataByte(255); i += 2 }
            in 251..254 -> {
                if (i + 2 >= n) break@scan
                event(TelnetEvent.Negotiation(c, u(i + 2)).toString())
                i += 3
            }
            250 -> {
                if (i + 2 >= n) break@scan
                val option = u(i + 2)
                if (option == 255) {
                    // No option code: the SB is dropped and its IAC read again as the next command.
                    event("SubnegotiationError(option=255, reason=IAC in place of the option code)")
                    i += 2
                    continue@scan
                }
                val payload = ByteArrayOutputStream()
                var overflow = false
                fun add(b: Int) {
                    if (overflow) return
                    if (payload.size() == cap) {
                        overflow = true
                        event("SubnegotiationError(option=$option, reason=longer than $cap bytes)")
                    } else {
                        payload.write(b)
                    }
                }
                var j = i + 3
                while (true) {
                    if (j >= n) break@scan
                    if (u(j) != 255) { add(u(j)); j++; continue }
                    if (j + 1 >= n) break@scan
                    when (u(j + 1)) {
                        255 -> { add(255); j += 2 }
                        240 -> {
                            if (!overflow) event("SB ${TelnetOption.name(option)} [${payload.toByteArray().hex()}]")
                            i = j + 2
                            continue@scan
                        }
                        else -> {
                            if (!overflow) event("SubnegotiationError(option=$option, reason=not terminated by IAC SE)")
                            i = j // the IAC and its command are read again as if outside the SB
                            continue@scan
                        }
                    }
                }
            }
            else -> { event(TelnetEvent.Command(c).toString()); i += 2 }
        }
    }
    if (data.size() > 0) events.add("Data(\"${escape(data.toByteArray())}\")")
    return events
}

/**
 * What decode(encode(x)) gives in NVT mode. The encoder sends CR LF for CR LF and for a lone LF,
 * and CR NUL for a lone CR; the decoder turns CR LF and CR NUL into CR. So every line end of x
 * (CR LF, lone CR, lone LF) comes back as exactly one CR, and every other byte (NUL included)
 * comes back as itself.
 */
private fun nvtRoundTrip(x: ByteArray): ByteArray {
    val out = ByteArrayOutputStream()
    var i = 0
    while (i < x.size) {
        val b = x[i].toInt() and 0xff
        when {
            b == 13 && i + 1 < x.size && x[i + 1].toInt() == 10 -> { out.write(13); i += 2 }
            b == 10 -> { out.write(13); i++ }
            else -> { out.write(b); i++ }
        }
    }
    return out.toByteArray()
}

private fun decodeData(wire: List<ByteArray>, binary: Boolean): ByteArray {
    val decoder = TelnetDecoder().apply { binaryInput = binary }
    val out = ByteArrayOutputStream()
    for (chunk in wire) decoder.decode(chunk) { event ->
        check(event is TelnetEvent.Data) { "only data expected, got $event" }
        out.write(event.bytes)
    }
    return out.toByteArray()
}

class TelnetCodecPropertySpec : FunSpec({

    test("the reference decoder gives the hand-worked events of a mixed stream") {
        // Keeps the reference honest: a stream whose events were worked out by hand.
        val input = concat(
            latin1("a\r\nb"), bytes(255, 255, 255, 246, 255, 251, 24, 255, 250, 31, 0, 255, 255, 0, 24, 255, 240),
            latin1("\r"), bytes(255, 241, 0, 255, 250, 24), ByteArray(CAP + 1), bytes(255, 244),
        )
        referenceDecode(input, CAP) shouldContainExactly listOf(
            "Data(\"a\\rb\\xFF\")", "Command(AYT)", "WILL TTYPE", "SB NAWS [00 FF 00 18]", "Data(\"\\r\")",
            "Command(NOP)", "SubnegotiationError(option=24, reason=longer than $CAP bytes)", "Command(IP)",
        )
    }

    test("hostile byte streams in random chunkings never throw and give the reference events") {
        checkAll(ITERATIONS, hostileStreams) { c ->
            val expected = referenceDecode(c.input, CAP)
            val decoder = TelnetDecoder(CAP)
            val events = ArrayList<TelnetEvent>()
            for (chunk in splitAt(c.input, c.points)) {
                decoder.decode(chunk) { events.add(it) }
                decoder.bufferedSubnegotiationBytes shouldBeLessThanOrEqual CAP
            }
            withClue(c) { render(events) shouldContainExactly expected }
        }
    }

    test("hostile byte streams give the same events whole, chunked and byte by byte, with binary input too") {
        checkAll(ITERATIONS, hostileStreams) { c ->
            for (binary in listOf(false, true)) {
                val whole = decodeChunks(listOf(c.input), TelnetDecoder(CAP).apply { binaryInput = binary })
                withClue("$c binary=$binary") {
                    decodeChunks(splitAt(c.input, c.points), TelnetDecoder(CAP).apply { binaryInput = binary }) shouldContainExactly whole
                    decodeChunks(byteByByte(c.input), TelnetDecoder(CAP).apply { binaryInput = binary }) shouldContainExactly whole
                    whole shouldContainExactly referenceDecode(c.input, CAP, binary)
                }
            }
        }
    }

    test("a long hostile stream fed in random chunks keeps the SB buffer within the default cap") {
        val r = java.util.Random(1143)
        val decoder = TelnetDecoder()
        repeat(200) {
            val chunk = ByteArray(r.nextInt(8192)) { if (r.nextInt(50) == 0) HOSTILE[r.nextInt(HOSTILE.size)].toByte() else 'x'.code.toByte() }
            if (chunk.size > 2 && r.nextInt(3) == 0) { chunk[0] = -1; chunk[1] = 250.toByte() }
            decoder.decode(chunk) {}
            decoder.bufferedSubnegotiationBytes shouldBeLessThanOrEqual TelnetDecoder.DEFAULT_MAX_SUBNEGOTIATION
        }
    }

    test("data without CR and LF survives encode then decode unchanged in NVT mode, in any chunking") {
        checkAll(ITERATIONS, arbitrary { rs ->
            val x = rs.dataBytes(120) { it != 13 && it != 10 }
            val wire = TelnetEncoder.encodeData(x, binary = false)
            Chunked(x, rs.splitPoints(wire.size)) to wire
        }) { (c, wire) ->
            withClue(c) { decodeData(splitAt(wire, c.points), binary = false) shouldBe c.input }
        }
    }

    test("any data survives encode then decode unchanged with binary on both sides, in any chunking") {
        checkAll(ITERATIONS, arbitrary { rs ->
            val x = rs.dataBytes(120) { true }
            val wire = TelnetEncoder.encodeData(x, binary = true)
            Chunked(x, rs.splitPoints(wire.size)) to wire
        }) { (c, wire) ->
            withClue(c) { decodeData(splitAt(wire, c.points), binary = true) shouldBe c.input }
        }
    }

    test("with NVT translation every line end (CR LF, lone CR, lone LF) comes back as one CR, in any chunking") {
        checkAll(ITERATIONS, arbitrary { rs ->
            val x = rs.dataBytes(120) { true }
            val wire = TelnetEncoder.encodeData(x, binary = false)
            Chunked(x, rs.splitPoints(wire.size)) to wire
        }) { (c, wire) ->
            withClue(c) { decodeData(splitAt(wire, c.points), binary = false) shouldBe nvtRoundTrip(c.input) }
        }
    }

    test("the NVT round-trip rule, checked by hand") {
        nvtRoundTrip(latin1("a\r\nb\nc\rd\r\r\n\n\r\u0000")) shouldBe latin1("a\rb\rc\rd\r\r\r\r\u0000")
        decodeData(listOf(TelnetEncoder.encodeData(latin1("a\r\nb\nc\rd\r\r\n\n\r\u0000"), false)), false) shouldBe
            latin1("a\rb\rc\rd\r\r\r\r\u0000")
    }

    test("encoded NVT data is well formed: CR only before LF or NUL, LF only after CR, IAC only doubled") {
        checkAll(ITERATIONS, arbitrary { rs -> rs.dataBytes(120) { true } }) { x ->
            val wire = TelnetEncoder.encodeData(x, binary = false)
            withClue("x=[${x.hex()}] wire=[${wire.hex()}]") {
                var i = 0
                while (i < wire.size) {
                    when (wire[i].toInt() and 0xff) {
                        13 -> { (i + 1 < wire.size && (wire[i + 1].toInt() == 10 || wire[i + 1].toInt() == 0)) shouldBe true; i += 2 }
                        10 -> error("LF without CR at $i")
                        255 -> { (i + 1 < wire.size && wire[i + 1].toInt() and 0xff == 255) shouldBe true; i += 2 }
                        else -> i++
                    }
                }
            }
        }
    }

    test("any subnegotiation payload up to the cap survives subnegotiation() then decode, in any chunking") {
        checkAll(ITERATIONS, arbitrary { rs ->
            val payload = rs.hostileBytes(CAP)
            val option = rs.random.nextInt(255) // 255 cannot follow SB (the decoder takes it as IAC)
            val wire = TelnetEncoder.subnegotiation(option, payload)
            Triple(option, payload, Chunked(wire, rs.splitPoints(wire.size)))
        }) { (option, payload, c) ->
            val events = ArrayList<TelnetEvent>()
            val decoder = TelnetDecoder(CAP)
            for (chunk in splitAt(c.input, c.points)) decoder.decode(chunk) { events.add(it) }
            withClue(c) {
                events.size shouldBe 1
                val sb = events[0] as TelnetEvent.Subnegotiation
                sb.option shouldBe option
                sb.payload shouldBe payload
            }
        }
    }
})
