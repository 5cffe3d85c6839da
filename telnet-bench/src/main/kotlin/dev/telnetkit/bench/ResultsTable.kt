package dev.telnetkit.bench

/** One row of the comparison: a figure for the server under test and for the reference. */
data class Row(val scenario: String, val subject: Double?, val reference: Double?, val decimals: Int = 0)

/** Builds and prints the one comparison table of a run. */
object ResultsTable {
    /** The rows comparing [subject] with [reference] (either may lack a figure). */
    fun rows(subject: ServerFigures, reference: ServerFigures?): List<Row> {
        val rows = ArrayList<Row>()
        fun row(name: String, decimals: Int = 0, f: (ServerFigures) -> Double?) {
            rows += Row(name, f(subject), reference?.let(f), decimals)
        }
        row("hold: sessions held (most)") { it.hold?.maxHeld?.toDouble() }
        row("hold: live heap per session, bytes") { it.hold?.heapPerSession }
        row("hold: RSS per session, bytes") { it.hold?.rssPerSession }
        row("hold: sessions dropped by the server") { it.hold?.dropped?.toDouble() }
        row("setup: sessions/s (best in-flight)") { it.setup?.best?.second?.rate }
        row("setup: first prompt p99, ms", 1) { it.setup?.best?.second?.ttfpP99Micros?.div(1000.0) }
        row("setup: server CPU per session, us") { f -> f.setup?.best?.let { f.setup.serverCpuMicrosPerSession[it.first] } }
        row("setup: failed sessions") { f -> f.setup?.trials?.sumOf { it.second.failures.total }?.toDouble() }
        for ((i, _) in subject.echo.withIndex()) {
            val label = "echo ${subject.echo[i].sessions}"
            fun echoRow(what: String, decimals: Int = 0, f: (EchoResult) -> Double?) {
                rows += Row("$label: $what", f(subject.echo[i]), reference?.echo?.getOrNull(i)?.let(f), decimals)
            }
            echoRow("req/s") { it.rps }
            echoRow("p50 us") { it.p50Micros.toDouble() }
            echoRow("p99 us") { it.p99Micros.toDouble() }
            echoRow("p99.9 us") { it.p999Micros.toDouble() }
            echoRow("server CPU per request, us", 1) { it.serverCpuMicrosPerRequest }
            echoRow("errors") { it.errors.toDouble() }
            echoRow("driver CPU, % of a core") { it.driverCpuPercent }
        }
        subject.broadcast?.let { b ->
            rows += Row("broadcast to ${b.receivers}: median ms", b.median?.times(1000), null, 1)
            rows += Row("broadcast to ${b.receivers}: max ms", b.max?.times(1000), null, 1)
            rows += Row("broadcast to ${b.receivers}: incomplete rounds", b.incomplete.toDouble(), null)
        }
        row("telnet-load echo ${subject.crossCheckConns}: req/s (cross-check)") { it.crossCheck?.rps }
        row("telnet-load echo ${subject.crossCheckConns}: p50 us (cross-check)") { it.crossCheck?.p50Micros }
        return rows
    }

    /** The table as text: scenario, subject, reference, ratio subject/reference. */
    fun format(rows: List<Row>, subjectName: String, referenceName: String): String {
        val header = listOf("scenario", subjectName, referenceName, "ratio")
        val cells = rows.map { r ->
            listOf(
                r.scenario,
                value(r.subject, r.decimals),
                value(r.reference, r.decimals),
                if (r.subject != null && r.reference != null && r.reference != 0.0) "%.3f".format(r.subject / r.reference) else "-",
            )
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
