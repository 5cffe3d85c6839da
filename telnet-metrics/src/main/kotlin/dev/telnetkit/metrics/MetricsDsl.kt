package dev.telnetkit.metrics

import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import io.micrometer.core.instrument.MeterRegistry
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.toJavaDuration

/**
 * Metrics for this server in Micrometer ([TelnetMetrics]), with an optional Prometheus endpoint
 * (off unless `prometheus { }` is given). Returns the metrics (their `registry`, say).
 *
 * ```kotlin
 * telnetServer {
 *     metrics {
 *         registry = myRegistry           // default: a new PrometheusMeterRegistry
 *         prometheus { port = 9464 }      // GET http://127.0.0.1:9464/metrics
 *     }
 *     command("hello") { run { writeLine("hi") } }
 * }
 * ```
 */
public fun TelnetServerScope.metrics(configure: MetricsScope.() -> Unit = {}): TelnetMetrics {
    val scope = MetricsScope().apply(configure)
    val metrics = scope.build()
    observer(metrics)
    val prometheus = scope.prometheusScope
    endpoint(if (prometheus == null) metrics.endpoint() else metrics.prometheusEndpoint(prometheus.port, prometheus.host))
    return metrics
}

/** The settings of the DSL's `metrics { }` block. */
@TelnetDsl
public class MetricsScope internal constructor() {
    /** The registry the meters go to; null (the default) for a new `PrometheusMeterRegistry`. */
    public var registry: MeterRegistry? = null

    /** Publishes a percentile histogram of each command's latency (off by default). */
    public var percentileHistogram: Boolean = false

    /** Distinct command names tagged before further ones share `(other)`. */
    public var maxCommandTags: Int = 200

    /** How often the event-loop lag is probed. */
    public var eventLoopLagInterval: Duration = 500.milliseconds

    internal var prometheusScope: PrometheusScope? = null

    /** Serves `GET /metrics` for Prometheus, on its own port, with the server (needs a Prometheus registry). */
    public fun prometheus(configure: PrometheusScope.() -> Unit = {}) {
        prometheusScope = PrometheusScope().apply(configure).also {
            require(it.port in 0..65535) { "prometheus port must be in 0..65535, was ${it.port}" }
        }
    }

    internal fun build(): TelnetMetrics {
        val builder = TelnetMetrics.builder().percentileHistogram(percentileHistogram).maxCommandTags(maxCommandTags)
            .eventLoopLagInterval(eventLoopLagInterval.toJavaDuration())
        registry?.let { builder.registry(it) }
        return builder.build()
    }
}

/** The settings of `prometheus { }` inside `metrics { }`. */
@TelnetDsl
public class PrometheusScope internal constructor() {
    /** The HTTP port (default 9464; 0 picks a free one, see `TelnetServer.portOf("prometheus")`). */
    public var port: Int = PrometheusEndpoint.DEFAULT_PORT

    /** The address to bind (default loopback). */
    public var host: String = PrometheusEndpoint.DEFAULT_HOST
}
