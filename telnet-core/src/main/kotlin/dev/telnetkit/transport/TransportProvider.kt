package dev.telnetkit.transport

/**
 * Makes a [Transport] findable by name with [Transport.named]: list the implementing class in
 * `META-INF/services/dev.telnetkit.transport.TransportProvider`.
 */
public interface TransportProvider {
    /** The name [Transport.named] matches, ignoring case. */
    public val name: String

    /** A transport with its default options. */
    public fun create(): Transport
}
