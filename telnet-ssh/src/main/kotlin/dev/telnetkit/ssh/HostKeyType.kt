package dev.telnetkit.ssh

/** The kind of host key a server generates on its first start (an existing key file is used as it is). */
public enum class HostKeyType {
    /** Ed25519: small and fast; what current OpenSSH prefers. The default. */
    ED25519,

    /** RSA, 3072 bits: for old clients that know no Ed25519. */
    RSA,
}
