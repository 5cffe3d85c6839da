package dev.telnetkit.testkit

/**
 * The terminal a [TelnetTestClient] plays: what it answers during option negotiation.
 *
 * @property terminalTypes the names given in turn to TTYPE `SEND`; asked beyond the end, the last
 *   one is repeated (as xterm-style clients do). Empty: the client refuses TTYPE.
 * @property width the window width sent with NAWS; 0 refuses NAWS.
 * @property height the window height sent with NAWS.
 * @property environment variables sent with NEW-ENVIRON `IS`; empty refuses NEW-ENVIRON.
 * @property charsets charsets accepted on a CHARSET `REQUEST`, in order of preference; empty refuses CHARSET.
 * @property acceptEcho whether `WILL ECHO` is accepted (the server then echoes).
 * @property acceptSuppressGoAhead whether `WILL SGA` is accepted.
 * @property negotiates false plays a client that speaks no Telnet at all (netcat): no answers.
 */
public class TerminalProfile @JvmOverloads constructor(
    public val terminalTypes: List<String> = listOf("XTERM-256COLOR"),
    public val width: Int = 80,
    public val height: Int = 24,
    public val environment: Map<String, String> = emptyMap(),
    public val charsets: List<String> = listOf("UTF-8"),
    public val acceptEcho: Boolean = true,
    public val acceptSuppressGoAhead: Boolean = true,
    public val negotiates: Boolean = true,
) {
    init {
        require(width in 0..65535 && height in 0..65535) { "width and height must be in 0..65535" }
    }

    public companion object {
        /** An xterm-256color terminal of 80x24 that agrees to everything. */
        @JvmField
        public val XTERM: TerminalProfile = TerminalProfile()

        /** A client that answers no negotiation at all and sends raw lines, like netcat. */
        @JvmField
        public val RAW: TerminalProfile = TerminalProfile(negotiates = false)

        /** A Telnet client that refuses every option (answers WONT/DONT), staying in line mode. */
        @JvmField
        public val REFUSE_ALL: TerminalProfile = TerminalProfile(
            terminalTypes = emptyList(), width = 0, height = 0, charsets = emptyList(),
            acceptEcho = false, acceptSuppressGoAhead = false,
        )
    }
}
