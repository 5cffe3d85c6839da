package dev.telnetkit.ssh

import dev.telnetkit.server.ServerEndpoint
import dev.telnetkit.transport.Transport
import org.apache.sshd.server.subsystem.SubsystemFactory
import java.nio.file.Path
import java.time.Duration

/**
 * SSH for a TelnetKit server, on Apache MINA SSHD: an endpoint beside the Telnet port, serving the
 * same handler (commands, login hooks, messages, `broadcast`, limits). The user SSH authenticated
 * becomes the session's user, so the shell asks no login of its own.
 *
 * At least one way in must be set: [password], [publicKey] or [authorizedKeys],
 * [keyboardInteractive], or [usernameOnly]. Kotlin declares it in the DSL's `ssh { }` block; Java
 * builds it with [builder] and passes it to `TelnetServerBuilder.endpoint`:
 *
 * ```java
 * TelnetServer.builder()
 *     .endpoint(SshSettings.builder()
 *         .port(2222)
 *         .hostKey(Path.of("host.key"))
 *         .password((user, password) -> accounts.check(user, password))
 *         .build())
 * ```
 *
 * Sessions: a `pty-req` gives the terminal type and size, `window-change` resizes, `env` requests
 * fill the environment (bounded by [maxEnvironmentVariables] and [maxEnvironmentBytes]), and `break`
 * or `signal INT` interrupt as Ctrl-C does. An `exec` request (`ssh host echo hi`) runs one command
 * line without a prompt (the session's `command`), sends its errors to stderr and its exit status
 * back. A shell without a PTY (`ssh -T`) reads line by line.
 *
 * @property port the TCP port; 0 picks a free one (`TelnetServer.portOf("ssh")` tells which).
 * @property host the address to bind, or null for the server's.
 * @property hostKey the host key file: made on the first start (as [hostKeyType], readable by its
 *   owner only) and read on every later one. A file that exists but cannot be read stops the start;
 *   it is never replaced. Its fingerprint is logged at start.
 * @property hostKeyType the kind of key made when [hostKey] does not exist yet.
 * @property password checks passwords; null: no password logins.
 * @property publicKey checks public keys; null: only [authorizedKeys], if set.
 * @property authorizedKeys an OpenSSH `authorized_keys` file: its keys may log in as any user
 *   (with [publicKey] too, a key either accepts is let in). Read at start and again when it changes.
 * @property keyboardInteractive checks keyboard-interactive answers to [keyboardInteractivePrompts].
 * @property keyboardInteractivePrompts what keyboard-interactive logins ask.
 * @property usernameOnly lets users in by name alone; null: a name alone is never enough.
 * @property authTimeout how long a client may take to log in before it is disconnected; also how
 *   long a logged-in connection may stay with no session open (`ssh -N`) before it is closed.
 * @property maxAuthTries authentication requests one connection may make (each method tried and
 *   each key offered counts, as OpenSSH's client tries several) before it is disconnected.
 * @property failureDelay the wait before a refused password or keyboard-interactive answer is told,
 *   growing with each recent failure from the address. Failures also count in the server's
 *   per-address login lockout, shared with Telnet logins: a locked-out address is refused every way.
 * @property maxUnauthenticated connections still logging in at once; more are dropped at once.
 * @property maxUnauthenticatedPerAddress the same, from one address.
 * @property allowTcpForwarding allow `-L` and `-R` port forwarding (refused by default).
 * @property allowAgentForwarding allow agent forwarding (refused by default).
 * @property allowX11Forwarding allow X11 forwarding (refused by default).
 * @property subsystems subsystems served, such as SFTP from `sshd-sftp`; none by default.
 * @property maxEnvironmentVariables `env` requests accepted per session; more are refused.
 * @property maxEnvironmentBytes bytes of names and values accepted from `env` requests per session.
 * @property configure adjusts MINA's server before it starts, for what these settings do not cover
 *   (agent forwarding also needs MINA's agent factory, set here).
 */
