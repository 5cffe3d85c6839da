package dev.telnetkit.samples

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.AttributeKey
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.server.TelnetSession
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.toKotlinDuration

/**
 * A chat room: everyone picks a nickname, and what one types reaches the others with
 * `writeMessage`, above whatever they are typing. `/who`, `/me`, `/nick`, `/quit`.
 */
class ChatRoom {
    private val members = ConcurrentHashMap<TelnetSession, String>()

    /** The nicknames in the room, sorted. */
    val nicknames: List<String> get() = members.values.sorted()

    /** The chat server on [host]:[port]. */
    fun server(host: String, port: Int): TelnetServer = server(DemoOptions(host = host, port = port))

    /** The chat server with the command line's settings. */
    fun server(options: DemoOptions): TelnetServer = telnetServer {
        host = options.host
        port = options.port
        encoding = options.encoding
        idleTimeout = options.idleTimeout.toKotlinDuration()
        connectMaxWait = options.connectMaxWait.toKotlinDuration()
        session { chat() }
    }

    private suspend fun TelnetSession.chat() {
        writeLine("Welcome to the chat. Commands: /who, /me <action>, /nick <name>, /quit.")
        var nick = pickNickname() ?: return
        attributes[NICK] = nick
        members[this] = nick
        tellOthers(this, "* $nick joined")
        try {
            while (true) {
                val line = readLine("$nick> ") ?: break
                when {
                    line.isBlank() -> continue
                    line == "/quit" -> break
                    line == "/who" -> writeLine("In the room: ${nicknames.joinToString(", ")}")
                    line.startsWith("/me ") -> tellOthers(this, "* $nick ${line.removePrefix("/me ").trim()}")
                    line.startsWith("/nick") -> {
                        val wanted = line.removePrefix("/nick").trim()
                        val problem = nicknameProblem(wanted)
                        if (problem != null) writeLine(problem) else {
                            tellOthers(this, "* $nick is now known as $wanted")
                            nick = wanted
                            members[this] = nick
                            attributes[NICK] = nick
                        }
                    }
                    line.startsWith("/") -> writeLine("Unknown command ${line.substringBefore(' ')}. Try /who, /me, /nick or /quit.")
                    else -> tellOthers(this, "<$nick> $line")
                }
            }
        } finally {
            members.remove(this)
            tellOthers(this, "* $nick left")
        }
    }

    private suspend fun TelnetSession.pickNickname(): String? {
        while (true) {
            val wanted = readLine("Nickname: ", history = false)?.trim() ?: return null
            val problem = nicknameProblem(wanted)
            if (problem == null) return wanted
            writeLine(problem)
        }
    }

    private fun nicknameProblem(wanted: String): String? = when {
        wanted.isEmpty() -> "Please choose a nickname."
        wanted.length > 20 || !wanted.all { it.isLetterOrDigit() || it in "-_" } -> "A nickname is up to 20 letters, digits, - or _."
        members.values.any { it.equals(wanted, ignoreCase = true) } -> "'$wanted' is taken; pick another."
        else -> null
    }

    private fun tellOthers(sender: TelnetSession, message: String) {
        for (member in members.keys) if (member !== sender) member.writeMessage(message)
    }

    private companion object {
        val NICK = AttributeKey<String>("chat.nickname")
    }
}
