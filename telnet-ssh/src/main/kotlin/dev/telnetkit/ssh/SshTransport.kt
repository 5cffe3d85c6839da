package dev.telnetkit.ssh

import dev.telnetkit.transport.Connection
import dev.telnetkit.transport.ListenContext
import dev.telnetkit.transport.Listener
import dev.telnetkit.transport.Transport
import io.github.oshai.kotlinlogging.KotlinLogging
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.withContext
import org.apache.sshd.common.keyprovider.KeyPairProvider
import org.apache.sshd.common.session.Session
import org.apache.sshd.core.CoreModuleProperties
import org.apache.sshd.server.ServerBuilder
import org.apache.sshd.server.SshServer
import org.apache.sshd.server.command.CommandFactory
import org.apache.sshd.server.forward.DirectTcpipFactory
import org.apache.sshd.server.forward.ForwardingFilter
import org.apache.sshd.server.forward.TcpForwardingFilter
import org.apache.sshd.server.shell.ShellFactory
import org.apache.sshd.common.util.net.SshdSocketAddress
import java.io.IOException
import java.time.Duration

private val logger = KotlinLogging.logger {}

/**
 * The SSH [Transport], on Apache MINA SSHD, as [settings] describe it. Usually reached through
 * [SshSettings], which is a server endpoint: `TelnetServerBuilder.endpoint(sshSettings)` or the
 * DSL's `ssh { }`. Sessions report the transport `ssh`.
 *
 * MINA runs the sockets, the key exchange and the authentication on its own threads (one per
 * processor); sessions run on TelnetKit's, each on one at a time, as over the other transports.
 */
public class SshTransport(public val settings: SshSettings) : Transport {
    override val name: String get() = NAME

    @OptIn(ExperimentalCoroutinesApi::class)
    override suspend fun listen(host: String, port: Int, context: ListenContext): Listener {
        val hostKey = withContext(Dispatchers.IO) { HostKeyFile.loadOrCreate(settings.hostKey, settings.hostKeyType) }
        val sessions: CoroutineDispatcher = Dispatchers.Default.limitedParallelism(context.threads)
        val server = ServerBuilder.builder().factory { UnbindableSshServer() }.build() as UnbindableSshServer
        server.host = host
        server.port = port
        server.keyPairProvider = KeyPairProvider.wrap(hostKey)
        SshAuthentication(settings, context.loginLockout, context.scope).install(server)
        server.shellFactory = ShellFactory { SshChannelConnection(null, sessions.limitedParallelism(1), context::accepted) }
        server.commandFactory = CommandFactory { _, line -> SshChannelConnection(line, sessions.limitedParallelism(1), context::accepted) }
        server.setChannelFactories(listOf(BoundedChannelSession.Factory(settings), DirectTcpipFactory.INSTANCE))
        server.forwardingFilter = forwardingFilter()
        server.subsystemFactories = settings.subsystems
        CoreModuleProperties.AUTH_TIMEOUT.set(server, settings.authTimeout)
        CoreModuleProperties.MAX_AUTH_REQUESTS.set(server, settings.maxAuthTries)
        // Sessions have the server's own idle timeout; MINA's would end idle sessions regardless of
        // it. A connection with no session open is closed by ChannelLessLimit instead.
        CoreModuleProperties.IDLE_TIMEOUT.set(server, Duration.ZERO)
        CoreModuleProperties.NIO_WORKERS.set(server, context.threads)
        // What one session may have sent and not yet taken: the SSH window, kept small (a flood
        // waits in the client, not here).
        CoreModuleProperties.WINDOW_SIZE.set(server, WINDOW_BYTES)
        // MINA reads each connection into a buffer of its own that an idle session keeps: its 32 KiB
        // default was more than half an idle SSH session's heap (56 KB; 26.5 KB with 4 KiB, with no
        // change in setup or echo rates measured: BENCHMARKS.md "SSH"). Bulk transfers (SFTP) may
        // want it larger: set NIO2_READ_BUFFER_SIZE in SshSettings.configure.
        CoreModuleProperties.NIO2_READ_BUFFER_SIZE.set(server, READ_BUFFER_BYTES)
        // Channels one connection may have open (OpenSSH's MaxSessions): a channel holds a window of
        // input before any shell or exec request makes it a session the server's limits count.
        CoreModuleProperties.MAX_CONCURRENT_CHANNELS.set(server, MAX_CHANNELS)
        CoreModuleProperties.SERVER_IDENTIFICATION.set(server, "TelnetKit")
        // MINA's default of 50 makes clients arriving in a burst retry after a second.
        CoreModuleProperties.SOCKET_BACKLOG.set(server, context.backlog)
        server.addSessionListener(UnauthenticatedLimit(settings.maxUnauthenticated, settings.maxUnauthenticatedPerAddress))
        ChannelLessLimit(settings.authTimeout, context.scope).also {
            server.addSessionListener(it)
            server.addChannelListener(it)
        }
        settings.configure?.configure(server)
        try {
            withContext(Dispatchers.IO) { server.start() }
        } catch (e: IOException) {
            runCatching { server.stop(true) }
            throw IOException("ssh: cannot listen on $host:$port: ${e.message}", e)
        }
        logger.info { "SSH host key ${settings.hostKey.toAbsolutePath()}: ${hostKey.public.algorithm} ${HostKeyFile.fingerprint(hostKey.public)}" }
        return SshListener(server)
    }

    private fun forwardingFilter(): ForwardingFilter = object : ForwardingFilter {
        override fun canForwardAgent(session: Session, requestType: String): Boolean = settings.allowAgentForwarding

        override fun canForwardX11(session: Session, requestType: String): Boolean = settings.allowX11Forwarding

        override fun canListen(address: SshdSocketAddress, session: Session): Boolean = settings.allowTcpForwarding

        override fun canConnect(type: TcpForwardingFilter.Type, address: SshdSocketAddress, session: Session): Boolean = settings.allowTcpForwarding
    }

    override fun toString(): String = "SshTransport($settings)"

    /** MINA's server, with a way to stop accepting while its connections go on. */
    internal class UnbindableSshServer : SshServer() {
        fun unbind() {
            acceptor?.unbind()
        }
    }

    /** The bound SSH server. */
    private class SshListener(private val server: UnbindableSshServer) : Listener {
        override val port: Int = server.port

        override fun stopAccepting() {
            try {
                server.unbind()
            } catch (e: Exception) {
                logger.debug { "ssh: unbinding failed: ${e.message}" }
            }
        }

        override suspend fun close() {
            withContext(Dispatchers.IO) {
                try {
                    server.stop(true)
                } catch (e: IOException) {
                    logger.debug { "ssh: stopping failed: ${e.message}" }
                }
            }
        }
    }

    public companion object {
        /** The transport's name: what sessions report and what `TelnetServer.portOf` takes. */
        public const val NAME: String = "ssh"
        private const val WINDOW_BYTES = 256L * 1024
        private const val READ_BUFFER_BYTES = 4 * 1024
        private const val MAX_CHANNELS = 10 // MINA admits one more than this
    }
}
