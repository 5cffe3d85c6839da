package dev.telnetkit.samples

import dev.telnetkit.server.TelnetServer
import dev.telnetkit.testkit.TelnetTestClient
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.collections.shouldContain
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.withTimeout
import java.util.concurrent.CountDownLatch
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.time.Duration.Companion.seconds

/** The chat sample with three real clients on one server. */
class ChatSpec : FunSpec({
    suspend fun join(server: TelnetServer, nick: String): TelnetTestClient {
        val client = TelnetTestClient.connect("127.0.0.1", server.port)
        client.awaitText("Welcome to the chat.")
        client.awaitPrompt("Nickname: ")
        client.sendLine(nick)
        client.awaitPrompt("$nick> ")
        return client
    }

    /** The row the cursor is on, as the user sees it. */
    fun TelnetTestClient.cursorLine(): String = screen.rowText(screen.cursorRow)

    test("nicknames, messages to the others only, /who, /me, /nick, and join and leave announcements") {
        val room = ChatRoom()
        val server = room.server("127.0.0.1", 0).start()
        val ann = join(server, "ann")
        val bob = join(server, "bob")
        ann.awaitText("* bob joined")
        val carol = TelnetTestClient.connect("127.0.0.1", server.port)
        try {
            carol.awaitPrompt("Nickname: ")
            carol.sendLine("BOB")
            carol.awaitText("'BOB' is taken; pick another.")
            carol.awaitPrompt("Nickname: ")
            carol.sendLine("not valid!")
            carol.awaitText("A nickname is up to 20 letters, digits, - or _.")
            carol.awaitPrompt("Nickname: ")
            carol.sendLine("carol")
            carol.awaitPrompt("carol> ")
            ann.awaitText("* carol joined")
            bob.awaitText("* carol joined")
            room.nicknames shouldBe listOf("ann", "bob", "carol")

            ann.sendLine("hello everyone")
            bob.awaitText("<ann> hello everyone")
            carol.awaitText("<ann> hello everyone")

            bob.sendLine("/who")
            bob.awaitText("In the room: ann, bob, carol")
            bob.awaitPrompt("bob> ")

            carol.sendLine("/me waves")
            ann.awaitText("* carol waves")
            bob.awaitText("* carol waves")

            bob.sendLine("/nick ann")
            bob.awaitText("'ann' is taken; pick another.")
            bob.sendLine("/nick robert")
            ann.awaitText("* bob is now known as robert")
            carol.awaitText("* bob is now known as robert")
            bob.awaitPrompt("robert> ")
            bob.sendLine("/who")
            bob.awaitText("In the room: ann, carol, robert")

            bob.sendLine("/dance")
            bob.awaitText("Unknown command /dance.")
            bob.awaitPrompt("robert> ")

            bob.sendLine("renamed and talking")
            ann.awaitText("<robert> renamed and talking")
            carol.awaitText("<robert> renamed and talking")

            carol.sendLine("/quit")
            carol.awaitClosed(5.seconds) shouldBe true
            ann.awaitText("* carol left")
            bob.awaitText("* carol left")

            ann.close() // the connection just drops
            bob.awaitText("* ann left")
            withTimeout(5.seconds) { while (room.nicknames != listOf("robert")) delay(10) }

            // Nobody ever got their own words back.
            ann.output shouldNotContain "<ann>"
            ann.output shouldNotContain "* ann joined"
            bob.output shouldNotContain "<robert>"
            bob.output shouldNotContain "* bob joined"
            bob.output shouldNotContain "* bob is now known"
            carol.output shouldNotContain "* carol waves"
            carol.output shouldNotContain "* carol joined"
            // Leaving with a disconnect is announced to the others only once.
            bob.output.split("* ann left").size shouldBe 2
        } finally {
            listOf(ann, bob, carol).forEach { it.close() }
            server.stop()
        }
    }

    test("claiming a nickname is atomic: of threads racing for one name, exactly one gets it, in any case") {
        val room = ChatRoom()
        repeat(200) { round ->
            val winners = AtomicInteger()
            val go = CountDownLatch(1)
            val racers = List(8) { i ->
                thread {
                    go.await()
                    if (room.claim(if (i % 2 == 0) "nick$round" else "NICK$round", "owner-$i")) winners.incrementAndGet()
                }
            }
            go.countDown()
            racers.forEach { it.join() }
            withClue("round $round") { winners.get() shouldBe 1 }
        }
        room.claim("ann", "a") shouldBe true
        room.release("ANN", "someone else")
        room.claim("ann", "b") shouldBe false
        room.release("Ann", "a")
        room.claim("ann", "b") shouldBe true
    }

    test("two users sending the same nickname at once: one gets it, the other is told it is taken") {
        val room = ChatRoom()
        val server = room.server("127.0.0.1", 0).start()
        val clients = List(2) { TelnetTestClient.connect("127.0.0.1", server.port) }
        try {
            clients.forEach { it.awaitPrompt("Nickname: ") }
            coroutineScope { clients.forEach { client -> launch { client.sendLine("twin") } } }
            val outcomes = clients.map { client ->
                client.awaitRegex(Regex("twin> $|'twin' is taken; pick another\\.")).value
            }
            outcomes.sorted() shouldBe listOf("'twin' is taken; pick another.", "twin> ")
            room.nicknames shouldBe listOf("twin")
        } finally {
            clients.forEach { it.close() }
            server.stop()
        }
    }

    test("a message arriving while a user types keeps the half-typed line intact") {
        val server = ChatRoom().server("127.0.0.1", 0).start()
        val ann = join(server, "ann")
        val bob = join(server, "bob")
        val carol = join(server, "carol")
        try {
            ann.awaitText("* carol joined")
            bob.awaitText("* carol joined")

            bob.send("half of a li")
            bob.awaitScreen { it.rowText(it.cursorRow) == "bob> half of a li" }

            ann.sendLine("interrupting you")
            carol.sendLine("me too")
            val screen = bob.awaitScreen { screen ->
                val row = screen.cursorRow
                row >= 2 && screen.rowText(row) == "bob> half of a li" &&
                    screen.lines.subList(0, row).containsAll(listOf("<ann> interrupting you", "<carol> me too"))
            }
            // The messages sit above the prompt line, each on its own row; the cursor is after the text.
            screen.cursorColumn shouldBe "bob> half of a li".length
            screen.lines shouldContain "<ann> interrupting you"
            screen.lines.none { it.contains("half of a li") && it != "bob> half of a li" } shouldBe true
            // On the wire: the message, then the prompt and the partial input drawn again after it.
            bob.output.substringAfter("<carol> me too") shouldContain "bob> half of a li"

            bob.send("ne\r")
            ann.awaitText("<bob> half of a line\r\n")
            carol.awaitText("<bob> half of a line\r\n")
            bob.awaitPrompt("bob> ")
            bob.awaitScreen { it.rowText(it.cursorRow) == "bob> " || it.rowText(it.cursorRow) == "bob>" }
            ann.cursorLine() shouldBe "ann>"
        } finally {
            listOf(ann, bob, carol).forEach { it.close() }
            server.stop()
        }
    }
})
