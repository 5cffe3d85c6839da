package dev.telnetkit.chat

import dev.telnetkit.session.Session
import dev.telnetkit.shell.Command
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.awaitCancellation
import java.util.IdentityHashMap

private val logger = KotlinLogging.logger {}

/**
 * The chat of one server: rooms, private messages, who is online, and operator messages. Make one
 * per server with [create] and share it between sessions; it is thread-safe and keeps no global
 * state. Every line reaches a user through `Session.writeMessage`, so it appears above the line the
 * user is typing, which is drawn again below it, intact.
 *
 * **Who chat knows.** A session is *online* once [register]ed: any chat call for it registers it
 * (entering chat mode, a `say`, `msg` or `who` command), and a server may register every session at
 * its start (`onSessionStart { rooms.register(this) }`) so that operator messages reach users who
 * never typed a chat command. [who] lists the online sessions. A session leaves chat by itself when
 * it ends.
 *
 * **Rooms.** A session is in at most one room at a time: joining another leaves the first. The
 * [ChatSettings.defaultRoom] always exists; users may create rooms by joining them
 * ([ChatSettings.usersCreateRooms]), up to [ChatSettings.maxRooms]; a room a user created goes when
 * its last member leaves; rooms from [createRoom] stay. Each room keeps its last
 * [ChatSettings.historySize] lines and shows them to whoever joins.
 *
 * **Input rules.** What users send is cleaned of control characters and terminal escapes (no user
 * can move another's cursor or recolour their screen), refused when longer than
 * [ChatSettings.maxMessageLength] and held back by flood control (a burst, then one message per
 * [ChatSettings.floodRefill]). A refusal is told to the user who sent it, on their own screen, and
 * logged; it never ends their session. Operator calls ([messageUser], [announce]) skip flood control.
 *
 * ```kotlin
 * val rooms = ChatRooms.create()
 * telnetServer {
 *     chat(rooms)                       // chat, say, msg and who commands
 *     onSessionStart { rooms.register(this) }
 * }
 * rooms.messageUser("ann", "the server restarts in 5 minutes")
 * ```
 *
 * ```java
 * ChatRooms rooms = ChatRooms.create();
 * TelnetServer server = TelnetServer.builder().commands(rooms.commands()).build();
 * rooms.announce("the server restarts in 5 minutes");
 * ```
 */
