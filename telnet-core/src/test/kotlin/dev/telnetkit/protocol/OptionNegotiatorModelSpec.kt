package dev.telnetkit.protocol

import dev.telnetkit.protocol.OptionSide.LOCAL
import dev.telnetkit.protocol.OptionSide.REMOTE
import io.kotest.assertions.withClue
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.shouldBe
import io.kotest.property.arbitrary.arbitrary
import io.kotest.property.checkAll

/** What a typical client does (LOCAL) and lets the server do (REMOTE); it also wants LINEMODE, which the server refuses. */
private val CLIENT_POLICY = OptionPolicy { side, option ->
    when (side) {
        LOCAL -> option in setOf(
            TelnetOption.BINARY, TelnetOption.SGA, TelnetOption.TTYPE, TelnetOption.NAWS, TelnetOption.NEW_ENVIRON,
            TelnetOption.CHARSET, TelnetOption.TSPEED, TelnetOption.XDISPLOC, TelnetOption.LINEMODE,
        )
        REMOTE -> option in setOf(TelnetOption.ECHO, TelnetOption.SGA, TelnetOption.BINARY, TelnetOption.CHARSET)
    }
}

/** Options of the random model: some both sides allow, some one side allows, some nobody does (TIMING-MARK is special and left out). */
private val MODEL_OPTIONS = listOf(
    TelnetOption.BINARY, TelnetOption.ECHO, TelnetOption.SGA, TelnetOption.TTYPE, TelnetOption.NAWS,
    TelnetOption.LINEMODE, TelnetOption.CHARSET, TelnetOption.STATUS,
)

/** A server negotiator and a client negotiator wired back to back through two in-order queues. */
private class Link {
    val server = OptionNegotiator(OptionPolicy.SERVER)
    val client = OptionNegotiator(CLIENT_POLICY)
    private val toClient = ArrayDeque<Pair<Int, Int>>()
    private val toServer = ArrayDeque<Pair<Int, Int>>()
    private val serverReported = HashMap<Pair<OptionSide, Int>, Boolean>()
    private val clientReported = HashMap<Pair<OptionSide, Int>, Boolean>()
    val log = ArrayList<String>()

    private fun sink(name: String, out: ArrayDeque<Pair<Int, Int>>, reported: MutableMap<Pair<OptionSide, Int>, Boolean>) =
        object : NegotiationSink {
            override fun send(verb: Int, option: Int) {
                out.addLast(verb to option)
                log.add("$name sends ${TelnetCommand.name(verb)} ${TelnetOption.name(option)}")
            }

            override fun changed(side: OptionSide, option: Int, enabled: Boolean) {
                val previous = reported.put(side to option, enabled) ?: false
                check(previous != enabled) { "$name reported $side ${TelnetOption.name(option)} $enabled twice" }
            }
        }

    private val serverSink = sink("server", toClient, serverReported)
    private val clientSink = sink("client", toServer, clientReported)

    val idle: Boolean get() = toClient.isEmpty() && toServer.isEmpty()

    /** A request on one end; asking to enable what that end's policy refuses becomes a disable. */
    fun request(onServer: Boolean, side: OptionSide, option: Int, enable: Boolean) {
        val n = if (onServer) server else client
        val policy = if (onServer) OptionPolicy.SERVER else CLIENT_POLICY
        val on = enable && policy.allows(side, option)
        log.add("${if (onServer) "server" else "client"} requests $side ${TelnetOption.name(option)} ${if (on) "on" else "off"}")
        n.request(side, option, on, if (onServer) serverSink else clientSink)
    }

    /** Delivers the oldest message for the client (or the server); false if there is none. */
    fun deliver(toTheServer: Boolean): Boolean {
        val queue = if (toTheServer) toServer else toClient
        val (verb, option) = queue.removeFirstOrNull() ?: return false
        val replies = if (toTheServer) toClient else toServer
        val before = replies.size
        if (toTheServer) server.receive(verb, option, serverSink) else client.receive(verb, option, clientSink)
        check(replies.size - before <= 1) { "more than one reply to one message:\n${log.joinToString("\n")}" }
        return true
    }

