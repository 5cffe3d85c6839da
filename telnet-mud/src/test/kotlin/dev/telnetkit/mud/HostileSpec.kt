package dev.telnetkit.mud

import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.longs.shouldBeLessThan
import java.io.ByteArrayOutputStream
import java.lang.management.ManagementFactory
import kotlin.concurrent.thread

private const val IAC = 0xFF
private const val SB = 0xFA
private const val SE = 0xF0
private const val GMCP = 201
private const val MSDP = 69

private fun bytes(vararg parts: Any): ByteArray {
    val out = ByteArrayOutputStream()
    for (p in parts) when (p) {
        is Int -> out.write(p)
        is ByteArray -> out.write(p)
        else -> out.write(p.toString().toByteArray(Charsets.UTF_8))
    }
    return out.toByteArray()
}

/** Answers the opening in line mode, agreeing to [accept] (options the server offers), and waits for the prompt. */
private fun RawTelnetClient.open(vararg accept: Int) {
    takeUntil(bytes(IAC, 0xFD, 24))
    send(bytes(IAC, 0xFC, 24))
    takeUntil(bytes(IAC, 0xFD, 42))
    val answer = ByteArrayOutputStream()
    answer.write(bytes(IAC, 0xFE, 3, IAC, 0xFE, 1, IAC, 0xFC, 31, IAC, 0xFC, 39, IAC, 0xFC, 42))
    for (o in accept) answer.write(bytes(IAC, 0xFD, o))
    send(answer.toByteArray())
    takeUntil("> ")
}

/** Sends [line] and returns what came back up to the next prompt. */
private fun RawTelnetClient.command(line: String): String {
    send("$line\r\n")
    return String(takeUntil("> "), Charsets.UTF_8)
}

private fun withClient(vararg options: String, block: RawTelnetClient.() -> Unit) {
    MudTestServer(options.toSet()).use { server ->
        RawTelnetClient(server.port).use { client ->
            client.open(*options.mapNotNull { mapOf("gmcp" to GMCP, "msdp" to MSDP)[it] }.toIntArray())
            client.block()
            client.closedByServer shouldBe false
        }
    }
}

/** The heap in use after a full collection, in bytes. */
private fun usedHeapAfterGc(): Long {
    repeat(2) { System.gc() }
    return ManagementFactory.getMemoryMXBean().heapMemoryUsage.used
}

