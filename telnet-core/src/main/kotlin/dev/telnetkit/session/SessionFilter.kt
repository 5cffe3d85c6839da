package dev.telnetkit.session

/** Chooses sessions, for example for `TelnetServer.broadcast`. */
public fun interface SessionFilter {
    /** True to include [session]. */
    public fun accept(session: Session): Boolean

    public companion object {
        /** Every session. */
        @JvmField
        public val ALL: SessionFilter = SessionFilter { true }
    }
}
