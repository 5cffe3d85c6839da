package dev.telnetkit.ssh

import org.apache.sshd.server.SshServer

/**
 * Adjusts MINA SSHD's server after TelnetKit has configured it and before it starts: for what
 * TelnetKit does not cover (an agent factory for `allowAgentForwarding`, ciphers, a banner). Called
 * once per start; changing what TelnetKit set (authenticators, factories) is at the caller's risk.
 */
public fun interface SshServerConfigurer {
    /** Adjusts [server]. */
    public fun configure(server: SshServer)
}
