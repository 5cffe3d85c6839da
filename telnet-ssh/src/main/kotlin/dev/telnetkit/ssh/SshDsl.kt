package dev.telnetkit.ssh

import dev.telnetkit.dsl.TelnetDsl
import dev.telnetkit.dsl.TelnetServerScope
import org.apache.sshd.server.subsystem.SubsystemFactory
import java.nio.file.Path
import java.security.PublicKey
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.toJavaDuration
import kotlin.time.toKotlinDuration

/**
 * Serves SSH beside Telnet, with the same commands and hooks; see [SshSettings] for every setting.
 *
 * ```kotlin
 * telnetServer {
 *     ssh {
 *         port = 2222
 *         hostKey = file("host.key")
 *         password { user, password -> accounts.check(user, password) }
 *     }
 *     command("hello") { run { writeLine("hi") } }
 * }
 * ```
 */
public fun TelnetServerScope.ssh(configure: SshScope.() -> Unit) {
    endpoint(SshScope().apply(configure).build())
}

/** The settings of the DSL's `ssh { }` block: the names of [SshSettings]. */
@TelnetDsl
public class SshScope internal constructor() {
    private val defaults = SshSettings(usernameOnly = { false })

    /** The TCP port (default 2222; 0 picks a free one). */
    public var port: Int = defaults.port

    /** The address to bind; null (the default) for the server's. */
    public var host: String? = defaults.host

    /** The host key file: made on the first start, read afterwards; see [SshSettings.hostKey]. */
    public var hostKey: Path = defaults.hostKey

    /** The kind of host key made on the first start (default Ed25519). */
    public var hostKeyType: HostKeyType = defaults.hostKeyType

    /** An OpenSSH `authorized_keys` file whose keys may log in. */
    public var authorizedKeys: Path? = null

    /** What keyboard-interactive logins ask (default one hidden `Password: `). */
    public var keyboardInteractivePrompts: List<SshPrompt> = defaults.keyboardInteractivePrompts

    /** The time a client has to log in. */
    public var authTimeout: Duration = defaults.authTimeout.toKotlinDuration()

    /** Authentication requests per connection. */
    public var maxAuthTries: Int = defaults.maxAuthTries

    /** The wait before a refusal is told, growing with recent failures. */
    public var failureDelay: Duration = 1.seconds

    /** Connections logging in at once. */
    public var maxUnauthenticated: Int = defaults.maxUnauthenticated

    /** Connections logging in at once from one address. */
    public var maxUnauthenticatedPerAddress: Int = defaults.maxUnauthenticatedPerAddress

    /** Allows `-L`/`-R` port forwarding (refused by default). */
    public var allowTcpForwarding: Boolean = false

    /** Allows agent forwarding (refused by default; MINA also needs an agent factory, from [configure]). */
    public var allowAgentForwarding: Boolean = false

    /** Allows X11 forwarding (refused by default). */
    public var allowX11Forwarding: Boolean = false

    /** Subsystems served, such as SFTP (none by default). */
    public var subsystems: List<SubsystemFactory> = emptyList()

    /** `env` requests accepted per session. */
    public var maxEnvironmentVariables: Int = defaults.maxEnvironmentVariables

    /** Bytes accepted from `env` requests per session. */
    public var maxEnvironmentBytes: Int = defaults.maxEnvironmentBytes

    private var password: SshPasswordCheck? = null
    private var publicKey: SshPublicKeyCheck? = null
    private var keyboardInteractive: SshKeyboardInteractiveCheck? = null
    private var usernameOnly: SshUsernameCheck? = null
    private var configurer: SshServerConfigurer? = null

    /** A path, for `hostKey = file("host.key")`. */
    public fun file(path: String): Path = Path.of(path)

    /** Password logins, decided by [check]; it may block (it runs off the SSH threads). */
    public fun password(check: (user: String, password: String) -> Boolean) {
        password = SshPasswordCheck(check)
    }

    /** Public key logins, decided by [check]; keep it quick (it runs on an SSH thread). */
    public fun publicKey(check: (user: String, key: PublicKey) -> Boolean) {
        publicKey = SshPublicKeyCheck(check)
    }

    /** Keyboard-interactive logins: [check] gets the answers to [keyboardInteractivePrompts]. */
    public fun keyboardInteractive(check: (user: String, answers: List<String>) -> Boolean) {
        keyboardInteractive = SshKeyboardInteractiveCheck(check)
    }

    /** Logins by name alone, decided by [check]. */
    public fun usernameOnly(check: (user: String) -> Boolean) {
        usernameOnly = SshUsernameCheck(check)
    }

    /** Adjusts MINA's server before it starts (advanced). */
    public fun configure(configurer: SshServerConfigurer) {
        this.configurer = configurer
    }

    internal fun build(): SshSettings = SshSettings(
        port = port, hostKey = hostKey, host = host, hostKeyType = hostKeyType,
        password = password, publicKey = publicKey, authorizedKeys = authorizedKeys,
        keyboardInteractive = keyboardInteractive, keyboardInteractivePrompts = keyboardInteractivePrompts,
        usernameOnly = usernameOnly, authTimeout = authTimeout.toJavaDuration(), maxAuthTries = maxAuthTries,
        failureDelay = failureDelay.toJavaDuration(), maxUnauthenticated = maxUnauthenticated,
        maxUnauthenticatedPerAddress = maxUnauthenticatedPerAddress, allowTcpForwarding = allowTcpForwarding,
        allowAgentForwarding = allowAgentForwarding, allowX11Forwarding = allowX11Forwarding,
        subsystems = subsystems, maxEnvironmentVariables = maxEnvironmentVariables,
        maxEnvironmentBytes = maxEnvironmentBytes, configure = configurer,
    )
}
