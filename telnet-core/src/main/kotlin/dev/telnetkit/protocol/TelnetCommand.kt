package dev.telnetkit.protocol

/**
 * Byte values of the Telnet commands of RFC 854, as unsigned ints (0..255).
 *
 * Every command on the wire is preceded by [IAC]; a data byte of value 255 is sent as `IAC IAC`.
 */
public object TelnetCommand {
    /** End of record, RFC 885: marks the end of a record (MUD servers: of a prompt) once EOR is agreed. */
    public const val EOR: Int = 239
    /** End of subnegotiation parameters. */
    public const val SE: Int = 240
    /** No operation. */
    public const val NOP: Int = 241
    /** Data mark: the data stream portion of a Synch. */
    public const val DM: Int = 242
    /** Break: the NVT "break" or "attention" key. */
    public const val BRK: Int = 243
    /** Interrupt process. */
    public const val IP: Int = 244
    /** Abort output. */
    public const val AO: Int = 245
    /** Are you there. */
    public const val AYT: Int = 246
    /** Erase character. */
    public const val EC: Int = 247
    /** Erase line. */
    public const val EL: Int = 248
    /** Go ahead. */
    public const val GA: Int = 249
    /** Start of subnegotiation. */
    public const val SB: Int = 250
    /** Sender wants to enable, or confirms it has enabled, an option on its own side. */
    public const val WILL: Int = 251
    /** Sender refuses, or confirms it has disabled, an option on its own side. */
    public const val WONT: Int = 252
    /** Sender asks the receiver to enable, or confirms the receiver may enable, an option. */
    public const val DO: Int = 253
    /** Sender asks the receiver to disable, or refuses to let it enable, an option. */
    public const val DONT: Int = 254
    /** Interpret as command: the escape byte of the protocol. */
    public const val IAC: Int = 255

    /** A readable name for a command byte, such as `"AYT"`, or the number for unknown bytes. */
    @JvmStatic
    public fun name(code: Int): String = when (code) {
        EOR -> "EOR"; SE -> "SE"; NOP -> "NOP"; DM -> "DM"; BRK -> "BRK"; IP -> "IP"; AO -> "AO"; AYT -> "AYT"
        EC -> "EC"; EL -> "EL"; GA -> "GA"; SB -> "SB"; WILL -> "WILL"; WONT -> "WONT"; DO -> "DO"
        DONT -> "DONT"; IAC -> "IAC"
        else -> code.toString()
    }
}
