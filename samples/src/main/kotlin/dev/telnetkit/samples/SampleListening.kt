package dev.telnetkit.samples

import dev.telnetkit.dsl.TelnetServerScope
import dev.telnetkit.metrics.metrics
import dev.telnetkit.recording.recording
import dev.telnetkit.web.web
import kotlin.time.toKotlinDuration

/**
 * The command line's connection settings for a sample server: where it listens, its encoding, its
 * idle and connect waits, its transport and TLS, and the browser terminal, admin page, metrics and
 * session recording when asked for. What the samples all take from [options] alike.
 */
internal fun TelnetServerScope.listenAs(options: DemoOptions) {
    host = options.host
    port = options.port
    encoding = options.encoding
    idleTimeout = options.idleTimeout.toKotlinDuration()
    connectMaxWait = options.connectMaxWait.toKotlinDuration()
    transport = options.transport
    tls = options.tls
    options.webPort?.let { webPort ->
        web {
            port = webPort
            title = "TelnetKit ${options.sample}"
            options.adminPassword?.let { secret ->
                admin {
                    user = ADMIN_USER
                    password = secret
                }
            }
        }
    }
    options.metricsPort?.let { metricsPort ->
        metrics {
            prometheus {
                port = metricsPort
                host = options.host
            }
        }
    }
    options.recordDirectory?.let { folder ->
        recording {
            directory = folder
            recordInput = options.recordInput
        }
    }
}

/** The user name of the admin page, and of the demo's sysop. */
internal const val ADMIN_USER: String = "admin"
