@file:JvmName("MudSessions")

package dev.telnetkit.mud

import dev.telnetkit.session.Session
import dev.telnetkit.wire.telnetOption

/** This session's GMCP, or null when the server has no [Gmcp.factory] or the session is not over Telnet. */
public val Session.gmcp: Gmcp? get() = telnetOption<Gmcp>()

/** This session's MSDP, or null when the server has no [Msdp.factory] or the session is not over Telnet. */
public val Session.msdp: Msdp? get() = telnetOption<Msdp>()

/**
 * This session's MCCP2 (output compression), or null when the server has no [Mccp2.factory], the
 * server-wide cap of compressing sessions was reached when it connected, or it is not over Telnet.
 */
public val Session.mccp2: Mccp2? get() = telnetOption<Mccp2>()

/** This session's MCCP3 (input decompression), or null as for [mccp2]. */
public val Session.mccp3: Mccp3? get() = telnetOption<Mccp3>()
