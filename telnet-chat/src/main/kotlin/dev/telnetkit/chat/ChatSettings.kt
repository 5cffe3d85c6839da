package dev.telnetkit.chat

import java.time.Duration

/**
 * How a [ChatRooms] behaves: immutable, checked when built. Get one from [builder] (Java and
 * Kotlin alike) or use [DEFAULT].
 *
 * ```java
 * ChatSettings settings = ChatSettings.builder().historySize(50).maxMessageLength(300).build();
 * ChatRooms rooms = ChatRooms.create(settings);
 * ```
 */
public class ChatSettings internal constructor(
    /** The room that always exists and that `chat` and `say` enter by default (`lobby`). */
    public val defaultRoom: String,
    /** Lines each room keeps and shows to whoever joins (20). */
    public val historySize: Int,
    /** The longest message accepted, in characters after cleaning (400); longer ones are refused. */
    public val maxMessageLength: Int,
    /** Messages a user may send at once before flood control holds them back (5). */
    public val floodBurst: Int,
    /** How often a user earns one more message after the burst (1 s). */
    public val floodRefill: Duration,
    /** Rooms that may exist at once (50); users cannot create more. */
    public val maxRooms: Int,
    /** Whether `/join` of a room that does not exist creates it (true); such rooms go when empty. */
    public val usersCreateRooms: Boolean,
    /** The name operator messages come from unless told otherwise (`sysop`). */
    public val operatorName: String,
) {
    /** Builds [ChatSettings]; every setting starts at its default. */
    public class Builder internal constructor() {
        private var defaultRoom = "lobby"
        private var historySize = 20
        private var maxMessageLength = 400
        private var floodBurst = 5
        private var floodRefill: Duration = Duration.ofSeconds(1)
        private var maxRooms = 50
        private var usersCreateRooms = true
        private var operatorName = "sysop"

        /** The room that always exists. */
        public fun defaultRoom(name: String): Builder = apply { defaultRoom = name }

        /** Lines each room keeps and shows on join (0 keeps none). */
        public fun historySize(lines: Int): Builder = apply { historySize = lines }

        /** The longest message accepted, in characters. */
        public fun maxMessageLength(characters: Int): Builder = apply { maxMessageLength = characters }

        /** Messages a user may send at once, then one more every [refill]. */
        public fun floodControl(burst: Int, refill: Duration): Builder = apply {
            floodBurst = burst
            floodRefill = refill
        }

        /** Rooms that may exist at once. */
        public fun maxRooms(rooms: Int): Builder = apply { maxRooms = rooms }

        /** Whether users create rooms by joining them. */
        public fun usersCreateRooms(allowed: Boolean): Builder = apply { usersCreateRooms = allowed }

        /** The default sender of operator messages. */
        public fun operatorName(name: String): Builder = apply { operatorName = name }

        /** The settings; throws [IllegalArgumentException] naming the first bad one. */
        public fun build(): ChatSettings {
            val room = ChatNames.room(defaultRoom)
            requireNotNull(room) { "defaultRoom '$defaultRoom' must be ${ChatNames.ROOM_RULE}" }
            require(historySize in 0..10_000) { "historySize must be 0..10000, was $historySize" }
            require(maxMessageLength in 1..10_000) { "maxMessageLength must be 1..10000, was $maxMessageLength" }
            require(floodBurst >= 1) { "floodControl burst must be at least 1, was $floodBurst" }
            require(!floodRefill.isNegative && !floodRefill.isZero) { "floodControl refill must be positive, was $floodRefill" }
            require(maxRooms >= 1) { "maxRooms must be at least 1, was $maxRooms" }
            require(ChatText.clean(operatorName) == operatorName && operatorName.isNotEmpty() && operatorName.length <= 32) {
                "operatorName must be 1 to 32 printable characters, was '$operatorName'"
            }
            return ChatSettings(room, historySize, maxMessageLength, floodBurst, floodRefill, maxRooms, usersCreateRooms, operatorName)
        }
    }

    public companion object {
        /** A builder starting from the defaults. */
        @JvmStatic
        public fun builder(): Builder = Builder()

        /** The defaults: `lobby`, 20 lines of history, 400 characters, 5 messages then 1 a second, 50 rooms. */
        @JvmField
        public val DEFAULT: ChatSettings = Builder().build()
    }
}