class HostileSpec : FunSpec({
    test("a 16 MiB GMCP message is dropped by the bound, the server does not hold it, and the session still answers") {
        MudTestServer(setOf("gmcp")).use { server ->
            RawTelnetClient(server.port).use { client ->
                client.open(GMCP)
                server.sessions.values.single().gmcp!!.maxSubnegotiation shouldBe 65536
                val before = usedHeapAfterGc()
                // 16 MiB inside one subnegotiation not yet ended: a server that kept it would hold it all now.
                client.send(bytes(IAC, SB, GMCP, "Room.Info {\"desc\":\""))
                val piece = ByteArray(1 shl 20) { 'x'.code.toByte() }
                repeat(16) { client.send(piece) }
                Thread.sleep(500)
                val during = usedHeapAfterGc()
                client.send(bytes("\"}", IAC, SE))
                client.command("ping") shouldContain "pong"
                client.command("got") shouldContain "got []"
                (during - before) shouldBeLessThan (8L shl 20)
            }
        }
    }

    test("a 16 MiB GMCP message whole, then a command: the session answers") {
        withClient("gmcp") {
            val huge = ByteArray(16 shl 20) { 'x'.code.toByte() }
            send(bytes(IAC, SB, GMCP, "Room.Info {\"desc\":\"", huge, "\"}", IAC, SE))
            command("ping") shouldContain "pong"
            command("got") shouldContain "got []"
            send(bytes(IAC, SB, GMCP, "Room.Info {\"ok\":1}", IAC, SE))
            command("got") shouldContain "got [gmcp Room.Info {\"ok\":1}]"
        }
    }

    test("GMCP with invalid JSON or invalid UTF-8 is ignored, and the session goes on") {
        withClient("gmcp") {
            send(bytes(IAC, SB, GMCP, "Room.Info {bad", IAC, SE))
            send(bytes(IAC, SB, GMCP, "Room.Info \"", 0xC3, 0x28, 0xFE, "\"", IAC, SE))
            send(bytes(IAC, SB, GMCP, " {}", IAC, SE))
            send(bytes(IAC, SB, GMCP, "Core.Supports.Set {\"not\":\"an array\"}", IAC, SE))
            send(bytes(IAC, SB, GMCP, "Core.Hello [1,2]", IAC, SE))
            send(bytes(IAC, SB, GMCP, "Room.Info ", "[".repeat(30_000), IAC, SE))
            command("ping") shouldContain "pong"
            command("got") shouldContain "got []"
            command("hello") shouldContain "client null null"
        }
    }

    test("Core.Supports keeps at most 256 modules") {
        withClient("gmcp") {
            val modules = (1..1000).joinToString(",") { "\"M$it 1\"" }
            send(bytes(IAC, SB, GMCP, "Core.Supports.Set [$modules]", IAC, SE))
            command("supports M256.X") shouldContain "supports true"
            command("supports M257.X") shouldContain "supports false"
        }
    }

    test("100,000 MSDP REPORTs in many subnegotiations: bounded, one answer, the session goes on") {
        withClient("msdp") {
            command("set HEALTH 90")
            val burst = ByteArrayOutputStream()
            repeat(100_000) { i ->
                burst.write(bytes(IAC, SB, MSDP, 1, "REPORT", 2, if (i % 2 == 0) "HEALTH" else "UNKNOWN$i", IAC, SE))
            }
            send(burst.toByteArray())
            val reply = String(takeUntil("90"), Charsets.UTF_8)
            reply shouldContain "HEALTH"
            command("reported") shouldContain "reported [HEALTH]"
            command("ping").let { it.contains("HEALTH") shouldBe false; it shouldContain "pong" }
        }
    }

    test("100,000 MSDP REPORTs in one subnegotiation are dropped by the bounds") {
        withClient("msdp") {
            val one = ByteArrayOutputStream().apply {
                write(bytes(IAC, SB, MSDP, 1, "REPORT"))
                repeat(100_000) { write(bytes(2, "HEALTH")) }
                write(bytes(IAC, SE))
            }
            send(one.toByteArray())
            command("reported") shouldContain "reported []"
            val fits = ByteArrayOutputStream().apply {
                write(bytes(IAC, SB, MSDP, 1, "REPORT"))
                repeat(9000) { write(bytes(2, "H")) }
                write(bytes(IAC, SE))
            }
            send(fits.toByteArray())
            command("reported") shouldContain "reported []"
            command("ping") shouldContain "pong"
        }
    }

    test("the reported set is bounded by maxReported") {
        withClient("msdp") {
            for (i in 1..20) command("set V$i $i")
            for (i in 1..20) send(bytes(IAC, SB, MSDP, 1, "REPORT", 2, "V$i", IAC, SE))
            command("reported") shouldContain "reported [V1, V2, V3, V4, V5, V6, V7, V8]"
        }
    }

    test("malformed MSDP is ignored whole, and the session goes on") {
        withClient("msdp") {
            command("set HEALTH 90")
            send(bytes(IAC, SB, MSDP, 1, "REPORT", 2, 3, 1, "A", 2, "1", IAC, SE))            // unbalanced TABLE_OPEN
            send(bytes(IAC, SB, MSDP, 2, "HEALTH", IAC, SE))                                // VAL without VAR
            send(bytes(IAC, SB, MSDP, 1, "REPORT", 2, "HEALTH", 4, IAC, SE))                // stray TABLE_CLOSE
            val deep = ByteArrayOutputStream().apply {
                write(bytes(IAC, SB, MSDP, 1, "REPORT", 2))
                repeat(20_000) { write(bytes(5, 2)) }
                write(bytes(IAC, SE))
            }
            send(deep.toByteArray())                                                        // deep nesting
            command("reported") shouldContain "reported []"
            send(bytes(IAC, SB, MSDP, 1, "LIST", 2, "COMMANDS", IAC, SE))
            String(takeUntil("UNREPORT"), Charsets.UTF_8) shouldContain "COMMANDS"
            command("ping") shouldContain "pong"
        }
    }

    test("set() from many threads while reported: every update is sent whole") {
        MudTestServer(setOf("msdp")).use { server ->
            RawTelnetClient(server.port).use { client ->
                client.open(MSDP)
                client.send(bytes(IAC, SB, MSDP, 1, "REPORT", 2, "HEALTH", IAC, SE))
                client.command("ping") shouldContain "pong"
                val msdp = server.sessions.values.single().msdp!!
                msdp.reported shouldBe setOf("HEALTH")
                val threads = (1..8).map { t -> thread { repeat(100) { i -> msdp.set("HEALTH", MsdpValue.of("t$t-$i")) } } }
                threads.forEach { it.join() }
                msdp.set("HEALTH", MsdpValue.of("last"))
                val received = client.takeUntil(bytes(IAC, SB, MSDP, 1, "HEALTH", 2, "last", IAC, SE))
                val updates = Regex("\\u0001HEALTH\\u0002t\\d-\\d+\\u00FF\\u00F0").findAll(String(received, Charsets.ISO_8859_1)).count()
                updates shouldBe 800
                msdp.get("HEALTH") shouldBe MsdpValue.of("last")
                client.command("ping") shouldContain "pong"
            }
        }
    }
})
