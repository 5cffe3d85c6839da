package dev.telnetkit.mud

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.Session
import dev.telnetkit.wire.TelnetOptionFactory
import kotlinx.coroutines.runBlocking
import java.time.Duration
import java.util.Collections
import java.util.concurrent.ConcurrentHashMap

/**
 * A MUD-like server for the wire tests: the handlers asked for, and a line loop with prompt `> `
 * and test commands: `ping` (answers `pong`), `hello` (the GMCP Core.Hello), `gmcp <Package> [json]`
 * (sends it; says `sent` or `not sent`), `got` (what the GMCP and MSDP listeners received),
 * `set <NAME> <text>` and `set-room` / `set-empty` (MSDP values), `reported`, `supports <Package>`.
 */
class MudTestServer(options: Set<String>) : AutoCloseable {
    private val received = ConcurrentHashMap<Long, MutableList<String>>()

    /** The sessions started so far, by id, for tests that call the handlers from other threads. */
    val sessions = ConcurrentHashMap<Long, Session>()
    private fun note(id: Long, text: String) {
        received.computeIfAbsent(id) { Collections.synchronizedList(ArrayList()) }.add(text)
    }

    private val factories: List<TelnetOptionFactory> = buildList {
        if ("eor" in options) add(PromptMarks.factory())
        if ("eor-noga" in options) add(PromptMarks.factory(goAhead = false))
        if ("msdp" in options) {
            add(Msdp.factory(listOf("HEALTH", "ROOM"), { s, name, value -> note(s.id, "msdp $name $value") }, maxReported = 8))
        }
        if ("mssp" in options) {
            add(Mssp.factory { linkedMapOf("NAME" to listOf("TestMUD"), "PLAYERS" to listOf("3"), "CODEBASE" to listOf("TelnetKit", "0.1")) })
        }
        if ("gmcp" in options) add(Gmcp.factory({ s, pkg, data -> note(s.id, "gmcp $pkg ${data ?: "-"}") }))
    }

    val server: TelnetServer = runBlocking {
        telnetServer {
            host = "127.0.0.1"
            port = 0
            connectMaxWait = kotlin.time.Duration.parse("2s")
            for (f in factories) telnetOption(f)
            session {
                sessions[id] = this
                while (true) {
                    val line = readLine("> ") ?: break
                    val words = line.trim().split(" ", limit = 3)
                    when (words[0]) {
                        "ping" -> writeLine("pong")
                        "hello" -> writeLine("client ${gmcp?.clientName} ${gmcp?.clientVersion}")
                        "supports" -> writeLine("supports ${gmcp?.supports(words[1])}")
                        "gmcp" -> {
                            val sent = if (words.size > 2) gmcp!!.sendJson(words[1], words[2]) else gmcp!!.send(words[1])
                            writeLine(if (sent) "sent" else "not sent")
                        }
                        "got" -> writeLine("got ${received.remove(id) ?: emptyList<String>()}")
                        "set" -> {
                            msdp!!.set(words[1], MsdpValue.of(words.getOrElse(2) { "" }))
                            writeLine("ok")
                        }
                        "set-room" -> {
                            msdp!!.set("ROOM", ROOM)
                            writeLine("ok")
                        }
                        "set-empty" -> {
                            msdp!!.set("ROOM", MsdpValue.table(emptyMap()))
                            writeLine("ok")
                        }
                        "reported" -> writeLine("reported ${msdp!!.reported}")
                        else -> writeLine("what?")
                    }
                }
            }
        }.start()
    }

    val port: Int get() = server.port

    override fun close() {
        server.stopBlocking(Duration.ZERO)
    }

    companion object {
        val ROOM: MsdpValue = MsdpValue.table(
            linkedMapOf(
                "VNUM" to MsdpValue.of(3001),
                "EXITS" to MsdpValue.table(linkedMapOf("n" to MsdpValue.of(3002), "e" to MsdpValue.of(3003))),
                "TAGS" to MsdpValue.array(MsdpValue.of("inside"), MsdpValue.array(), MsdpValue.table(emptyMap())),
            ),
        )
    }
}
