package dev.telnetkit.protocol

/** Option codes used by TelnetKit, with the RFC that defines each one. */
public object TelnetOption {
    /** Binary transmission, RFC 856 (negotiated per direction). */
    public const val BINARY: Int = 0
    /** Echo, RFC 857. */
    public const val ECHO: Int = 1
    /** Suppress go-ahead, RFC 858. */
    public const val SGA: Int = 3
    /** Status, RFC 859 (refused). */
    public const val STATUS: Int = 5
    /** Timing mark, RFC 860 (answered, never kept enabled). */
    public const val TIMING_MARK: Int = 6
    /** Terminal type, RFC 1091. */
    public const val TTYPE: Int = 24
    /** End of record, RFC 885 (refused). */
    public const val EOR: Int = 25
    /** Negotiate about window size, RFC 1073. */
    public const val NAWS: Int = 31
    /** Terminal speed, RFC 1079. */
    public const val TSPEED: Int = 32
    /** Remote flow control, RFC 1372 (refused). */
    public const val LFLOW: Int = 33
    /** Linemode, RFC 1184 (refused cleanly). */
    public const val LINEMODE: Int = 34
    /** X display location, RFC 1096. */
    public const val XDISPLOC: Int = 35
    /** The obsolete environment option, RFC 1408 (refused in favour of [NEW_ENVIRON]). */
    public const val OLD_ENVIRON: Int = 36
    /** Authentication, RFC 2941 (refused). */
    public const val AUTHENTICATION: Int = 37
    /** Encryption, RFC 2946 (refused). */
    public const val ENCRYPT: Int = 38
    /** New environment, RFC 1572. */
    public const val NEW_ENVIRON: Int = 39
    /** Charset, RFC 2066. */
    public const val CHARSET: Int = 42
    /** MUD Server Data Protocol (not built in; see the telnet-mud module). */
    public const val MSDP: Int = 69
    /** MUD Server Status Protocol (not built in; see the telnet-mud module). */
    public const val MSSP: Int = 70
    /** MUD Client Compression Protocol v2: the server's output compressed (not built in). */
    public const val MCCP2: Int = 86
    /** MUD Client Compression Protocol v3: the client's input compressed (not built in). */
    public const val MCCP3: Int = 87
    /** Generic MUD Communication Protocol (not built in; see the telnet-mud module). */
    public const val GMCP: Int = 201

    /** A readable name for an option code, such as `"NAWS"`, or the number for unknown options. */
    @JvmStatic
    public fun name(option: Int): String = when (option) {
        BINARY -> "BINARY"; ECHO -> "ECHO"; SGA -> "SGA"; STATUS -> "STATUS"; TIMING_MARK -> "TIMING-MARK"
        TTYPE -> "TTYPE"; EOR -> "EOR"; NAWS -> "NAWS"; TSPEED -> "TSPEED"; LFLOW -> "LFLOW"
        LINEMODE -> "LINEMODE"; XDISPLOC -> "XDISPLOC"; OLD_ENVIRON -> "OLD-ENVIRON"
        AUTHENTICATION -> "AUTHENTICATION"; ENCRYPT -> "ENCRYPT"; NEW_ENVIRON -> "NEW-ENVIRON"; CHARSET -> "CHARSET"
        MSDP -> "MSDP"; MSSP -> "MSSP"; MCCP2 -> "MCCP2"; MCCP3 -> "MCCP3"; GMCP -> "GMCP"
        else -> option.toString()
    }
}
