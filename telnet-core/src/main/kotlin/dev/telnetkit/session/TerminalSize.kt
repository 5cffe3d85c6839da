package dev.telnetkit.session

/** A terminal window size in character cells, as reported by NAWS. */
public data class TerminalSize(val width: Int, val height: Int) {
    public companion object {
        /** What a session assumes until the client reports its size. */
        @JvmField
        public val DEFAULT: TerminalSize = TerminalSize(80, 24)
    }
}

/** Told when a session's terminal is resized. Called on the session's input coroutine: return quickly. */
public fun interface ResizeListener {
    /** The terminal is now [size]. */
    public fun onResize(size: TerminalSize)
}
