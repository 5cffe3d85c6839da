package dev.telnetkit.samples

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.mud.Gmcp
import dev.telnetkit.mud.Mccp2
import dev.telnetkit.mud.Mccp3
import dev.telnetkit.mud.Msdp
import dev.telnetkit.mud.MsdpValue
import dev.telnetkit.mud.Mssp
import dev.telnetkit.mud.PromptMarks
import dev.telnetkit.mud.gmcp
import dev.telnetkit.mud.msdp
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.session.AttributeKey
import dev.telnetkit.session.Session
import kotlinx.serialization.json.buildJsonObject
import kotlinx.serialization.json.put
import kotlinx.serialization.json.putJsonObject
import java.time.Duration
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger

/** One place in the [MudWorld]: what `look` shows, and where its exits lead. */
class MudRoom(val id: Int, val name: String, val description: String, val exits: Map<String, Int>)

/** A character's health: it falls by [step] each tick to [low], then climbs back to [max], round and round. */
class Vitals(val max: Int = 100, private val step: Int = 7, private val low: Int = 30) {
    @Volatile var health: Int = max
        private set
    private var falling = true

    /** Moves health one step along its cycle. */
    @Synchronized
    fun tick() {
        if (falling) {
            health = maxOf(low, health - step)
            if (health == low) falling = false
        } else {
            health = minOf(max, health + step)
            if (health == max) falling = true
        }
    }
}

/**
 * The `mud` sample: a tiny world of two rooms served with the MUD protocols of `telnet-mud`.
 * GMCP sends `Room.Info` and `Char.Vitals`, MSDP reports `HEALTH` (which changes every tick) and the
 * room, MSSP answers crawlers, MCCP2/MCCP3 compress when the client agrees, and every prompt is
 * marked with EOR (or GA for a client that keeps go-aheads).
 *
 * @param tick how often health changes.
 */
class MudWorld(private val tick: Duration = Duration.ofSeconds(2)) {
    private val started = Instant.now()
    private val players = AtomicInteger()

    /** The rooms, by id; players start in the first. */
    val rooms: Map<Int, MudRoom> = listOf(
        MudRoom(
            1, "The Great Hall",
            "A long hall of grey stone. Banners hang from the rafters and a fire crackles in the hearth. " +
                "An arch leads north into a garden.",
            mapOf("north" to 2),
        ),
        MudRoom(
            2, "The Walled Garden",
            "Roses climb the old walls and a fountain murmurs in the middle. The hall lies south.",
            mapOf("south" to 1),
        ),
    ).associateBy { it.id }

    /** What MSSP tells crawlers; asked anew for every query, so the player count is live. */
    fun status(port: Int): Map<String, List<String>> = linkedMapOf(
        "NAME" to listOf("TelnetKit MUD"),
        "PLAYERS" to listOf(players.get().toString()),
        "UPTIME" to listOf(started.epochSecond.toString()),
        "CODEBASE" to listOf("TelnetKit"),
        "CONTACT" to listOf("sysop@localhost"),
        "PORT" to listOf(port.toString()),
        "LANGUAGE" to listOf("English"),
        "GAMESYSTEM" to listOf("None"),
        "ANSI" to listOf("1"),
        "GMCP" to listOf("1"),
        "MSDP" to listOf("1"),
        "MCCP" to listOf("1"),
        "UTF-8" to listOf("1"),
    )

    @Volatile private var running: TelnetServer? = null

    /** The sample server with the command line's settings. */
    fun server(options: DemoOptions): TelnetServer {
        return telnetServer {
            listenAs(options)
            welcome = "Welcome to the TelnetKit MUD. Type 'look', 'north', 'south' or 'help'."
            prompt { session -> "HP:${vitals(session).health}/${vitals(session).max}> " }
            telnetOption(Gmcp.factory())
            telnetOption(Msdp.factory(listOf("HEALTH", "HEALTH_MAX", "ROOM_NAME", "ROOM_EXITS", "ROOM")))
            telnetOption(Mssp.factory { status(running?.port ?: options.port) })
            telnetOption(Mccp2.factory())
            telnetOption(Mccp3.factory())
            telnetOption(PromptMarks.factory())
            onSessionStart {
                players.incrementAndGet()
                enter(this, rooms.getValue(1))
                publishVitals(this)
                val v = vitals(this)
                scheduleAtFixedRate(tick, tick) {
                    v.tick()
                    publishVitals(this)
                }
            }
            onSessionEnd { players.decrementAndGet() }
            command("look", aliases = listOf("l")) {
                summary = "Look around the room you are in."
                run { _ -> describe(this, room(this)) }
            }
            for (direction in listOf("north", "south")) {
                command(direction, aliases = listOf(direction.take(1))) {
                    summary = "Walk $direction."
                    run { _ ->
                        val target = room(this).exits[direction]?.let { rooms[it] }
                        if (target == null) writeResponse("You cannot go $direction from here.") else enter(this, target)
                    }
                }
            }
        }.also { running = it }
    }

    private fun vitals(session: Session): Vitals = session.attributes.computeIfAbsent(VITALS) { Vitals() }

    private fun room(session: Session): MudRoom = rooms.getValue(session.attributes[ROOM_ID] ?: 1)

    private suspend fun describe(session: Session, room: MudRoom) {
        session.writeResponse(room.name)
        session.writeResponse(room.description)
        session.writeResponse("Exits: ${room.exits.keys.joinToString(", ")}.")
    }

    private suspend fun enter(session: Session, room: MudRoom) {
        session.attributes[ROOM_ID] = room.id
        describe(session, room)
        session.gmcp?.send(
            "Room.Info",
            buildJsonObject {
                put("num", room.id)
                put("name", room.name)
                put("area", "TelnetKit")
                putJsonObject("exits") { room.exits.forEach { (dir, to) -> put(dir, to) } }
            },
        )
        session.msdp?.let { msdp ->
            msdp.set("ROOM_NAME", MsdpValue.of(room.name))
            msdp.set("ROOM_EXITS", MsdpValue.table(room.exits.mapValues { MsdpValue.of(it.value) }))
            msdp.set(
                "ROOM",
                MsdpValue.table(
                    mapOf(
                        "VNUM" to MsdpValue.of(room.id),
                        "NAME" to MsdpValue.of(room.name),
                        "EXITS" to MsdpValue.table(room.exits.mapValues { MsdpValue.of(it.value) }),
                    ),
                ),
            )
        }
    }

    private fun publishVitals(session: Session) {
        val v = vitals(session)
        session.gmcp?.send(
            "Char.Vitals",
            buildJsonObject {
                put("hp", v.health)
                put("maxhp", v.max)
            },
        )
        session.msdp?.let { msdp ->
            msdp.set("HEALTH", MsdpValue.of(v.health))
            msdp.set("HEALTH_MAX", MsdpValue.of(v.max))
        }
    }

    private companion object {
        val VITALS = AttributeKey<Vitals>("mud.vitals")
        val ROOM_ID = AttributeKey<Int>("mud.room")
    }
}
