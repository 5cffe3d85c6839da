package dev.telnetkit.chat

/** The rules for the names chat shows: room names and nicknames. */
internal object ChatNames {
    private val ROOM = Regex("[a-z0-9][a-z0-9_-]{0,23}")
    private val NICKNAME = Regex("[A-Za-z][A-Za-z0-9_-]{0,15}")

    /** What a room name must look like, for messages. */
    const val ROOM_RULE: String = "1 to 24 lower-case letters, digits, '-' or '_', starting with a letter or digit"

    /** What a nickname must look like, for messages. */
    const val NICKNAME_RULE: String = "1 to 16 letters, digits, '-' or '_', starting with a letter"

    /** [name] lower-cased when it is a valid room name, else null. */
    fun room(name: String): String? = name.trim().lowercase().takeIf { ROOM.matches(it) }

    /** Whether [name] may be a nickname. */
    fun isNickname(name: String): Boolean = NICKNAME.matches(name)

    /**
     * The name a session is shown by before it picks a nickname: its login name when that is a valid
     * nickname, else `guest` and the session's number (a login name may hold anything).
     */
    fun defaultName(username: String?, sessionId: Long): String =
        username?.takeIf { isNickname(it) } ?: "guest$sessionId"
}
