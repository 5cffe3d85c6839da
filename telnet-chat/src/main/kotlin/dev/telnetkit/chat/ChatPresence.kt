package dev.telnetkit.chat

import java.time.Duration

/**
 * One line of "who is online": a session chat knows (see [ChatRooms.register]).
 *
 * @property name the name chat knows the user by: the login name, or `guest` and the session number.
 * @property nickname the nickname the user chose, or null.
 * @property room the room the user is in, or null.
 * @property idle how long since the user last typed anything.
 * @property sessionId the session's number on its server.
 */
public class ChatPresence internal constructor(
    public val name: String,
    public val nickname: String?,
    public val room: String?,
    public val idle: Duration,
    public val sessionId: Long,
) {
    override fun toString(): String = "ChatPresence($name, nickname=$nickname, room=$room, idle=$idle)"
}
