package dev.telnetkit.protocol

/** Which end of the connection an option is enabled on, seen from this (the server's) side. */
public enum class OptionSide {
    /** Our side: we WILL do it (for example we echo). Negotiated with WILL/WONT sent, DO/DONT received. */
    LOCAL,

    /** The peer's side: the client WILL do it (for example it reports its window size). */
    REMOTE,
}
