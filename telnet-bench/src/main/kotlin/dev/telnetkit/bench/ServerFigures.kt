package dev.telnetkit.bench

/** Everything measured against one server. */
data class ServerFigures(
    /** The server's column in the table. */
    val name: String,
    val command: String?,
    val hold: HoldResult?,
    val setup: SetupResult?,
    val echo: List<EchoResult>,
    val broadcast: BroadcastSeries?,
    val crossCheck: TelnetLoadResult?,
    val crossCheckConns: Int,
    /** The demo's transport (nio, ktor, tls), null for another server. */
    val transport: String? = null,
    /** The demo jar, null for another server. */
    val jar: String? = null,
    /** The jar's label of --server-jar LABEL=FILE, if any. */
    val jarLabel: String? = null,
    /** Which round of --rounds, from 1. */
    val round: Int = 1,
    /** What the driver's TLS handshakes negotiated, null without TLS. */
    val tls: TlsFacts? = null,
    /** limit-server: the reference the others are divided by. */
    val reference: Boolean = false,
    /** The machine's other work during each scenario (hold, setup, echo N, broadcast, cross-check). */
    val noise: Map<String, NoiseFigures> = emptyMap(),
)
