package dev.telnetkit.metrics;

import dev.telnetkit.server.TelnetServer;
import dev.telnetkit.shell.Command;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The metrics as a Java caller uses them: factories, the builder, the endpoints. */
class JavaMetricsTest {
    private static String get(int port) throws Exception {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL().openConnection();
        try (InputStream in = connection.getInputStream()) {
            assertEquals(200, connection.getResponseCode());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    @Test
    void metricsObserveAServerAndItsPrometheusEndpointStartsAndStopsWithIt() throws Exception {
        TelnetMetrics metrics = TelnetMetrics.create();
        assertTrue(metrics.getRegistry() instanceof PrometheusMeterRegistry);
        TelnetServer server = TelnetServer.builder()
                .port(0)
                .observer(metrics)
                .endpoint(metrics.prometheusEndpoint(0))
                .command(Command.named("hello").handler((session, args) -> session.writeResponse("hi")))
                .build()
                .start();
        int port;
        try {
            port = server.portOf("prometheus");
            String text = get(port);
            assertTrue(text.contains("telnetkit_bytes_in_total"), text);
            assertTrue(text.contains("telnetkit_logins_lockouts_total"), text);
        } finally {
            server.close();
        }
        int closedPort = port;
        assertThrows(java.io.IOException.class, () -> get(closedPort));
    }

    @Test
    void aUsersRegistryAndTheBuilder() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TelnetMetrics metrics = TelnetMetrics.builder()
                .registry(registry)
                .percentileHistogram(true)
                .maxCommandTags(50)
                .eventLoopLagInterval(Duration.ofMillis(100))
                .build();
        assertSame(registry, metrics.getRegistry());
        assertSame(registry, TelnetMetrics.create(registry).getRegistry());
        assertThrows(IllegalArgumentException.class, () -> metrics.prometheusEndpoint());
        assertEquals(0, metrics.endpoint().getPort());
    }

    @Test
    void aStandalonePrometheusEndpoint() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("my.counter").increment();
        try (PrometheusEndpoint endpoint = PrometheusEndpoint.start(registry, 0)) {
            assertEquals("127.0.0.1", endpoint.getHost());
            assertTrue(get(endpoint.getPort()).contains("my_counter_total 1.0"));
        }
    }
}
