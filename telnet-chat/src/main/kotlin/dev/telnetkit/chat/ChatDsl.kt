package dev.telnetkit.chat

import dev.telnetkit.dsl.TelnetServerScope

/**
 * Adds the chat commands of [rooms] to the server: `chat [room]`, `say TEXT`, `msg NAME TEXT` and
 * `who` (see [ChatRooms.commands]).
 *
 * ```kotlin
 * val rooms = ChatRooms.create()
 * telnetServer {
 *     chat(rooms)
 *     onSessionStart { rooms.register(this) }   // operator messages reach everyone, chatting or not
 * }
 * ```
 */
public fun TelnetServerScope.chat(rooms: ChatRooms) {
    commands(rooms.commands())
}
