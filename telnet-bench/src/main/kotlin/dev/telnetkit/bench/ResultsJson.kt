package dev.telnetkit.bench

/** Writes a run's raw figures as JSON (by hand: the jar carries no JSON library). */
object ResultsJson {
    /** The JSON text for [servers], with the run's [settings]. */
    fun render(settings: Map<String, Any?>, servers: List<ServerFigures>): String =
        value(mapOf("settings" to settings, "servers" to servers.map(::server))) + "\n"

    private fun server(f: ServerFigures): Map<String, Any?> = mapOf(
        "name" to f.name,
        "transport" to f.transport,
        "jar" to f.jar,
        "jar_label" to f.jarLabel,
        "round" to f.round,
        "reference" to f.reference,
        "tls" to f.tls?.let { mapOf("protocol" to it.protocol, "cipher_suite" to it.cipherSuite) },
        "command" to f.command,
        "hold" to f.hold?.let { h ->
            mapOf(
                "dropped" to h.dropped,
                "heap_bytes_per_session" to h.heapPerSession,
                "rss_bytes_per_session" to h.rssPerSession,
                "points" to h.points.map { p ->
                    mapOf("wanted" to p.wanted, "held" to p.held, "live_heap_bytes" to p.heapBytes, "rss_bytes" to p.rssBytes, "open" to p.open?.let(::open))
                },
            )
        },
        "setup" to f.setup?.let { s ->
            s.trials.map { (inflight, r) ->
                mapOf(
                    "inflight" to inflight, "server_cpu_us_per_session" to s.serverCpuMicrosPerSession[inflight],
                    "driver_cpu_us_per_session" to s.driverCpuMicrosPerSession[inflight],
                ) + open(r)
            }
        },
        "echo" to f.echo.map { e ->
            mapOf(
                "sessions" to e.sessions, "requests" to e.requests, "seconds" to e.seconds, "rps" to e.rps,
                "p50_us" to e.p50Micros, "p99_us" to e.p99Micros, "p999_us" to e.p999Micros, "max_us" to e.maxMicros,
                "mean_us" to e.meanMicros, "bad_replies" to e.badReplies, "failures" to failures(e.failures),
                "server_cpu_us_per_request" to e.serverCpuMicrosPerRequest, "driver_cpu_percent" to e.driverCpuPercent,
            )
        },
        "broadcast" to f.broadcast?.let { b ->
            mapOf(
                "receivers" to b.receivers, "median_s" to b.median, "max_s" to b.max, "setup" to open(b.setup),
                "rounds" to b.rounds.map { mapOf("received" to it.received, "receivers" to it.receivers, "seconds" to it.seconds, "complete" to it.complete) },
            )
        },
        "telnet_load_cross_check" to f.crossCheck?.values,
        "noise" to f.noise.mapValues { (_, n) ->
            mapOf(
                "seconds" to n.seconds, "load_average_at_start" to n.loadAverageAtStart, "other_processes_cores" to n.otherCores, "steal_cores" to n.stealCores,
                "discarded_runs_other_processes_cores" to n.discardedRuns,
            )
        },
    )

    private fun open(r: OpenResult): Map<String, Any?> = mapOf(
        "wanted" to r.wanted, "reached" to r.reached, "seconds" to r.seconds, "rate" to r.rate,
        "ttfp_p50_us" to r.ttfpP50Micros, "ttfp_p99_us" to r.ttfpP99Micros, "ttfp_max_us" to r.ttfpMaxMicros,
        "failures" to failures(r.failures),
    )

    private fun failures(f: Failures): Map<String, Any?> =
        mapOf("connect_errors" to f.connectErrors, "timeouts" to f.timeouts, "closed_by_server" to f.closedByServer, "io_errors" to f.ioErrors)

    private fun value(v: Any?): String = when (v) {
        null -> "null"
        is Double -> if (v.isFinite()) v.toString() else "null"
        is Number, is Boolean -> v.toString()
        is Map<*, *> -> v.entries.joinToString(",", "{", "}") { (k, x) -> string(k.toString()) + ":" + value(x) }
        is List<*> -> v.joinToString(",", "[", "]") { value(it) }
        else -> string(v.toString())
    }

    private fun string(s: String): String = buildString {
        append('"')
        for (c in s) {
            when {
                c == '"' -> append("\\\"")
                c == '\\' -> append("\\\\")
                c < ' ' -> append("\\u%04x".format(c.code))
                else -> append(c)
            }
        }
        append('"')
    }
}
