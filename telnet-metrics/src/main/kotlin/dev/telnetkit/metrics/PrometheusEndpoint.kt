package dev.telnetkit.metrics

import com.sun.net.httpserver.HttpExchange
import com.sun.net.httpserver.HttpServer
import io.github.oshai.kotlinlogging.KotlinLogging
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry
import java.io.ByteArrayOutputStream
import java.io.IOException
import java.net.InetSocketAddress
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.atomic.AtomicBoolean

private val logger = KotlinLogging.logger {}

/**
 * A Prometheus scrape endpoint: `GET /metrics` on its own port answers with what [registry] holds,
 * in the Prometheus text format 0.0.4, or OpenMetrics 1.0 when the scraper's `Accept` asks for it.
 * Bound to loopback unless told otherwise. One thread serves it; scrapes are small and rare.
 *
 * It is served by the JDK's `com.sun.net.httpserver`, as Micrometer's own documentation does for
 * this registry: no further dependency (the Prometheus client's `exporter-httpserver` is the same
 * JDK server wrapped, and would want the client's own registry).
 *
 * With a server, use [TelnetMetrics.prometheusEndpoint] instead: it starts and stops with it.
 * Alone (Java):
 * ```java
 * try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 9464)) { ... }
 * ```
 */
public class PrometheusEndpoint private constructor(
    private val registry: PrometheusMeterRegistry,
    private val server: HttpServer,
    private val executor: ExecutorService,
) : AutoCloseable {
    private val closed = AtomicBoolean()

    /** The port bound (useful after port 0). */
    public val port: Int get() = server.address.port

    /** The address bound. */
    public val host: String get() = server.address.address.hostAddress

    private fun handle(exchange: HttpExchange) {
        exchange.use {
            try {
                if (exchange.requestMethod != "GET" && exchange.requestMethod != "HEAD") {
                    exchange.responseHeaders.add("Allow", "GET, HEAD")
                    exchange.sendResponseHeaders(METHOD_NOT_ALLOWED, -1)
                    return
                }
                val accept = exchange.requestHeaders.getFirst("Accept") ?: ""
                val type = if (accept.contains("application/openmetrics-text")) OPENMETRICS
                else PROMETHEUS_TEXT
                val body = ByteArrayOutputStream(INITIAL_BODY)
                registry.scrape(body, type)
                exchange.responseHeaders.add("Content-Type", type)
                if (exchange.requestMethod == "HEAD") {
                    exchange.sendResponseHeaders(OK, -1)
                } else {
                    exchange.sendResponseHeaders(OK, body.size().toLong())
                    exchange.responseBody.write(body.toByteArray())
                }
            } catch (e: IOException) {
                logger.debug { "metrics scrape from ${exchange.remoteAddress} failed: ${e.message}" }
            }
        }
    }

    /** Stops serving and releases the port and the thread. Idempotent. */
    override fun close() {
        if (!closed.compareAndSet(false, true)) return
        server.stop(0)
        executor.shutdownNow()
    }

    override fun toString(): String = "PrometheusEndpoint($host:$port)"

    public companion object {
        /** The port Prometheus exporters of this kind commonly use. */
        public const val DEFAULT_PORT: Int = 9464

        /** Loopback: a scrape endpoint is not for the world unless the operator says so. */
        public const val DEFAULT_HOST: String = "127.0.0.1"

        // The Prometheus client's own content types (its PrometheusTextFormatWriter and
        // OpenMetricsTextFormatWriter), which the registry's scrape takes to pick the format.
        private const val PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8"
        private const val OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"
        private const val OK = 200
        private const val METHOD_NOT_ALLOWED = 405
        private const val INITIAL_BODY = 16 * 1024

        /**
         * Serves [registry] at `http://host:port/metrics` until [close]; [port] 0 picks a free one.
         * @throws IOException when the port cannot be bound.
         */
        @JvmStatic
        @JvmOverloads
        @Throws(IOException::class)
        public fun start(registry: PrometheusMeterRegistry, port: Int = DEFAULT_PORT, host: String = DEFAULT_HOST): PrometheusEndpoint {
            require(port in 0..65535) { "port must be in 0..65535, was $port" }
            val server = HttpServer.create(InetSocketAddress(host, port), 0)
            val executor = Executors.newSingleThreadExecutor { r -> Thread(r, "telnetkit-prometheus").apply { isDaemon = true } }
            server.executor = executor
            val endpoint = PrometheusEndpoint(registry, server, executor)
            server.createContext("/metrics") { endpoint.handle(it) }
            server.start()
            logger.info { "Prometheus metrics on http://$host:${endpoint.port}/metrics" }
            return endpoint
        }
    }
}
