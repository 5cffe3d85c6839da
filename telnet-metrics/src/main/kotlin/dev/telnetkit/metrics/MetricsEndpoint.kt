package dev.telnetkit.metrics

import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.session.ServerStatistics
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import io.micrometer.core.instrument.FunctionCounter
import io.micrometer.core.instrument.Meter
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import kotlinx.coroutines.CoroutineName
import kotlinx.coroutines.Job
import kotlinx.coroutines.launch

/** Where the Prometheus scrape is served, for a [MetricsEndpoint] that serves it. */
internal class PrometheusBinding(val registry: PrometheusMeterRegistry, val host: String, val port: Int)

/**
 * The server endpoint of [TelnetMetrics]: its "transport" accepts no connections. Listening binds
 * the meters that need the running server (bytes over its statistics, the event-loop lag probe in
 * its scope) and, with [prometheus], starts the HTTP scrape; the server stopping stops them all, so
 * nothing outlives it and a scrape works from the start, before any session.
 */
internal class MetricsEndpoint(
    private val metrics: TelnetMetrics,
    private val prometheus: PrometheusBinding?,
) : ServerEndpoint, Transport {
    override val transport: Transport get() = this
    override val port: Int get() = prometheus?.port ?: 0
    override val host: String? get() = prometheus?.host
    override val name: String get() = if (prometheus != null) "prometheus" else "metrics"

    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener {
        val registry = metrics.registry
        val meters = ArrayList<Meter>()
        context.statistics?.let { statistics ->
            meters += FunctionCounter.builder("telnetkit.bytes.in", statistics, ServerStatistics::bytesIn.asDouble())
                .description("Bytes read from clients, as they came over the wire").register(registry)
            meters += FunctionCounter.builder("telnetkit.bytes.out", statistics, ServerStatistics::bytesOut.asDouble())
                .description("Bytes written to clients, as they went over the wire").register(registry)
        }
        val lag = EventLoopLag(registry, metrics.lagInterval)
        meters += lag.meters
        val probe = context.scope.launch(CoroutineName("telnetkit-eventloop-lag")) { lag.run(metrics.recentSessions) }
        val http = try {
            prometheus?.let { PrometheusEndpoint.start(it.registry, port, host) }
        } catch (e: Exception) {
            probe.cancel()
            meters.forEach { registry.remove(it) }
            throw e
        }
        return MetricsListener(http, probe, meters, registry)
    }

    override fun toString(): String = prometheus?.let { "prometheus on ${it.host}:${it.port}" } ?: "metrics"

    private fun <T> ((T) -> Long).asDouble(): (T) -> Double = { this(it).toDouble() }

    /** Stops the scrape and the probe with the server; the server's meters leave the registry. */
    private class MetricsListener(
        private val http: PrometheusEndpoint?,
        private val probe: Job,
        private val meters: List<Meter>,
        private val registry: io.micrometer.core.instrument.MeterRegistry,
    ) : Listener {
        override val port: Int get() = http?.port ?: -1

        override fun stopAccepting() {
            http?.close()
            probe.cancel()
        }

        override suspend fun close() {
            probe.cancel()
            probe.join()
            http?.close()
            meters.forEach { registry.remove(it) }
        }
    }
}
