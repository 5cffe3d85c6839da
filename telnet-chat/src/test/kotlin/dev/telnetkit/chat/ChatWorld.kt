package dev.telnetkit.chat

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import kotlinx.coroutines.delay
import kotlinx.coroutines.withTimeoutOrNull
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

/**
 * One test's chat server on 127.0.0.1 (a free port): the shell with the chat commands, a login that
 * takes any name with the password `pw`, and every session registered with chat as it starts.
 */
class ChatWorld(val rooms: ChatRooms, private val server: TelnetServer) {
    private val clients = ArrayList<TelnetTestClient>()

    /** A client logged in as [name], at the shell's `> ` prompt. */
    suspend fun login(name: String): TelnetTestClient {
        val client = TelnetTestClient.connect("127.0.0.1", server.port)
        clients += client
        client.awaitText("Username: ")
        client.sendLine(name)
        client.awaitText("Password: ")
        client.sendLine("pw")
        client.awaitPrompt("> ")
        return client
    }

    /** Waits until [condition] holds, polling; false if it never did within five seconds. */
    suspend fun eventually(condition: () -> Boolean): Boolean =
        withTimeoutOrNull(5.seconds) {
            while (!condition()) delay(20.milliseconds)
            true
        } ?: false

    internal suspend fun close() {
        clients.forEach { runCatching { it.close() } }
        server.stop(Duration.ZERO)
    }
}

/** Runs [block] against a fresh chat server made with [settings] (and [more] commands), and stops it afterwards. */
suspend fun withChat(
    settings: ChatSettings = ChatSettings.DEFAULT,
    more: TelnetServerScope.(ChatRooms) -> Unit = {},
    block: suspend ChatWorld.() -> Unit,
) {
    val rooms = ChatRooms.create(settings)
    val server = telnetServer {
        host = "127.0.0.1"
        port = 0
        login { _, password -> password == "pw" }
        onSessionStart { rooms.register(this) }
        chat(rooms)
        more(rooms)
    }.start()
    val world = ChatWorld(rooms, server)
    try {
        world.block()
    } finally {
        world.close()
    }
}