public class SshSettings @JvmOverloads constructor(
    override val port: Int = 2222,
    public val hostKey: Path = Path.of("host.key"),
    override val host: String? = null,
    public val hostKeyType: HostKeyType = HostKeyType.ED25519,
    public val password: SshPasswordCheck? = null,
    public val publicKey: SshPublicKeyCheck? = null,
    public val authorizedKeys: Path? = null,
    public val keyboardInteractive: SshKeyboardInteractiveCheck? = null,
    public val keyboardInteractivePrompts: List<SshPrompt> = listOf(SshPrompt("Password: ")),
    public val usernameOnly: SshUsernameCheck? = null,
    public val authTimeout: Duration = Duration.ofSeconds(60),
    public val maxAuthTries: Int = 10,
    public val failureDelay: Duration = Duration.ofSeconds(1),
    public val maxUnauthenticated: Int = 100,
    public val maxUnauthenticatedPerAddress: Int = 10,
    public val allowTcpForwarding: Boolean = false,
    public val allowAgentForwarding: Boolean = false,
    public val allowX11Forwarding: Boolean = false,
    public val subsystems: List<SubsystemFactory> = emptyList(),
    public val maxEnvironmentVariables: Int = 64,
    public val maxEnvironmentBytes: Int = 16 * 1024,
    public val configure: SshServerConfigurer? = null,
) : ServerEndpoint {
    init {
        require(port in 0..65535) { "ssh port must be in 0..65535, was $port" }
        require(host == null || host.isNotBlank()) { "ssh host must not be blank" }
        require(password != null || publicKey != null || authorizedKeys != null || keyboardInteractive != null || usernameOnly != null) {
            "ssh: no way to log in; set password, publicKey, authorizedKeys, keyboardInteractive or usernameOnly"
        }
        require(keyboardInteractivePrompts.isNotEmpty()) { "ssh keyboardInteractivePrompts must not be empty" }
        require(!authTimeout.isNegative && !authTimeout.isZero) { "ssh authTimeout must be positive, was $authTimeout" }
        require(maxAuthTries in 1..100) { "ssh maxAuthTries must be in 1..100, was $maxAuthTries" }
        require(!failureDelay.isNegative && failureDelay <= Duration.ofMinutes(1)) { "ssh failureDelay must be in 0..60 s, was $failureDelay" }
        require(maxUnauthenticated >= 1) { "ssh maxUnauthenticated must be at least 1, was $maxUnauthenticated" }
        require(maxUnauthenticatedPerAddress >= 1) { "ssh maxUnauthenticatedPerAddress must be at least 1, was $maxUnauthenticatedPerAddress" }
        require(maxEnvironmentVariables in 0..10_000) { "ssh maxEnvironmentVariables must be in 0..10000, was $maxEnvironmentVariables" }
        require(maxEnvironmentBytes in 0..(1 shl 20)) { "ssh maxEnvironmentBytes must be in 0..1048576, was $maxEnvironmentBytes" }
    }

    /** The SSH transport these settings describe. */
    override val transport: Transport by lazy { SshTransport(this) }

    override fun toString(): String = "ssh on ${host ?: "the server's host"}:$port"

    /**
     * Builds [SshSettings] step by step, for Java; every setting starts at the constructor's default.
     * Obtained from [SshSettings.builder].
     */
    public class Builder internal constructor() {
        private var port = 2222
        private var hostKey: Path = Path.of("host.key")
        private var host: String? = null
        private var hostKeyType = HostKeyType.ED25519
        private var password: SshPasswordCheck? = null
        private var publicKey: SshPublicKeyCheck? = null
        private var authorizedKeys: Path? = null
        private var keyboardInteractive: SshKeyboardInteractiveCheck? = null
        private var keyboardInteractivePrompts: List<SshPrompt> = listOf(SshPrompt("Password: "))
        private var usernameOnly: SshUsernameCheck? = null
        private var authTimeout: Duration = Duration.ofSeconds(60)
        private var maxAuthTries = 10
        private var failureDelay: Duration = Duration.ofSeconds(1)
        private var maxUnauthenticated = 100
        private var maxUnauthenticatedPerAddress = 10
        private var allowTcpForwarding = false
        private var allowAgentForwarding = false
        private var allowX11Forwarding = false
        private var subsystems: List<SubsystemFactory> = emptyList()
        private var maxEnvironmentVariables = 64
        private var maxEnvironmentBytes = 16 * 1024
        private var configure: SshServerConfigurer? = null

        /** The TCP port (default 2222; 0 picks a free one). */
        public fun port(port: Int): Builder = apply { this.port = port }

        /** The host key file (default `host.key`): made on the first start, read afterwards. */
        public fun hostKey(file: Path): Builder = apply { hostKey = file }

        /** The address to bind (default: the server's). */
        public fun host(host: String?): Builder = apply { this.host = host }

        /** The kind of host key made on the first start (default Ed25519). */
        public fun hostKeyType(type: HostKeyType): Builder = apply { hostKeyType = type }

        /** Password logins, decided by [check] (it may block). */
        public fun password(check: SshPasswordCheck?): Builder = apply { password = check }

        /** Public key logins, decided by [check] (keep it quick). */
        public fun publicKey(check: SshPublicKeyCheck?): Builder = apply { publicKey = check }

        /** Public key logins for the keys in an OpenSSH `authorized_keys` [file]. */
        public fun authorizedKeys(file: Path?): Builder = apply { authorizedKeys = file }

        /** Keyboard-interactive logins, decided by [check] (it may block). */
        public fun keyboardInteractive(check: SshKeyboardInteractiveCheck?): Builder = apply { keyboardInteractive = check }

        /** What keyboard-interactive logins ask (default one hidden `Password: `). */
        public fun keyboardInteractivePrompts(prompts: List<SshPrompt>): Builder = apply { keyboardInteractivePrompts = prompts.toList() }

        /** Logins by name alone, decided by [check]. */
        public fun usernameOnly(check: SshUsernameCheck?): Builder = apply { usernameOnly = check }

        /** The time a client has to log in (default 60 s). */
        public fun authTimeout(timeout: Duration): Builder = apply { authTimeout = timeout }

        /** Authentication requests per connection (default 10). */
        public fun maxAuthTries(tries: Int): Builder = apply { maxAuthTries = tries }

        /** The wait before a refusal is told (default 1 s, growing with recent failures). */
        public fun failureDelay(delay: Duration): Builder = apply { failureDelay = delay }

        /** Connections logging in at once (default 100). */
        public fun maxUnauthenticated(connections: Int): Builder = apply { maxUnauthenticated = connections }

        /** Connections logging in at once from one address (default 10). */
        public fun maxUnauthenticatedPerAddress(connections: Int): Builder = apply { maxUnauthenticatedPerAddress = connections }

        /** Allows `-L`/`-R` port forwarding (default refused). */
        public fun allowTcpForwarding(allow: Boolean): Builder = apply { allowTcpForwarding = allow }

        /** Allows agent forwarding (default refused). */
        public fun allowAgentForwarding(allow: Boolean): Builder = apply { allowAgentForwarding = allow }

        /** Allows X11 forwarding (default refused). */
        public fun allowX11Forwarding(allow: Boolean): Builder = apply { allowX11Forwarding = allow }

        /** Subsystems served, such as SFTP (default none). */
        public fun subsystems(factories: List<SubsystemFactory>): Builder = apply { subsystems = factories.toList() }

        /** `env` requests accepted per session (default 64). */
        public fun maxEnvironmentVariables(count: Int): Builder = apply { maxEnvironmentVariables = count }

        /** Bytes accepted from `env` requests per session (default 16 KiB). */
        public fun maxEnvironmentBytes(bytes: Int): Builder = apply { maxEnvironmentBytes = bytes }

        /** Adjusts MINA's server before it starts (advanced). */
        public fun configure(configurer: SshServerConfigurer?): Builder = apply { configure = configurer }

        /** The settings; throws [IllegalArgumentException] naming the setting that is wrong. */
        public fun build(): SshSettings = SshSettings(
            port, hostKey, host, hostKeyType, password, publicKey, authorizedKeys, keyboardInteractive,
            keyboardInteractivePrompts, usernameOnly, authTimeout, maxAuthTries, failureDelay,
            maxUnauthenticated, maxUnauthenticatedPerAddress, allowTcpForwarding, allowAgentForwarding,
            allowX11Forwarding, subsystems, maxEnvironmentVariables, maxEnvironmentBytes, configure,
        )
    }

    public companion object {
        /** Starts SSH settings for Java; see [Builder]. */
        @JvmStatic
        public fun builder(): Builder = Builder()
    }
}
