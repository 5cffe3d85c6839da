package dev.telnetkit.session

/**
 * Told when the user asks to interrupt: Telnet `IAC IP` or `IAC BRK`, or Ctrl-C typed in character
 * mode. Called at once on the session's input coroutine, even while the handler is busy and not
 * reading, so it can cancel running work: return quickly and do not block.
 */
public fun interface InterruptListener {
    /** The user asked to interrupt. */
    public fun onInterrupt()
}
