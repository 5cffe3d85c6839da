package dev.telnetkit.bench

/** One row of the table: a figure per server column and a ratio per ratio column (any may be missing). */
data class Row(val scenario: String, val values: List<Double?>, val ratios: List<Double?> = emptyList(), val decimals: Int = 0)

/** Builds and prints the one table of a run: a column per server (transports, builds, rounds, limit-server). */
object ResultsTable {
    /** The rows for [columns], with a ratio column for each pair (numerator, denominator) of [ratios]. */
    fun rows(columns: List<ServerFigures>, ratios: List<Pair<ServerFigures, ServerFigures>> = emptyList()): List<Row> {
        val rows = ArrayList<Row>()
        fun row(name: String, decimals: Int = 0, f: (ServerFigures) -> Double?) {
            rows += Row(name, columns.map(f), ratios.map { (a, b) -> ratio(f(a), f(b)) }, decimals)
        }
        row("hold: sessions held (most)") { it.hold?.maxHeld?.toDouble() }
        row("hold: live heap per session, bytes") { it.hold?.heapPerSession }
        row("hold: RSS per session, bytes") { it.hold?.rssPerSession }
        row("hold: sessions dropped by the server") { it.hold?.dropped?.toDouble() }
        row("setup: sessions/s (best in-flight)") { it.setup?.best?.second?.rate }
        row("setup: time to prompt p50, ms", 1) { it.setup?.best?.second?.ttfpP50Micros?.div(1000.0) }
        row("setup: time to prompt p99, ms", 1) { it.setup?.best?.second?.ttfpP99Micros?.div(1000.0) }
        row("setup: server CPU per session, us") { f -> f.setup?.best?.let { f.setup.serverCpuMicrosPerSession[it.first] } }
        row("setup: driver CPU per session, us") { f -> f.setup?.best?.let { f.setup.driverCpuMicrosPerSession[it.first] } }
        row("setup: failed sessions") { f -> f.setup?.trials?.sumOf { it.second.failures.total }?.toDouble() }
        val concurrencies = columns.flatMap { c -> c.echo.map { it.sessions } }.distinct()
        for (n in concurrencies) {
            fun echoRow(what: String, decimals: Int = 0, f: (EchoResult) -> Double?) =
                row("echo $n: $what", decimals) { s -> s.echo.firstOrNull { it.sessions == n }?.let(f) }
            echoRow("req/s") { it.rps }
            echoRow("p50 us") { it.p50Micros.toDouble() }
            echoRow("p99 us") { it.p99Micros.toDouble() }
            echoRow("p99.9 us") { it.p999Micros.toDouble() }
            echoRow("server CPU per request, us", 1) { it.serverCpuMicrosPerRequest }
            echoRow("errors") { it.errors.toDouble() }
            echoRow("driver CPU, % of a core") { it.driverCpuPercent }
        }
        val receivers = columns.mapNotNull { it.broadcast?.receivers }.maxOrNull()
        if (receivers != null) {
            rows += Row("broadcast to $receivers: median ms", columns.map { it.broadcast?.median?.times(1000) }, ratios.map { null }, 1)
            rows += Row("broadcast to $receivers: max ms", columns.map { it.broadcast?.max?.times(1000) }, ratios.map { null }, 1)
            rows += Row("broadcast to $receivers: incomplete rounds", columns.map { it.broadcast?.incomplete?.toDouble() }, ratios.map { null })
        }
        val conns = columns.firstOrNull()?.crossCheckConns ?: 50
        row("telnet-load echo $conns: req/s (cross-check)") { it.crossCheck?.rps }
        row("telnet-load echo $conns: p50 us (cross-check)") { it.crossCheck?.p50Micros }
        // Other work on the machine while each scenario ran: where it is high, the figures above are disturbed.
        for (scenario in columns.flatMap { it.noise.keys }.distinct()) {
            rows += Row("noise, $scenario: other processes, cores", columns.map { it.noise[scenario]?.otherCores }, ratios.map { null }, 2)
            if (columns.any { (it.noise[scenario]?.discardedRuns?.size ?: 0) > 0 }) {
                rows += Row("noise, $scenario: disturbed runs thrown away", columns.map { c -> c.noise[scenario]?.let { it.discardedRuns.size.toDouble() } }, ratios.map { null })
            }
        }
        val steal = columns.flatMap { c -> c.noise.values.mapNotNull { it.stealCores } }
        if (steal.any { it >= 0.005 }) {
            row("noise: steal (most of any scenario), cores", 2) { c -> c.noise.values.mapNotNull { it.stealCores }.maxOrNull() }
        }
        return rows
    }

    private fun ratio(a: Double?, b: Double?): Double? = if (a != null && b != null && b != 0.0 && !a.isNaN() && !b.isNaN()) a / b else null

    /** The table as text: scenario, a column per name of [columnNames], then a column per name of [ratioNames]. */
    fun format(rows: List<Row>, columnNames: List<String>, ratioNames: List<String> = emptyList()): String {
        val header = listOf("scenario") + columnNames + ratioNames
        val cells = rows.map { r ->
            listOf(r.scenario) + r.values.map { value(it, r.decimals) } + ratioNames.indices.map { i -> r.ratios.getOrNull(i)?.let { "%.3f".format(it) } ?: "-" }
        }
        val widths = header.indices.map { c -> maxOf(header[c].length, cells.maxOfOrNull { it[c].length } ?: 0) }
        val sb = StringBuilder()
        fun line(values: List<String>) {
            values.forEachIndexed { c, v ->
                if (c == 0) sb.append(v.padEnd(widths[c])) else sb.append("  ").append(v.padStart(widths[c]))
            }
            sb.append('\n')
        }
        line(header)
        line(widths.map { "-".repeat(it) })
        cells.forEach(::line)
        return sb.toString()
    }

    private fun value(v: Double?, decimals: Int): String = when {
        v == null || v.isNaN() -> "-"
        decimals == 0 -> "%,.0f".format(v)
        else -> "%,.${decimals}f".format(v)
    }
}
