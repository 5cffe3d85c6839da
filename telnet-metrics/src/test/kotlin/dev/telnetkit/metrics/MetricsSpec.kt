package dev.telnetkit.metrics

import dev.telnetkit.dsl.telnetServer
import dev.telnetkit.server.TelnetServer
import dev.telnetkit.shell.Authenticator
import dev.telnetkit.shell.CommandException
import dev.telnetkit.shell.LoginSettings
import dev.telnetkit.testkit.TelnetTestClient
import dev.telnetkit.testkit.TerminalProfile
import io.kotest.assertions.throwables.shouldThrow
import io.kotest.core.spec.style.FunSpec
import io.kotest.matchers.doubles.shouldBeGreaterThan
import io.kotest.matchers.nulls.shouldNotBeNull
import io.kotest.matchers.shouldBe
import io.kotest.matchers.string.shouldContain
import io.kotest.matchers.string.shouldStartWith
import io.micrometer.core.instrument.simple.SimpleMeterRegistry
import java.net.HttpURLConnection
import java.net.URI
import java.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/** One scrape of `/metrics`: every sample by `name{label="value",...}`, labels sorted. */
internal class Scrape(val text: String) {
    private val samples: Map<String, Double> = text.lines()
        .filter { it.isNotBlank() && !it.startsWith("#") }
        .associate { line ->
            val cut = line.lastIndexOf(' ')
            key(line.substring(0, cut)) to line.substring(cut + 1).toDouble()
        }

    /** The sample [name] with exactly [labels] (pairs of name and value), or 0 if absent. */
    fun value(name: String, vararg labels: Pair<String, String>): Double =
        samples[name + labels.sortedBy { it.first }.joinToString(",", "{", "}") { "${it.first}=\"${it.second}\"" }.let { if (labels.isEmpty()) "" else it }] ?: 0.0

    fun has(name: String): Boolean = samples.keys.any { it == name || it.startsWith("$name{") }

    var contentType: String? = null

    companion object {
        private fun key(series: String): String {
            val open = series.indexOf('{')
            if (open < 0) return series
            val labels = series.substring(open + 1, series.length - 1).split(Regex(""",(?=[a-z_]+=")""")).filter { it.isNotEmpty() }.sorted()
            return series.substring(0, open) + labels.joinToString(",", "{", "}")
        }

        fun scrape(port: Int, accept: String? = null): Scrape {
            val connection = URI("http://127.0.0.1:$port/metrics").toURL().openConnection() as HttpURLConnection
            accept?.let { connection.setRequestProperty("Accept", it) }
            try {
                check(connection.responseCode == 200) { "scrape answered ${connection.responseCode}" }
                return Scrape(connection.inputStream.readBytes().decodeToString()).also { it.contentType = connection.contentType }
            } finally {
                connection.disconnect()
            }
        }
    }
}

/** An xterm that refuses CHARSET (and, having no environment to tell, NEW-ENVIRON). */
private val PROFILE = TerminalProfile(charsets = emptyList())