    /** Delivers until both queues are empty; fails if that takes more than [limit] deliveries (a loop). */
    fun drain(limit: Int = 1000) {
        var steps = 0
        while (!idle) {
            check(++steps <= limit) { "negotiation does not terminate:\n${log.joinToString("\n")}" }
            deliver(toTheServer = true)
            deliver(toTheServer = false)
        }
    }

    fun checkAgreement(options: List<Int>) {
        withClue(log.joinToString("\n")) {
            server.hasPending() shouldBe false
            client.hasPending() shouldBe false
            for (o in options) {
                withClue(TelnetOption.name(o)) {
                    server.isEnabled(LOCAL, o) shouldBe client.isEnabled(REMOTE, o)
                    server.isEnabled(REMOTE, o) shouldBe client.isEnabled(LOCAL, o)
                    // Nothing is enabled that either policy refuses.
                    if (server.isEnabled(LOCAL, o)) (OptionPolicy.SERVER.allows(LOCAL, o) && CLIENT_POLICY.allows(REMOTE, o)) shouldBe true
                    if (server.isEnabled(REMOTE, o)) (OptionPolicy.SERVER.allows(REMOTE, o) && CLIENT_POLICY.allows(LOCAL, o)) shouldBe true
                    // The last reported state is the real one.
                    for (side in OptionSide.entries) {
                        (serverReported[side to o] ?: false) shouldBe server.isEnabled(side, o)
                        (clientReported[side to o] ?: false) shouldBe client.isEnabled(side, o)
                    }
                }
            }
        }
    }
}

private sealed class Step {
    data class Request(val onServer: Boolean, val side: OptionSide, val option: Int, val enable: Boolean) : Step()
    data class Deliver(val toServer: Boolean) : Step()

    fun apply(link: Link): Boolean = when (this) {
        is Request -> { link.request(onServer, side, option, enable); true }
        is Deliver -> link.deliver(toServer)
    }
}

private val randomScripts = arbitrary { rs ->
    val r = rs.random
    List(1 + r.nextInt(60)) {
        if (r.nextInt(5) < 2) {
            Step.Request(r.nextBoolean(), if (r.nextBoolean()) LOCAL else REMOTE, MODEL_OPTIONS[r.nextInt(MODEL_OPTIONS.size)], r.nextInt(3) > 0)
        } else {
            Step.Deliver(r.nextBoolean())
        }
    }
}

/** Every request and delivery for one option, for the exhaustive search. */
private fun stepsFor(option: Int): List<Step> = buildList {
    for (onServer in listOf(true, false)) for (side in OptionSide.entries) for (enable in listOf(true, false)) {
        add(Step.Request(onServer, side, option, enable))
    }
    add(Step.Deliver(toServer = true))
    add(Step.Deliver(toServer = false))
}

class OptionNegotiatorModelSpec : FunSpec({

    test("random requests on both ends with in-order delivery always terminate with both ends agreeing") {
        checkAll(4000, randomScripts) { script ->
            val link = Link()
            for (step in script) step.apply(link)
            link.drain()
            link.checkAgreement(MODEL_OPTIONS)
        }
    }

    test("requests while messages are in flight, then quiet: both ends agree, and a second round agrees too") {
        checkAll(1000, randomScripts, randomScripts) { first, second ->
            val link = Link()
            for (step in first) step.apply(link)
            link.drain()
            link.checkAgreement(MODEL_OPTIONS)
            for (step in second) step.apply(link)
            link.drain()
            link.checkAgreement(MODEL_OPTIONS)
        }
    }

    for ((option, depth) in listOf(TelnetOption.SGA to 6, TelnetOption.LINEMODE to 6, TelnetOption.ECHO to 6)) {
        test("exhaustive: every script of up to $depth requests and deliveries for ${TelnetOption.name(option)} terminates in agreement") {
            val steps = stepsFor(option)
            var scripts = 0
            fun explore(prefix: List<Step>) {
                val link = Link()
                // Scripts that deliver from an empty queue repeat a shorter script: skip them.
                if (prefix.any { !it.apply(link) }) return
                scripts++
                link.drain()
                link.checkAgreement(listOf(option))
                if (prefix.size < depth) for (s in steps) explore(prefix + s)
            }
            explore(emptyList())
            withClue("scripts explored") { (scripts > 100_000) shouldBe true }
        }
    }
})
