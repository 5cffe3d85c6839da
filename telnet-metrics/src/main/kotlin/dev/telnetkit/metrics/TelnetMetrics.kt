package dev.telnetkit.metrics

import dev.telnetkit.protocol.TelnetOption
import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.session.Session
import dev.telnetkit.session.SessionObserver
import io.micrometer.core.instrument.Counter
import io.micrometer.core.instrument.Gauge
import io.micrometer.core.instrument.MeterRegistry
import io.micrometer.core.instrument.Timer
import io.micrometer.prometheusmetrics.PrometheusConfig
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import java.time.Duration
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReferenceArray

/**
 * A TelnetKit server's metrics in a Micrometer [registry]: a [SessionObserver] that counts what
 * happens to sessions, plus the meters that need the running server (bytes in and out, event-loop
 * lag), bound by its [endpoint] or [prometheusEndpoint] when the server starts.
 *
 * Meters (Micrometer names; Prometheus shows them in snake_case, counters with `_total`):
 * `telnetkit.sessions.open` (gauge), `telnetkit.sessions.opened` and `.closed` (counters), all by
 * `transport` (`telnet` for plain Telnet over NIO or Ktor, `telnet-tls`, `ssh`, ...);
 * `telnetkit.commands` (timer by `command` as registered and `outcome` = `success` | `failure`;
 * unknown commands under `(unknown)`); `telnetkit.logins.failed` (by `transport`);
 * `telnetkit.logins.lockouts`; `telnetkit.negotiations` (by `option`, `side` = `local` | `remote`,
 * `outcome` = `enabled` | `refused`); `telnetkit.output.cutoffs`; and, once the server started with
 * the endpoint, `telnetkit.bytes.in` and `.out` (function counters over the server's statistics) and
 * `telnetkit.eventloop.lag` (timer).
 *
 * ```java
 * TelnetMetrics metrics = TelnetMetrics.create();              // a PrometheusMeterRegistry
 * TelnetServer server = TelnetServer.builder()
 *     .observer(metrics)
 *     .endpoint(metrics.prometheusEndpoint(9464))              // /metrics on 127.0.0.1:9464
 *     .command(...)
 *     .build().startBlocking();
 * ```
 *
 * Every method is thread-safe and quick: a map look-up and a meter update per event.
 */
