package dev.telnetkit.chat

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.testkit.shouldShow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldNotContain
import java.time.Duration

/** Chat as users meet it, over real Telnet connections: rooms, private messages, who, and leaving. */
class ChatRoomsSpec : FunSpec({
    test("two users in a room see each other's messages, the join notice, and the room's history on joining") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            ann.sendLine("say hello all")
            ann shouldShow "[lobby] -> ann joined"
            ann shouldShow "[lobby] <ann> hello all"
            bob.sendLine("chat")
            bob shouldShow "-- last 1 lines of lobby --\r\n[lobby] <ann> hello all\r\n-- end of history --"
            ann shouldShow "[lobby] -> bob joined"
            bob shouldShow "[lobby] "
            bob.sendLine("hi ann")
            ann shouldShow "[lobby] <bob> hi ann"
            bob.sendLine("/me waves")
            ann shouldShow "[lobby] * bob waves"
        }
    }

    test("a private message reaches its target only, by name or by nickname") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            val cat = login("cat")
            // One after another: each joins once the one before is in, so all three see what follows.
            listOf("ann" to ann, "bob" to bob, "cat" to cat).forEach { (name, client) ->
                client.sendLine("chat")
                client shouldShow "[lobby] -> $name joined"
            }
            bob.sendLine("/nick bobby")
            ann shouldShow "[lobby] bob is now known as bobby"
            ann.sendLine("/msg bob psst secret")
            bob shouldShow "[private from ann] psst secret"
            ann shouldShow "[private to bobby] psst secret"
            ann.sendLine("/msg BOBBY second secret")
            bob shouldShow "[private from ann] second secret"
            ann.sendLine("/msg nobody hello")
            ann shouldShow "Nobody called 'nobody' is online."
            ann.sendLine("marker")
            cat shouldShow "[lobby] <ann> marker"
            cat.output shouldNotContain "secret"
        }
    }

    test("who lists every online user with name, nickname, room and idle time") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            val cat = login("cat")
            ann.sendLine("chat")
            ann shouldShow "[lobby] -> ann joined"
            bob.sendLine("chat games")
            bob shouldShow "[games] -> bob joined"
            bob.sendLine("/nick bobby")
            bob shouldShow "is now known as bobby"
            cat.sendLine("who")
            cat.awaitPrompt("> ")
            val listing = cat.output
            listing shouldContain Regex("ann +- +lobby +\\d+:\\d\\d:\\d\\d")
            listing shouldContain Regex("bob +bobby +games +\\d+:\\d\\d:\\d\\d")
            listing shouldContain Regex("cat +- +- +\\d+:\\d\\d:\\d\\d")
            rooms.who().map { it.name } shouldBe listOf("ann", "bob", "cat")
            rooms.who().map { it.room } shouldBe listOf("lobby", "games", null)
        }
    }

    test("a user whose connection ends leaves the room (the others are told) and is no longer online") {
        withChat {
            val ann = login("ann")
            val bob = login("bob")
            ann.sendLine("chat")
            ann shouldShow "[lobby] -> ann joined"
            bob.sendLine("chat")
            ann shouldShow "[lobby] -> bob joined"
            bob.close()
            ann shouldShow "[lobby] <- bob left"
            eventually { rooms.who().none { it.name == "bob" } } shouldBe true
            rooms.messageUser("bob", "are you there?") shouldBe false
        }
    }

    test("a room a user made goes away when its last member leaves; the lobby stays") {
        withChat {
            val ann = login("ann")
            ann.sendLine("chat")
            ann.sendLine("/join Games")
            ann shouldShow "[games] -> ann joined"
            rooms.roomNames() shouldBe listOf("lobby", "games")
            ann.sendLine("/join lobby")
            ann shouldShow "[lobby] -> ann joined"
            rooms.roomNames() shouldBe listOf("lobby")
            ann.sendLine("/join no/such")
            ann shouldShow "'no/such' is not a room name"
        }
    }

    test("flood control refuses messages past the burst and tells the flooder; the others never see them") {
        withChat(ChatSettings.builder().floodControl(3, Duration.ofHours(1)).build()) {
            val ann = login("ann")
            val bob = login("bob")
            bob.sendLine("chat")
            bob shouldShow "[lobby] -> bob joined"
            ann.sendLine("chat")
            bob shouldShow "[lobby] -> ann joined"
            (1..4).forEach { ann.sendLine("message$it") }
            ann shouldShow "You are sending messages too fast; wait a moment. That one was not sent."
            bob shouldShow "<ann> message3"
            rooms.announce("after the flood") shouldBe 2
            bob shouldShow "!! sysop (to everyone): after the flood"
            bob.output shouldNotContain "message4"
        }
    }

    test("escape sequences and control characters in a message never reach another user's terminal") {
        // `rawsay` passes on the next chunk of input exactly as it came (readText: no line editor in
        // between), as a handler reading raw input would: only chat's cleaning stands in the way.
        val rawSay: TelnetServerScope.(ChatRooms) -> Unit = { rooms ->
            command("rawsay") {
                run {
                    rooms.join(this, "lobby")
                    writeLine("go ahead")
                    rooms.say(this, readText() ?: "")
                }
            }
        }
        withChat(more = rawSay) {
            val ann = login("ann")
            val bob = login("bob")
            bob.sendLine("chat")
            bob shouldShow "[lobby] -> bob joined"
            ann.sendLine("rawsay")
            ann shouldShow "go ahead"
            bob shouldShow "[lobby] -> ann joined"
            ann.send("hi \u001b[2J\u001b[H\u001b]0;pwned\u0007there \u001b[31mred\u001b[0m \u009b1;1Hend\u202e!")
            bob shouldShow "[lobby] <ann> hi there red end!"
            // An operator's text is cleaned the same way.
            rooms.messageUser("bob", "a\u001b[2Jb\u001b]2;pwned\u001b\\c\u009b31md\u202ee\u0000f") shouldBe true
            bob shouldShow "!! sysop: abcdef"
            bob.output shouldNotContain "\u001b[2J"
            bob.output shouldNotContain "\u001b[31m"
            bob.output shouldNotContain "pwned"
            bob.output shouldNotContain "\u0007"
            bob.output shouldNotContain "\u202e"
        }
    }

    test("a message longer than the limit is refused with the reason, and nobody sees it") {
        withChat(ChatSettings.builder().maxMessageLength(20).build()) {
            val ann = login("ann")
            val bob = login("bob")
            bob.sendLine("chat")
            bob shouldShow "[lobby] -> bob joined"
            ann.sendLine("say " + "x".repeat(21))
            ann shouldShow "Your message is 21 characters long; the limit is 20. Nothing was sent."
            ann.sendLine("say " + "y".repeat(20))
            bob shouldShow "<ann> " + "y".repeat(20)
            bob.output shouldNotContain "x".repeat(21)
        }
    }
})