class MetricsSpec : FunSpec({
    val passwords = Authenticator { _, user, password -> user == "ann" && password == "nna" }

    fun server(configure: MetricsScope.() -> Unit): Pair<TelnetServer, TelnetMetrics> {
        lateinit var metrics: TelnetMetrics
        val server = telnetServer {
            port = 0
            connectMaxWait = 500.milliseconds
            prompt = "in> "
            login(LoginSettings(passwords, failureDelay = Duration.ZERO))
            metrics = metrics(configure)
            command("hello") { run { writeResponse("hello!") } }
            command("boom") { run { throw CommandException("boom: it broke") } }
        }
        return server to metrics
    }

    /** Logs in after one failure, runs hello twice, boom, an unknown command, and leaves. */
    fun script(port: Int) {
        TelnetTestClient.connectBlocking("127.0.0.1", port, PROFILE).use { client ->
            for ((prompt, answer) in listOf("Username: " to "ann", "Password: " to "wrong", "Username: " to "ann", "Password: " to "nna")) {
                client.awaitTextBlocking(prompt)
                client.sendLineBlocking(answer)
            }
            for (line in listOf("hello", "hello", "boom", "frobnicate", "bye")) {
                client.awaitTextBlocking("in> ")
                client.sendLineBlocking(line)
            }
            client.awaitClosedBlocking()
        }
    }

    fun eventually(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 10_000_000_000L
        while (!condition()) {
            check(System.nanoTime() < deadline) { "timed out waiting for $what" }
            Thread.sleep(20)
        }
    }

    test("the Prometheus endpoint, scraped before and after a scripted Telnet session, shows the counters change") {
        val (server, _) = server { prometheus { port = 0 } }
        server.startBlocking().use {
            val port = server.portOf("prometheus")
            val before = Scrape.scrape(port)
            before.contentType.shouldNotBeNull() shouldStartWith "text/plain; version=0.0.4"
            // Before any session: the server's meters are there, the per-session ones not yet.
            before.has("telnetkit_bytes_in_total") shouldBe true
            before.value("telnetkit_bytes_in_total") shouldBe 0.0
            before.value("telnetkit_sessions_opened_total", "transport" to "telnet") shouldBe 0.0

            script(server.port)
            eventually("the session's end") { server.statistics.sessionsClosed == 1L }

            val after = Scrape.scrape(port)
            after.value("telnetkit_sessions_opened_total", "transport" to "telnet") shouldBe 1.0
            after.value("telnetkit_sessions_closed_total", "transport" to "telnet") shouldBe 1.0
            after.value("telnetkit_sessions_open", "transport" to "telnet") shouldBe 0.0
            after.value("telnetkit_commands_seconds_count", "command" to "hello", "outcome" to "success") shouldBe 2.0
            after.value("telnetkit_commands_seconds_count", "command" to "boom", "outcome" to "failure") shouldBe 1.0
            after.value("telnetkit_commands_seconds_count", "command" to "(unknown)", "outcome" to "failure") shouldBe 1.0
            after.has("telnetkit_commands_seconds_count{command=\"frobnicate\"") shouldBe false
            after.text shouldContain "telnetkit_commands_seconds_sum"
            after.value("telnetkit_logins_failed_total", "transport" to "telnet") shouldBe 1.0
            after.value("telnetkit_logins_lockouts_total") shouldBe 0.0
            after.value("telnetkit_output_cutoffs_total") shouldBe 0.0
            after.value("telnetkit_negotiations_total", "option" to "TTYPE", "side" to "remote", "outcome" to "enabled") shouldBe 1.0
            after.value("telnetkit_negotiations_total", "option" to "NAWS", "side" to "remote", "outcome" to "enabled") shouldBe 1.0
            after.value("telnetkit_negotiations_total", "option" to "ECHO", "side" to "local", "outcome" to "enabled") shouldBe 1.0
            after.value("telnetkit_negotiations_total", "option" to "CHARSET", "side" to "remote", "outcome" to "refused") shouldBe 1.0
            after.value("telnetkit_bytes_in_total") shouldBeGreaterThan 30.0
            after.value("telnetkit_bytes_out_total") shouldBeGreaterThan 100.0
            after.value("telnetkit_bytes_out_total") shouldBe server.statistics.bytesOut.toDouble()
            after.has("telnetkit_eventloop_lag_seconds_count") shouldBe true
        }
    }

    test("an OpenMetrics scraper gets OpenMetrics, and the endpoint goes with the server") {
        val (server, _) = server { prometheus { port = 0 } }
        val port = server.startBlocking().use {
            val port = server.portOf("prometheus")
            val scrape = Scrape.scrape(port, accept = "application/openmetrics-text; version=1.0.0")
            scrape.contentType.shouldNotBeNull() shouldStartWith "application/openmetrics-text"
            scrape.text shouldContain "# EOF"
            port
        }
        shouldThrow<java.io.IOException> { Scrape.scrape(port) }
    }

    test("the Prometheus endpoint is off by default: no port is served, yet the meters are kept") {
        val (server, metrics) = server { }
        server.startBlocking().use {
            shouldThrow<IllegalArgumentException> { server.portOf("prometheus") }
            server.portOf("metrics") shouldBe -1
            script(server.port)
            eventually("the session's end") { server.statistics.sessionsClosed == 1L }
            metrics.registry.find("telnetkit.sessions.opened").tag("transport", "telnet").counter().shouldNotBeNull().count() shouldBe 1.0
        }
    }

    test("a registry of the user's receives the meters, the event-loop lag among them; they leave it with the server") {
        val registry = SimpleMeterRegistry()
        val (server, metrics) = server {
            this.registry = registry
            eventLoopLagInterval = 10.milliseconds
        }
        metrics.registry shouldBe registry
        server.startBlocking().use {
            script(server.port)
            eventually("the session's end") { server.statistics.sessionsClosed == 1L }
            registry.find("telnetkit.commands").tags("command", "hello", "outcome", "success").timer().shouldNotBeNull().count() shouldBe 2L
            registry.find("telnetkit.logins.failed").counter().shouldNotBeNull().count() shouldBe 1.0
            registry.find("telnetkit.bytes.out").functionCounter().shouldNotBeNull().count() shouldBeGreaterThan 100.0
            eventually("a lag probe") { (registry.find("telnetkit.eventloop.lag").tag("loop", "default").timer()?.count() ?: 0L) >= 2L }
            // The loops that run the sessions are probed through the sessions open on them.
            TelnetTestClient.connect("127.0.0.1", server.port).use { client ->
                client.awaitText("Username: ")
                eventually("a probe of the sessions' loop") {
                    (registry.find("telnetkit.eventloop.lag").tag("loop", "sessions").timer()?.count() ?: 0L) >= 2L
                }
            }
        }
        registry.find("telnetkit.eventloop.lag").timer() shouldBe null
        registry.find("telnetkit.bytes.out").functionCounter() shouldBe null
    }

    test("a Prometheus endpoint needs a Prometheus registry") {
        shouldThrow<IllegalArgumentException> { TelnetMetrics.create(SimpleMeterRegistry()).prometheusEndpoint(0) }
            .message.shouldNotBeNull() shouldContain "PrometheusMeterRegistry"
    }
})