public class TelnetMetrics private constructor(
    /** Where the meters are registered. */
    public val registry: MeterRegistry,
    private val percentileHistogram: Boolean,
    private val maxCommandTags: Int,
    internal val lagInterval: Duration,
) : SessionObserver {
    private val open = ConcurrentHashMap<String, AtomicInteger>()
    private val opened = ConcurrentHashMap<String, Counter>()
    private val closed = ConcurrentHashMap<String, Counter>()
    private val loginFailures = ConcurrentHashMap<String, Counter>()
    private val succeeded = ConcurrentHashMap<String, Timer>()
    private val failed = ConcurrentHashMap<String, Timer>()
    // Per option, side and outcome: 256 * 2 * 2 counters at most, made when first needed.
    private val negotiations = AtomicReferenceArray<Counter>(NEGOTIATION_SLOTS)
    private val lockouts: Counter = Counter.builder("telnetkit.logins.lockouts")
        .description("Addresses locked out after failed logins").register(registry)
    private val cutOffs: Counter = Counter.builder("telnetkit.output.cutoffs")
        .description("Sessions cut off (output limit, stalled client, protocol abuse)").register(registry)

    // The last sessions opened: the event-loop lag probe times a task on each.
    internal val recentSessions = RecentSessions()

    override fun sessionOpened(session: Session) {
        val transport = transportTag(session.transport)
        openGauge(transport).incrementAndGet()
        recentSessions.opened(session)
        byTransport(opened, transport, "telnetkit.sessions.opened", "Sessions started").increment()
    }

    override fun sessionClosed(session: Session) {
        val transport = transportTag(session.transport)
        openGauge(transport).decrementAndGet()
        recentSessions.closed(session)
        byTransport(closed, transport, "telnetkit.sessions.closed", "Sessions ended").increment()
    }

    /** The counter [name] of [transport], kept in [counters] once registered. */
    private fun byTransport(counters: ConcurrentHashMap<String, Counter>, transport: String, name: String, description: String): Counter =
        counters[transport] ?: counters.computeIfAbsent(transport) {
            Counter.builder(name).description(description).tag("transport", it).register(registry)
        }

    private fun openGauge(transport: String): AtomicInteger = open.computeIfAbsent(transport) { t ->
        AtomicInteger().also { count ->
            Gauge.builder("telnetkit.sessions.open", count) { it.get().toDouble() }
                .description("Sessions open now").tag("transport", t).strongReference(true).register(registry)
        }
    }

    override fun commandFinished(session: Session, command: String, nanos: Long, failed: Boolean) {
        val timers = if (failed) this.failed else succeeded
        val timer = timers[command] ?: commandTimer(timers, command, if (failed) "failure" else "success")
        timer.record(nanos, TimeUnit.NANOSECONDS)
    }

    /** The timer of [command]; past [maxCommandTags] distinct names, new ones share `(other)`. */
    private fun commandTimer(timers: ConcurrentHashMap<String, Timer>, command: String, outcome: String): Timer {
        val name = if (timers.size >= maxCommandTags && command != OTHER_COMMANDS) OTHER_COMMANDS else command
        return timers.computeIfAbsent(name) {
            Timer.builder("telnetkit.commands").description("Commands run, by command and outcome")
                .tag("command", it).tag("outcome", outcome)
                .publishPercentileHistogram(percentileHistogram)
                .register(registry)
        }
    }

    override fun loginFailed(session: Session?, user: String?, transport: String) {
        byTransport(loginFailures, transportTag(transport), "telnetkit.logins.failed", "Failed login attempts").increment()
    }

    override fun loginLockedOut(host: String) {
        lockouts.increment()
    }

    override fun optionNegotiated(session: Session, option: Int, local: Boolean, enabled: Boolean) {
        if (option !in 0..255) return
        val slot = option * 4 + (if (local) 2 else 0) + (if (enabled) 1 else 0)
        val counter = negotiations.get(slot) ?: Counter.builder("telnetkit.negotiations")
            .description("Telnet options settled at the opening of a session")
            .tag("option", TelnetOption.name(option)).tag("side", if (local) "local" else "remote")
            .tag("outcome", if (enabled) "enabled" else "refused")
            .register(registry)
            .also { negotiations.compareAndSet(slot, null, it) }
        counter.increment()
    }

    override fun outputCutOff(session: Session, reason: String) {
        cutOffs.increment()
    }

    /**
     * An endpoint to add to the server (`endpoint(metrics.endpoint())` in the Java builder) that
     * binds, while the server runs, the meters that need it: bytes in and out, and the event-loop
     * lag. It listens on no port (its [ServerEndpoint.port] is unused); `TelnetServer.portOf("metrics")` is -1.
     */
    public fun endpoint(): ServerEndpoint = MetricsEndpoint(this, prometheus = null)

    /**
     * [endpoint], plus the Prometheus scrape: `GET /metrics` over HTTP on [host]:[port] (0 picks a
     * free one: read it back with `TelnetServer.portOf("prometheus")`), started and stopped with the
     * server. Needs [registry] to be a `PrometheusMeterRegistry` ([create] without a registry makes one).
     * @throws IllegalArgumentException when the registry is not a Prometheus one, or the port is out of range.
     */
    @JvmOverloads
    public fun prometheusEndpoint(port: Int = PrometheusEndpoint.DEFAULT_PORT, host: String = PrometheusEndpoint.DEFAULT_HOST): ServerEndpoint {
        require(port in 0..65535) { "port must be in 0..65535, was $port" }
        val prometheus = requireNotNull(registry as? PrometheusMeterRegistry) {
            "the Prometheus endpoint needs a PrometheusMeterRegistry; this TelnetMetrics has a ${registry.javaClass.name}"
        }
        return MetricsEndpoint(this, PrometheusBinding(prometheus, host, port))
    }

    /** Builds a [TelnetMetrics] with settings other than the defaults. */
    public class Builder internal constructor() {
        private var registry: MeterRegistry? = null
        private var percentileHistogram = false
        private var maxCommandTags = DEFAULT_MAX_COMMAND_TAGS
        private var lagInterval = DEFAULT_LAG_INTERVAL

        /** The registry to use (default: a new `PrometheusMeterRegistry`). */
        public fun registry(registry: MeterRegistry): Builder = apply { this.registry = registry }

        /** Publishes a percentile histogram of each command's latency (off by default: many series). */
        public fun percentileHistogram(enabled: Boolean): Builder = apply { percentileHistogram = enabled }

        /** Distinct command names tagged before further ones share `(other)` (default 200). */
        public fun maxCommandTags(max: Int): Builder = apply {
            require(max >= 1) { "maxCommandTags must be at least 1, was $max" }
            maxCommandTags = max
        }

        /** How often the event-loop lag is probed (default 500 ms). */
        public fun eventLoopLagInterval(interval: Duration): Builder = apply {
            require(!interval.isNegative && !interval.isZero) { "eventLoopLagInterval must be positive, was $interval" }
            lagInterval = interval
        }

        /** The metrics, with their registry. */
        public fun build(): TelnetMetrics =
            TelnetMetrics(registry ?: PrometheusMeterRegistry(PrometheusConfig.DEFAULT), percentileHistogram, maxCommandTags, lagInterval)
    }

    public companion object {
        private const val NEGOTIATION_SLOTS = 256 * 4
        private const val DEFAULT_MAX_COMMAND_TAGS = 200
        private val DEFAULT_LAG_INTERVAL = Duration.ofMillis(500)

        /** The name that commands past the tag cap share. */
        private const val OTHER_COMMANDS = "(other)"

        /** Metrics in a new `PrometheusMeterRegistry` (its [registry]), ready for [prometheusEndpoint]. */
        @JvmStatic
        public fun create(): TelnetMetrics = Builder().build()

        /** Metrics in the user's [registry]. */
        @JvmStatic
        public fun create(registry: MeterRegistry): TelnetMetrics = Builder().registry(registry).build()

        /** A builder, for settings other than the defaults. */
        @JvmStatic
        public fun builder(): Builder = Builder()

        /**
         * The `transport` tag for a session's transport name: plain Telnet is `telnet` whichever
         * transport carries it (`nio`, `ktor`), Telnet over TLS `telnet-tls`; others keep their name.
         */
        internal fun transportTag(name: String): String = when (name) {
            "nio", "ktor" -> "telnet"
            "tls" -> "telnet-tls"
            else -> name
        }
    }
}
