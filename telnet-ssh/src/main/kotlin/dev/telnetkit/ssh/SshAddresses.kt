package dev.telnetkit.ssh

import org.apache.sshd.common.session.Session
import java.net.InetSocketAddress

/** The client's address of an SSH connection, written as TelnetKit's other transports write it. */
internal object SshAddresses {
    /** The client's address without the port, such as `127.0.0.1` or `::1`: what per-address limits count. */
    fun host(session: Session): String = when (val address = session.ioSession.remoteAddress) {
        is InetSocketAddress -> address.address?.hostAddress ?: address.hostString
        else -> address.toString()
    }

    /** The client's address and port, such as `127.0.0.1:53412` or `[::1]:53412`. */
    fun full(session: Session): String = when (val address = session.ioSession.remoteAddress) {
        is InetSocketAddress -> host(session).let { if (':' in it) "[$it]:${address.port}" else "$it:${address.port}" }
        else -> address.toString()
    }
}
