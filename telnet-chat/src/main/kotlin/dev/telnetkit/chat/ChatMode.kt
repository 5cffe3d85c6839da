package dev.telnetkit.chat

import dev.telnetkit.session.Session

/**
 * What one line typed in chat mode does: a `/command` or a message to the room. No reading here
 * (the loop in [ChatRooms.enter] reads), and nothing here suspends: replies go out with
 * `writeMessage`, so the same code serves the suspending and the blocking loop.
 */
internal class ChatMode(private val rooms: ChatRooms) {
    /** The prompt: the room the session is in. */
    fun prompt(session: Session): String = "[${rooms.roomOf(session) ?: "no room"}] "

    /** Acts on [line]; false when the user asked to leave chat mode. */
    fun handle(session: Session, line: String): Boolean {
        val text = line.trim()
        if (text.isEmpty()) return true
        if (text.startsWith("//")) {
            rooms.say(session, text.substring(1))
            return true
        }
        if (!text.startsWith("/")) {
            rooms.say(session, text)
            return true
        }
        val command = text.substringBefore(' ').lowercase()
        val rest = text.substringAfter(' ', "").trim()
        when (command) {
            "/quit", "/exit" -> return false
            "/help", "/?" -> session.writeMessage(ChatLines.help)
            "/who" -> session.writeMessage(ChatLines.who(rooms.who()))
            "/rooms" -> session.writeMessage(ChatLines.rooms(rooms.roomCounts()))
            "/join" -> if (rest.isEmpty()) session.writeMessage("Usage: /join ROOM") else rooms.join(session, rest)
            "/me" -> if (rest.isEmpty()) session.writeMessage("Usage: /me TEXT") else rooms.act(session, rest)
            "/nick" -> if (rest.isEmpty()) session.writeMessage("Usage: /nick NAME") else rooms.nickname(session, rest)
            "/msg" -> {
                val to = rest.substringBefore(' ')
                val message = rest.substringAfter(' ', "").trim()
                if (to.isEmpty() || message.isEmpty()) session.writeMessage("Usage: /msg NAME TEXT") else rooms.privateMessage(session, to, message)
            }
            else -> session.writeMessage("Unknown chat command ${ChatText.clean(command).take(20)}; /help lists them.")
        }
        return true
    }
}
