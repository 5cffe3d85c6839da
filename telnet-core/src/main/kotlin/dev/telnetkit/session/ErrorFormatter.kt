package dev.telnetkit.session

/**
 * Formats the text of `writeError` for a session, for example to colour it. The default shows
 * it as it is.
 *
 * Threading: it is called by `writeError`, on the thread of its caller; for a Kotlin handler that is
 * the session's event loop, shared with other sessions, so a formatter must be quick and must not
 * block unless wrapped with [blocking]. `TelnetServerBuilder.errorFormatter`, the Java face, wraps
 * what it is given that way.
 */
public fun interface ErrorFormatter {
    /** The line to show for the error [text] in [session] (no line break needed). */
    public fun format(session: Session, text: String): String

    public companion object {
        /** Shows errors as they are. */
        @JvmField
        public val PLAIN: ErrorFormatter = ErrorFormatter { _, text -> text }

        /**
         * [formatter], run where blocking is allowed (never on an event-loop thread) and interrupted
         * if the session ends meanwhile. Wrapping twice changes nothing.
         */
        @JvmStatic
        public fun blocking(formatter: ErrorFormatter): ErrorFormatter =
            formatter as? BlockingErrorFormatter ?: BlockingErrorFormatter(formatter)
    }
}

/** A formatter marked with [ErrorFormatter.blocking]; `writeError` runs [delegate] on the blocking executor. */
internal class BlockingErrorFormatter(val delegate: ErrorFormatter) : ErrorFormatter {
    override fun format(session: Session, text: String): String = delegate.format(session, text)
}

/** [text] formatted by this formatter: an [ErrorFormatter.blocking] one runs with [runBlockingCode]. */
internal suspend fun ErrorFormatter.formatError(session: Session, text: String): String =
    if (this is BlockingErrorFormatter) runBlockingCode { delegate.format(session, text) } else format(session, text)