public class ChatRooms private constructor(
    /** The settings this chat was made with. */
    public val settings: ChatSettings,
) {
    // One lock for all chat state. Lines are handed to sessions while it is held (writeMessage never
    // suspends or blocks), so every member of a room sees its lines in the same order; recipients are
    // copied first, in case a session ending meanwhile leaves on this thread.
    private val lock = Any()
    private val members = IdentityHashMap<Session, ChatMember>()
    private val rooms = LinkedHashMap<String, ChatRoom>()
    private val refillNanos = settings.floodRefill.toNanos()

    init {
        rooms[settings.defaultRoom] = ChatRoom(settings.defaultRoom, settings.historySize, permanent = true)
    }

    /**
     * Creates room [name] (lower-cased), which stays when empty; false when it already exists.
     * @throws IllegalArgumentException when [name] is not a valid room name or [ChatSettings.maxRooms] are in use.
     */
    public fun createRoom(name: String): Boolean {
        val room = requireNotNull(ChatNames.room(name)) { "room name '$name' must be ${ChatNames.ROOM_RULE}" }
        synchronized(lock) {
            if (room in rooms) return false
            require(rooms.size < settings.maxRooms) { "there are already ${settings.maxRooms} rooms" }
            rooms[room] = ChatRoom(room, settings.historySize, permanent = true)
            return true
        }
    }

    /** The rooms that exist, the default one first. */
    public fun roomNames(): List<String> = synchronized(lock) { rooms.keys.toList() }

    /** The room [session] is in, or null. */
    public fun roomOf(session: Session): String? = synchronized(lock) { members[session]?.room?.name }

    /**
     * Makes [session] known to chat (online, in no room) unless it is already, and returns the name
     * chat knows it by: its login name when that is a valid nickname, else `guest` and its number.
     * When the session ends it leaves chat by itself.
     */
    public fun register(session: Session): String = member(session).name

    /**
     * Puts [session] in [room], leaving the room it was in; shows the room's recent lines to it and
     * a notice to the others. False (and the user is told why) when the name is not valid or the
     * room does not exist and may not be created.
     */
    public fun join(session: Session, room: String): Boolean {
        val me = member(session)
        val name = ChatNames.room(room) ?: return refuse(me, "'${ChatText.clean(room)}' is not a room name: use ${ChatNames.ROOM_RULE}.")
        synchronized(lock) {
            if (me.room?.name == name) return true
            val target = rooms[name] ?: run {
                if (!settings.usersCreateRooms) return refuse(me, "There is no room '$name'.")
                if (rooms.size >= settings.maxRooms) return refuse(me, "No more rooms can be made; join one of /rooms.")
                ChatRoom(name, settings.historySize, permanent = false).also { rooms[name] = it }
            }
            leaveRoom(me)
            val recent = target.recent()
            if (recent.isNotEmpty()) me.session.writeMessage(ChatLines.history(name, recent))
            val notice = ChatLines.joined(name, me.shownName)
            target.members.add(me)
            me.room = target
            target.members.toList().forEach { it.session.writeMessage(notice) }
            logger.debug { "session ${session.id}: ${me.name} joined $name" }
            return true
        }
    }

    /** Takes [session] out of its room (the others are told); it stays online. */
    public fun leave(session: Session) {
        synchronized(lock) { members[session]?.let { leaveRoom(it) } }
    }

    /** Says [text] to the room [session] is in; false (the user told why) when refused. */
    public fun say(session: Session, text: String): Boolean = toRoom(session, text) { room, from, clean -> ChatLines.said(room, from, clean) }

    /** An action in the room [session] is in, shown as `* name text` (`/me`); false when refused. */
    public fun act(session: Session, text: String): Boolean = toRoom(session, text) { room, from, clean -> ChatLines.action(room, from, clean) }

    /**
     * Sends [text] from [session] to the online user named [to] (name or nickname, any case) only;
     * the sender sees a copy. False (the user told why) when nobody has that name or it is refused.
     */
    public fun privateMessage(session: Session, to: String, text: String): Boolean {
        val me = member(session)
        val clean = checked(me, text) ?: return false
        synchronized(lock) {
            val target = find(to) ?: return refuse(me, "Nobody called '${ChatText.clean(to)}' is online.")
            if (target === me) return refuse(me, "That is you.")
            target.session.writeMessage(ChatLines.privateFrom(me.shownName, clean))
            me.session.writeMessage(ChatLines.privateTo(target.shownName, clean))
            return true
        }
    }

    /** Sets the nickname of [session]; false (the user told why) when invalid or taken. */
    public fun nickname(session: Session, nickname: String): Boolean {
        val me = member(session)
        if (!ChatNames.isNickname(nickname)) return refuse(me, "A nickname is ${ChatNames.NICKNAME_RULE}.")
        synchronized(lock) {
            val holder = find(nickname)
            if (holder != null && holder !== me) return refuse(me, "The name '$nickname' is taken.")
            val old = me.shownName
            me.nickname = nickname
            val notice = me.room?.let { ChatLines.renamed(it.name, old, nickname) } ?: "You are now known as $nickname."
            (me.room?.members?.toList() ?: listOf(me)).forEach { it.session.writeMessage(notice) }
            return true
        }
    }

    /** Who is online: every registered session still running, in the order they came. */
    public fun who(): List<ChatPresence> = synchronized(lock) {
        members.values.filter { !it.session.isClosing }.sortedBy { it.session.id }
            .map { ChatPresence(it.name, it.nickname, it.room?.name, it.session.idle, it.session.id) }
    }

    /**
     * An operator message to the online user named [name] (name or nickname, any case), shown above
     * what they are typing; false when nobody online has that name. [text] is cleaned as a user's.
     */
    @JvmOverloads
    public fun messageUser(name: String, text: String, from: String = settings.operatorName): Boolean {
        val line = ChatLines.operatorToUser(ChatText.clean(from), ChatText.clean(text))
        synchronized(lock) {
            val target = find(name) ?: return false
            target.session.writeMessage(line)
        }
        logger.info { "operator message from '$from' to '$name'" }
        return true
    }

    /** An operator message to every online user; returns how many it reached. */
    @JvmOverloads
    public fun announce(text: String, from: String = settings.operatorName): Int {
        val line = ChatLines.operatorToAll(ChatText.clean(from), ChatText.clean(text))
        val reached = synchronized(lock) {
            val targets = members.values.filter { !it.session.isClosing }
            targets.forEach { it.session.writeMessage(line) }
            targets.size
        }
        logger.info { "operator announcement from '$from' reached $reached sessions" }
        return reached
    }

    /**
     * Chat mode: joins [room] and reads lines from [session] until `/quit` or the end of its input;
     * plain lines are said to the room, `/join`, `/msg`, `/me`, `/nick`, `/who`, `/rooms` and `/help`
     * do what `/help` says. Leaves the room on return. Kotlin only; Java calls [enterBlocking].
     */
    @JvmSynthetic
    public suspend fun enter(session: Session, room: String = settings.defaultRoom) {
        if (!join(session, room)) return
        session.writeMessage("You are in chat. /help lists the commands, /quit leaves.")
        val mode = ChatMode(this)
        try {
            while (true) {
                val line = session.readLine(mode.prompt(session), maxLength = settings.maxMessageLength + COMMAND_ALLOWANCE) ?: break
                if (!mode.handle(session, line)) break
            }
        } finally {
            leave(session)
        }
    }

    /** [enter] for Java and blocking handlers; never call it on an event-loop thread. */
    @JvmName("enter")
    @JvmOverloads
    public fun enterBlocking(session: Session, room: String = settings.defaultRoom) {
        if (!join(session, room)) return
        session.writeMessage("You are in chat. /help lists the commands, /quit leaves.")
        val mode = ChatMode(this)
        try {
            while (true) {
                val line = session.readLineBlocking(mode.prompt(session)) ?: break
                if (!mode.handle(session, line)) break
            }
        } finally {
            leave(session)
        }
    }

    /**
     * The shell commands `chat [room]` (chat mode), `say TEXT`, `msg NAME TEXT` and `who`, for
     * `TelnetServerBuilder.commands` (Java) or the DSL's `chat(rooms)`.
     */
    public fun commands(): List<Command> = ChatCommands.of(this)

    // ---- inside ----

    /** Each room and how many are in it, for `/rooms`. */
    internal fun roomCounts(): List<Pair<String, Int>> = synchronized(lock) { rooms.values.map { it.name to it.members.size } }

    /** The member for [session], registered (and watched for its end) the first time. */
    private fun member(session: Session): ChatMember {
        synchronized(lock) {
            members[session]?.let { return it }
            val member = ChatMember(session, ChatNames.defaultName(session.username, session.id),
                FloodControl(settings.floodBurst, refillNanos, System.nanoTime()))
            members[session] = member
            watchEnd(session)
            return member
        }
    }

    /** Removes [session] when it ends: its background jobs are cancelled then. */
    private fun watchEnd(session: Session) {
        try {
            session.launch {
                try {
                    awaitCancellation()
                } finally {
                    forget(session)
                }
            }
        } catch (e: UninitializedPropertyAccessException) {
            // A session that never ran (made by hand): nothing will end it, and who() skips it once closing.
            logger.debug { "session ${session.id} has no scope; it leaves chat only when told" }
        }
    }

    private fun forget(session: Session) {
        synchronized(lock) {
            val member = members.remove(session) ?: return
            leaveRoom(member)
        }
        logger.debug { "session ${session.id} ended: left chat" }
    }

    /** Must hold [lock]. */
    private fun leaveRoom(member: ChatMember) {
        val room = member.room ?: return
        room.members.remove(member)
        member.room = null
        val notice = ChatLines.left(room.name, member.shownName)
        room.members.toList().forEach { it.session.writeMessage(notice) }
        if (room.members.isEmpty() && !room.permanent) rooms.remove(room.name)
    }

    /** Must hold [lock]. */
    private fun find(name: String): ChatMember? =
        members.values.firstOrNull { it.answersTo(name) && !it.session.isClosing }

    private inline fun toRoom(session: Session, text: String, line: (room: String, from: String, clean: String) -> String): Boolean {
        val me = member(session)
        val clean = checked(me, text) ?: return false
        synchronized(lock) {
            val room = me.room ?: return refuse(me, "You are in no room: /join one first.")
            val shown = line(room.name, me.shownName, clean)
            room.remember(shown)
            room.members.toList().forEach { it.session.writeMessage(shown) }
            return true
        }
    }

    /** [text] cleaned when it may be sent, else null (and the user told why). */
    private fun checked(me: ChatMember, text: String): String? {
        val clean = ChatText.clean(text)
        if (clean.isEmpty()) return null
        if (clean.length > settings.maxMessageLength) {
            refuse(me, "Your message is ${clean.length} characters long; the limit is ${settings.maxMessageLength}. Nothing was sent.")
            return null
        }
        val allowed = synchronized(lock) { me.flood.tryTake(System.nanoTime()) }
        if (!allowed) {
            refuse(me, "You are sending messages too fast; wait a moment. That one was not sent.")
            return null
        }
        return clean
    }

    private fun refuse(me: ChatMember, reason: String): Boolean {
        logger.info { "session ${me.session.id} (${me.name}): chat refused: $reason" }
        me.session.writeMessage(reason)
        return false
    }

    public companion object {
        /** Room in a chat-mode line for `/msg NAME ` beyond the message itself. */
        private const val COMMAND_ALLOWANCE = 40

        /** A chat with [settings] (the defaults when left out). */
        @JvmStatic
        @JvmOverloads
        public fun create(settings: ChatSettings = ChatSettings.DEFAULT): ChatRooms = ChatRooms(settings)
    }
}
