package dev.telnetkit.session

/**
 * Formats the text of `writeError` for a session, for example to colour it. The default shows
 * it as it is.
 */
public fun interface ErrorFormatter {
    /** The line to show for the error [text] in [session] (no line break needed). */
    public fun format(session: Session, text: String): String

    public companion object {
        /** Shows errors as they are. */
        @JvmField
        public val PLAIN: ErrorFormatter = ErrorFormatter { _, text -> text }
    }
}
