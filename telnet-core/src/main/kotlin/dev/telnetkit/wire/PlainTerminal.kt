package dev.telnetkit.wire

import dev.telnetkit.session.TerminalSize
import java.util.concurrent.atomic.AtomicReference

/**
 * A terminal reached without Telnet (SSH, a WebSocket, memory): no option negotiation. The
 * transport hands in what it learned at connect ([terminalType], [size], [environment], and the
 * [user] it authenticated) and passes on later events with [resize] and [interrupt].
 *
 * @property terminalType the terminal type, such as `xterm-256color` (lower-cased for the session).
 * @property user the name the transport authenticated, or null; a session with a user skips the shell's login.
 * @property environment variables the client sent (SSH `env` requests): untrusted input. The session
 *   shows RFC 1572's six well-known names (`USER`, `DISPLAY`, ...) in `environment` and every other
 *   (`LANG`, `COLORTERM`, ...) in `userEnvironment`, as it does for a Telnet client.
 * @property characterMode true when the terminal sends every key as typed and the server echoes
 *   (an SSH PTY, a browser terminal); false for line-by-line input with no echo (`ssh -T`).
 * @property command the one command line the client asked to run (an SSH `exec` request): the
 *   session's `command`, which the shell runs alone, without a prompt, and then ends. Null for an
 *   interactive session.
 * @property tty true when a terminal shows the output (an SSH PTY, a browser); false for a pipe
 *   (`ssh host command` or `ssh -T`): lines then end in LF alone, ANSI styles are off and prompts
 *   are not written (as a shell without a terminal writes none).
 * @property errorOutput where the session's error lines go when the transport keeps them apart
 *   from its output (SSH's stderr); null: they go with the rest of the output.
 */
public class PlainTerminal @JvmOverloads constructor(
    public val terminalType: String = "xterm",
    size: TerminalSize = TerminalSize.DEFAULT,
    public val user: String? = null,
    public val environment: Map<String, String> = emptyMap(),
    public val characterMode: Boolean = true,
    public val command: String? = null,
    public val tty: Boolean = characterMode,
    public val errorOutput: ErrorOutput? = null,
) {
    @Volatile private var currentSize: TerminalSize = size
    private val listener = AtomicReference<Listener?>(null)

    /** The terminal size now. */
    public val size: TerminalSize get() = currentSize

    /**
     * The session's exit status (its `exitStatus`, 0 unless a command failed): what the transport
     * reports when the session ends, as SSH's `exit-status`.
     */
    @Volatile public var exitStatus: Int = 0
        internal set

    /** The terminal was resized: the session redraws its line and tells its resize listeners. */
    public fun resize(size: TerminalSize) {
        if (size.width <= 0 || size.height <= 0) return
        currentSize = size
        listener.get()?.resized(size)
    }

    /** The user asked to interrupt (an SSH `break` or `signal INT`): as Ctrl-C. */
    public fun interrupt() {
        listener.get()?.interrupted()
    }

    /** The wire layer attaches here to hear [resize] and [interrupt]. */
    internal fun listen(listener: Listener) {
        this.listener.set(listener)
    }

    internal interface Listener {
        fun resized(size: TerminalSize)
        fun interrupted()
    }

    /**
     * Takes a session's error lines where a transport keeps them apart from the output (SSH's
     * extended data, stderr). Called from the session's threads, one line at a time, in order.
     */
    public fun interface ErrorOutput {
        /**
         * [bytes]: one error line, encoded, with its line end. Returns false when the line cannot
         * be taken (the client reads nothing and too much is queued): it is then dropped.
         */
        public fun write(bytes: ByteArray): Boolean
    }
}
