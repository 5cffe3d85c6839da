package dev.telnetkit.chat

import java.time.Duration

/**
 * How chat lines look on the screen: every line a user sees is made here, so styling them (the
 * ANSI toolkit's colours, once in core) is a change to this one file. Everything put in is either
 * cleaned by [ChatText] or a validated name.
 */
internal object ChatLines {
    fun said(room: String, from: String, text: String): String = "[$room] <$from> $text"

    fun action(room: String, from: String, text: String): String = "[$room] * $from $text"

    fun joined(room: String, who: String): String = "[$room] -> $who joined"

    fun left(room: String, who: String): String = "[$room] <- $who left"

    fun renamed(room: String, old: String, new: String): String = "[$room] $old is now known as $new"

    fun privateFrom(from: String, text: String): String = "[private from $from] $text"

    fun privateTo(to: String, text: String): String = "[private to $to] $text"

    fun operatorToUser(from: String, text: String): String = "!! $from: $text"

    fun operatorToAll(from: String, text: String): String = "!! $from (to everyone): $text"

    fun history(room: String, lines: List<String>): String =
        (listOf("-- last ${lines.size} lines of $room --") + lines + "-- end of history --").joinToString("\n")

    fun who(people: List<ChatPresence>): String {
        if (people.isEmpty()) return "Nobody is in chat."
        val header = row("Name", "Nickname", "Room", "Idle")
        return (listOf(header) + people.map { row(it.name, it.nickname ?: "-", it.room ?: "-", idle(it.idle)) })
            .joinToString("\n")
    }

    fun rooms(rooms: List<Pair<String, Int>>): String =
        rooms.joinToString("\n", prefix = "Rooms:\n") { (name, count) -> "  $name ($count ${if (count == 1) "person" else "people"})" }

    val help: String = listOf(
        "Chat commands:",
        "  /join ROOM        go to another room (made if it does not exist)",
        "  /msg NAME TEXT    a private message to NAME (name or nickname)",
        "  /me TEXT          an action: * you TEXT",
        "  /nick NAME        choose your nickname",
        "  /who              who is online",
        "  /rooms            the rooms and how many are in each",
        "  /help             this list",
        "  /quit             leave chat",
        "Anything else is said to your room (start with // to say a line beginning with /).",
    ).joinToString("\n")

    private fun row(name: String, nickname: String, room: String, idle: String): String =
        name.padEnd(17) + nickname.padEnd(17) + room.padEnd(25) + idle

    private fun idle(duration: Duration): String {
        val s = duration.seconds
        return "%d:%02d:%02d".format(s / 3600, (s / 60) % 60, s % 60)
    }
}
