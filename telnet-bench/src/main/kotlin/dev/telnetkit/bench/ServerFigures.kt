package dev.telnetkit.bench

/** Everything measured against one server. */
data class ServerFigures(
    val name: String,
    val command: String?,
    val hold: HoldResult?,
    val setup: SetupResult?,
    val echo: List<EchoResult>,
    val broadcast: BroadcastSeries?,
    val crossCheck: TelnetLoadResult?,
    val crossCheckConns: Int,
)
