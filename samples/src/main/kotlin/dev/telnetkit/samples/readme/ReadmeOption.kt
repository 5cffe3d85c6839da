package dev.telnetkit.samples.readme

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.wire.OptionOffer
import dev.telnetkit.wire.TelnetOptionHandler
import java.time.OffsetDateTime
import java.time.ZoneOffset
import java.time.format.DateTimeFormatter

// README:start option
/** ZMP (option 93), as much as a ping needs: `zmp.ping` is answered with `zmp.time`. */
class ZmpPing : TelnetOptionHandler(93) {
    override val local = OptionOffer.AT_CONNECT // WILL ZMP with the opening offers

    override fun onSubnegotiation(payload: ByteArray) {
        val words = String(payload, Charsets.UTF_8).split('\u0000').filter { it.isNotEmpty() }
        if (words.firstOrNull() == "zmp.ping") {
            val now = OffsetDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
            context.sendSubnegotiation("zmp.time\u0000$now\u0000".toByteArray())
        }
    }
}

fun zmpServer(port: Int): TelnetServer = telnetServer {
    this.port = port
    telnetOption { ZmpPing() } // one handler per Telnet session
    command("ping") { run { writeResponse("pong") } }
}
// README:end option
