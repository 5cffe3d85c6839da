package dev.telnetkit.chat

import dev.telnetkit.session.Session

/** A session chat knows: its names, its room (at most one) and its flood control. Guarded by [ChatRooms]. */
internal class ChatMember(val session: Session, val name: String, val flood: FloodControl) {
    var nickname: String? = null
    var room: ChatRoom? = null

    /** The name others see: the nickname once chosen. */
    val shownName: String get() = nickname ?: name

    /** Whether [who] names this member, by login-derived name or nickname, without regard to case. */
    fun answersTo(who: String): Boolean = name.equals(who, ignoreCase = true) || nickname?.equals(who, ignoreCase = true) == true
}
