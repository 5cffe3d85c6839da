package dev.telnetkit.samples

import dev.telnetkit.session.Session
import dev.telnetkit.session.AttributeKey

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import java.util.concurrent.ConcurrentHashMap

/**
 * A chat room: everyone picks a nickname, and what one types reaches the others with
 * `writeMessage`, above whatever they are typing. `/who`, `/me`, `/nick`, `/quit`.
 */
class ChatRoom {
    private val members = ConcurrentHashMap<Session, String>()

    /**
     * Nicknames in use, lower-cased, and who holds each. Claiming one is a single `putIfAbsent`,
     * so two users choosing the same name at the same moment can never both get it.
     */
    private val claims = ConcurrentHashMap<String, Any>()

    /** The nicknames in the room, sorted. */
    val nicknames: List<String> get() = members.values.sorted()

    /** The chat server on [host]:[port]. */
    fun server(host: String, port: Int): TelnetServer = server(DemoOptions(host = host, port = port))

    /** The chat server with the command line's settings. */
    fun server(options: DemoOptions): TelnetServer = telnetServer {
        listenAs(options)
        // Over SSH the chat takes anyone with a non-empty password, as the demo does.
        options.sshPort?.let { sshPort -> demoSsh(sshPort, options.sshHostKey) }
        session { chat() }
    }

    /** Claims [nick] for [owner]; false if someone holds it already, in any case. */
    internal fun claim(nick: String, owner: Any): Boolean = claims.putIfAbsent(nick.lowercase(), owner) == null

    /** Gives [nick] up, if [owner] holds it. */
    internal fun release(nick: String, owner: Any) {
        claims.remove(nick.lowercase(), owner)
    }

    private suspend fun Session.chat() {
        writeLine("Welcome to the chat. Commands: /who, /me <action>, /nick <name>, /quit.")
        // Claimed from here on; the finally below gives it up however the session ends.
        var nick = pickNickname() ?: return
        try {
            attributes[NICK] = nick
            members[this] = nick
            tellOthers(this, "* $nick joined")
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
                        when {
                            problem != null -> writeLine(problem)
                            // The same name in another case: already this session's claim.
                            wanted.equals(nick, ignoreCase = true) -> nick = rename(nick, wanted)
                            !claim(wanted, this) -> writeLine(taken(wanted))
                            else -> {
                                release(nick, this)
                                nick = rename(nick, wanted)
                            }
                        }
                    }
                    line.startsWith("/") -> writeLine("Unknown command ${line.substringBefore(' ')}. Try /who, /me, /nick or /quit.")
                    else -> tellOthers(this, "<$nick> $line")
                }
            }
        } finally {
            members.remove(this)
            release(nick, this)
            tellOthers(this, "* $nick left")
        }
    }

    /** Tells the others and records [new] as this session's nickname; returns it. */
    private fun Session.rename(old: String, new: String): String {
        if (old != new) tellOthers(this, "* $old is now known as $new")
        members[this] = new
        attributes[NICK] = new
        return new
    }

    /** Asks until a valid nickname is claimed for this session; null if the input ended. */
    private suspend fun Session.pickNickname(): String? {
        while (true) {
            val wanted = readLine("Nickname: ", history = false)?.trim() ?: return null
            val problem = nicknameProblem(wanted)
            when {
                problem != null -> writeLine(problem)
                claim(wanted, this) -> return wanted
                else -> writeLine(taken(wanted))
            }
        }
    }

    /** What is wrong with the form of [wanted], or null; whether it is free is for [claim] to say. */
    private fun nicknameProblem(wanted: String): String? = when {
        wanted.isEmpty() -> "Please choose a nickname."
        wanted.length > 20 || !wanted.all { it.isLetterOrDigit() || it in "-_" } -> "A nickname is up to 20 letters, digits, - or _."
        else -> null
    }

    private fun taken(wanted: String): String = "'$wanted' is taken; pick another."

    private fun tellOthers(sender: Session, message: String) {
        for (member in members.keys) if (member !== sender) member.writeMessage(message)
    }

    private companion object {
        val NICK = AttributeKey<String>("chat.nickname")
    }
}
