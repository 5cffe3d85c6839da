package dev.telnetkit.session

/**
 * Sees what passes through one [Session]'s terminal, for session recording and audit
 * (`telnet-recording` writes asciicast files with it). Attach with [Session.addTap]; every method
 * has an empty default, so a tap overrides only what it needs.
 *
 * What a tap sees, and what it never sees:
 * - [output]: the terminal bytes the session writes, in [Session.encoding] with CR LF line ends,
 *   before the wire encoding: no Telnet IAC doubling, no negotiation, no MCCP compression.
 *   [Session.writeBytes] passes its bytes as they are (they may be in a charset of their own, such
 *   as CP437 art). The raw bytes of a [Session.binaryTransfer] (ZModem) are not terminal output and
 *   are never passed on; neither is text the wire layer writes by itself (the Telnet AYT answer).
 * - [input]: what the user typed, when a visible read consumes it (a [Session.readLine] with echo
 *   and no mask, [Session.readKey], [Session.readText]). Keys consumed by a hidden or masked read
 *   (a password prompt, `readLine(echo = false)`, a masked field) are never passed on, even when
 *   they were typed ahead before the read began. Input a binary transfer reads is not passed on.
 *   Raw reads ([Session.readKey], [Session.readText]) cannot know what the program behind them
 *   hides: a password typed into an OS shell's `sudo` through `readText` is seen.
 * - [resized] on every window size change, [closed] once when the session has ended.
 *
 * Threading: calls come from the session's own threads (its handler, its event loop, a thread
 * writing a message) and may overlap (a resize while output is written), so a tap must be
 * thread-safe. [output] calls come in the order the bytes go out. Calls are made while the session
 * holds its screen lock: a tap must be quick, never block (queue work for another thread) and never
 * call back into the session. A tap that throws is logged and removed from the session, which goes
 * on without it.
 */
public interface SessionTap {
    /**
     * The session wrote [length] bytes of [bytes] from [offset]. The array belongs to the session:
     * read it during the call only, never change or keep it.
     */
    public fun output(bytes: ByteArray, offset: Int, length: Int) {}

    /** The user typed [text] (as the terminal sent it: `\r` for Enter, escape sequences for keys), taken by a visible read. */
    public fun input(text: String) {}

    /** The terminal's size changed to [size]. */
    public fun resized(size: TerminalSize) {}

    /** The session has ended: nothing more is written or read. Called once, after the connection closed. */
    public fun closed() {}
}
