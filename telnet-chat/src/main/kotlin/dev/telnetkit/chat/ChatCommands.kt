package dev.telnetkit.chat

import dev.telnetkit.shell.Command
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.CommandHandler

/** The shell commands of [ChatRooms.commands]: `chat`, `say`, `msg`, `who`. */
internal object ChatCommands {
    fun of(rooms: ChatRooms): List<Command> = listOf(
        Command(
            name = "chat",
            usage = "[room]",
            summary = "Enter chat (the ${rooms.settings.defaultRoom} room unless told); /quit comes back.",
            handler = CommandHandler { call -> call.session.let { rooms.enter(it, call.args.firstOrNull() ?: rooms.settings.defaultRoom) } },
        ),
        Command(
            name = "say",
            usage = "<text>",
            summary = "Say something in your chat room (joins ${rooms.settings.defaultRoom} if you are in none).",
            handler = CommandHandler { call ->
                if (call.args.isEmpty()) throw CommandException("usage: say <text>")
                val session = call.session
                if (rooms.roomOf(session) == null && !rooms.join(session, rooms.settings.defaultRoom)) return@CommandHandler
                rooms.say(session, call.args.joinToString(" "))
            },
        ),
        Command(
            name = "msg",
            usage = "<name> <text>",
            summary = "Send a private message to an online user.",
            handler = CommandHandler { call ->
                if (call.args.size < 2) throw CommandException("usage: msg <name> <text>")
                rooms.privateMessage(call.session, call.args[0], call.args.drop(1).joinToString(" "))
            },
        ),
        Command(
            name = "who",
            summary = "Show who is online in chat: name, room, idle time.",
            handler = CommandHandler { call ->
                rooms.register(call.session)
                call.session.writeMessage(ChatLines.who(rooms.who()))
            },
        ),
    )
}
