@file:JvmName("MudSessions")

package dev.telnetkit.mud

import dev.telnetkit.session.Session
import dev.telnetkit.wire.telnetOption

/** This session's GMCP, or null when the server has no [Gmcp.factory] or the session is not over Telnet. */
public val Session.gmcp: Gmcp? get() = telnetOption<Gmcp>()

/** This session's MSDP, or null when the server has no [Msdp.factory] or the session is not over Telnet. */
public val Session.msdp: Msdp? get() = telnetOption<Msdp>()
