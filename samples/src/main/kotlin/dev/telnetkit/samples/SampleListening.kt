package dev.telnetkit.samples

import dev.telnetkit.dsl.TelnetServerScope
import kotlin.time.toKotlinDuration

/**
 * The command line's connection settings for a sample server: where it listens, its encoding, its
 * idle and connect waits, its transport and TLS. What the samples all take from [options] alike.
 */
internal fun TelnetServerScope.listenAs(options: DemoOptions) {
    host = options.host
    port = options.port
    encoding = options.encoding
    idleTimeout = options.idleTimeout.toKotlinDuration()
    connectMaxWait = options.connectMaxWait.toKotlinDuration()
    transport = options.transport
    tls = options.tls
}
