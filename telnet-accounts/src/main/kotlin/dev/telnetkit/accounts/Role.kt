package dev.telnetkit.accounts

/** What an account may do: an ordinary [USER], or a [SYSOP] who runs the board. */
public enum class Role {
    /** An ordinary user (every new account). */
    USER,

    /** The system operator: may manage other accounts. */
    SYSOP,
}
